"""What a new user met in the first hour (issue "A new user's first hour"), each through the CLI."""

from __future__ import annotations

import json
import re
import shlex
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SAMPLES, write
from newscli.cli import COMMANDS
from newscli.snippets import as_read


@pytest.fixture
def samples(cli):
    assert cli("import", str(SAMPLES)).exit_code == 0
    return cli


def titles(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM articles ORDER BY id")]


# -- 1. every command takes -h and --help ------------------------------------------------------


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_prints_help_for_h_and_help(samples, command, flag):
    result = samples(command, flag)
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("Usage: ") and f" {command} [OPTIONS]" in first
    assert '"slug"' not in result.stdout  # search/export did not run


# -- 2. edit: one line for every editor failure, the article unchanged -------------------------


def editor_script(tmp_path: Path, code: str) -> dict[str, str]:
    """An $EDITOR running `code` with `path` the file to edit."""
    script = tmp_path / "editor.py"
    script.write_text(f"import os, sys, pathlib, shutil\npath = pathlib.Path(sys.argv[1])\n{code}\n")
    return {"EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}", "VISUAL": ""}


@pytest.mark.parametrize("code, message", [
    ("sys.exit(3)", "exited with status 3"),
    ("path.unlink()", "the editor removed the file"),
    ("path.unlink(); path.mkdir()", "left a folder"),
    ("path.write_bytes(path.read_bytes().replace(b'Grant', b'Gr\\xe4nt'))", "not saved as UTF-8"),
    ("path.write_bytes(path.read_bytes().replace(b'Grant', b'Gr\\x00nt', 1))", "NUL byte"),
])
def test_a_failing_editor_changes_nothing_and_leaves_nothing(samples, db, tmp_path, monkeypatch,
                                                             code, message):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    before = titles(db)
    result = samples("edit", "museum-restoration-grant", env=editor_script(tmp_path, code))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert titles(db) == before
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_missing_editor_is_one_line(samples, db):
    result = samples("edit", "museum-restoration-grant",
                     env={"EDITOR": "no-such-editor-here", "VISUAL": ""})
    assert result.exit_code == 1
    assert result.stderr.strip() == ("newscli: error: cannot start the editor "
                                     "'no-such-editor-here': no such program; set $EDITOR to "
                                     "the editor you use (nothing was changed)")


def test_edit_without_a_terminal_or_editor_refuses_instead_of_hanging(samples):
    result = samples("edit", "museum-restoration-grant", env={"EDITOR": "", "VISUAL": ""})
    assert result.exit_code == 2
    assert "needs a terminal" in result.stderr and "$EDITOR" in result.stderr


# -- 3. importing a folder takes articles only -------------------------------------------------

TRUTH = "\n".join(json.dumps({"file": f"page{n}.html", "title": f"Page {n}", "author": "A. N.",
                              "date": "2020-01-01", "text_contains": ["x"]}) for n in range(3))
PAGE = "Ferry Fares Rise\n\nThe port authority raised night ferry fares by a pound on Monday.\n"


def test_a_folder_skips_licences_and_title_only_record_files_and_says_so(cli, db, tmp_path):
    write(tmp_path / "in", "story.txt", PAGE)
    write(tmp_path / "in", "LICENSE.txt", "The MIT License (MIT)\n\nPermission is granted.\n")
    write(tmp_path / "in", "README.md", "# About these files\n\nThey are pages.\n")
    write(tmp_path / "in", "truth.jsonl", TRUTH)
    result = cli("import", str(tmp_path / "in"))
    assert result.exit_code == 0, result.stderr
    assert titles(db) == ["Ferry Fares Rise"]
    assert result.stderr.count("skipped: ") == 3
    assert "truth.jsonl: no record has text (3 with a title only)" in result.stderr
    assert "LICENSE.txt: not an article" in result.stderr
    assert result.stderr.strip().endswith("1 imported, 0 updated, 0 unchanged, 0 duplicates, "
                                          "0 failed, 3 skipped")


def test_headline_only_records_named_on_the_command_line_are_imported_and_counted(cli, db,
                                                                                  tmp_path):
    path = write(tmp_path, "wire.jsonl", TRUTH)
    result = cli("import", str(path), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["imported"] == 3 and report["headline_only"] == 3
    assert cli("import", str(write(tmp_path, "w2.jsonl", TRUTH.replace("Page", "Item")))
               ).stderr.strip().endswith("(3 headline-only: a title and no text)")


def test_a_headline_only_record_beside_full_ones_is_imported(cli, db, tmp_path):
    full = json.dumps({"title": "Full Story", "body": "A body with words in it."})
    write(tmp_path / "in", "feed.jsonl", TRUTH.split("\n")[0] + "\n" + full + "\n")
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    assert titles(db) == ["Page 0", "Full Story"]


def test_exclude_leaves_out_files_and_folders(cli, db, tmp_path):
    write(tmp_path / "in", "story.txt", PAGE)
    write(tmp_path / "in" / "drafts", "draft.txt", "Draft\n\nNot yet.\n")
    write(tmp_path / "in", "notes.md", "# Notes\n\nMine.\n")
    result = cli("import", str(tmp_path / "in"), "--exclude", "drafts", "--exclude", "*.md")
    assert result.exit_code == 0
    assert titles(db) == ["Ferry Fares Rise"]
    assert result.stderr.count("excluded by --exclude") == 2


def test_a_licence_named_on_the_command_line_is_imported(cli, db, tmp_path):
    path = write(tmp_path, "LICENSE.txt", "The MIT License (MIT)\n\nPermission is granted.\n")
    assert cli("import", str(path)).exit_code == 0
    assert titles(db) == ["The MIT License (MIT)"]


# -- 5. every command that takes a query takes several words -----------------------------------


def test_stats_and_dupes_take_several_query_words(samples):
    stats = samples("stats", "night", "ferry", "--by", "month", "--format", "json")
    assert stats.exit_code == 0, stats.stderr
    one = samples("stats", "night ferry", "--by", "month", "--format", "json")
    assert json.loads(stats.stdout) == json.loads(one.stdout)
    dupes = samples("dupes", "wind", "farm", "--format", "json")
    assert dupes.exit_code == 0, dupes.stderr
    assert samples("stats", "-ferry", "--format", "json").exit_code == 0


# -- 6. list exits 1 when nothing matches -------------------------------------------------------


@pytest.mark.parametrize("fmt", [[], ["--format", "json"], ["--format", "tsv"]])
def test_list_nothing_found_exits_1(samples, fmt):
    result = samples("list", "--source", "Nope", *fmt)
    assert result.exit_code == 1
    assert "no articles match" in result.stderr


# -- 7. nothing that writes no article creates a file -------------------------------------------


def test_dry_run_creates_no_archive(cli, db):
    result = cli("import", str(SAMPLES), "--dry-run")
    assert result.exit_code == 0
    assert "dry run, nothing written: 20 imported" in result.stderr
    assert not db.exists()


def test_an_import_that_stores_nothing_creates_no_archive_nor_folder(tmp_path):
    from conftest import Cli

    db = tmp_path / "new" / "folder" / "x.db"
    result = Cli(db)("import", str(tmp_path / "missing-folder"))
    assert result.exit_code == 1
    assert not (tmp_path / "new").exists()
    listed = Cli(db)("list")
    assert listed.exit_code == 1 and "no archive at" in listed.stderr


# -- 8. info: only the formats it prints; --path before the first import -------------------------


def test_info_refuses_formats_it_does_not_print(samples):
    for fmt in ("csv", "jsonl"):
        result = samples("info", "--format", fmt)
        assert result.exit_code == 2 and result.stdout == ""
    assert json.loads(samples("info", "--format", "json").stdout)["articles"] == 20


def test_info_path_names_the_archive_before_it_exists(cli, db):
    result = cli("info", "--path")
    assert result.exit_code == 0
    assert result.stdout == f"{db.resolve()}\n"
    assert "no archive there yet" in result.stderr
    assert not db.exists()


# -- 14, 15. messages ----------------------------------------------------------------------------


def test_piped_rm_without_yes_says_what_to_do_in_one_line(samples):
    result = samples("rm", "mayor-race-preview")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "newscli: error: rm asks before removing, and there is no terminal to ask on; "
        "add --yes to remove without asking"]


def test_report_says_1_duplicate(cli, tmp_path):
    write(tmp_path / "a", "one.txt", PAGE)
    write(tmp_path / "a", "two.txt", PAGE)
    result = cli("import", str(tmp_path / "a"))
    assert "1 imported, 0 updated, 0 unchanged, 1 duplicate, 0 failed" in result.stderr


def test_one_file_in_the_way_is_it_not_them(samples, tmp_path):
    target = write(tmp_path, "backup.jsonl", "x")
    result = samples("export", "-o", str(target))
    assert result.exit_code == 1
    assert f"1 file already exists: {target}; add --force to overwrite it " in result.stderr


# -- 13. one error style, in newscli's words ------------------------------------------------------


@pytest.mark.parametrize("args, line", [
    (["info", "--format", "csv"], "--format: 'csv' is not accepted; use table or json"),
    (["dupes", "--threshold", "0.2"], "--threshold: '0.2' is not accepted; use a number from "
                                      "0.4 to 1"),
    (["list", "--limit", "x"], "--limit: 'x' is not accepted; use a whole number of at least 0"),
    (["list", "--sort", "nope"], "--sort: 'nope' is not accepted; use date, title, source or "
                                 "imported"),
    (["show"], "missing SLUG"),
    (["show", "a", "b"], "got unexpected extra argument(s) (b)"),
    (["list", "--bogus"], "no such option: --bogus"),
])
def test_usage_errors_are_one_line_in_newscli_words(samples, args, line):
    result = samples(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"newscli: error: {line}")
    for pydantic_words in ("Input should", "Value error", "Usage:", "Error:"):
        assert pydantic_words not in result.stderr


# -- 12. help names what to type, in one usage style ----------------------------------------------


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)], ids=lambda c: " ".join(c))
def test_help_shows_placeholders_not_python_types(cli, command):
    import re

    result = cli(*command, "--help")
    assert result.exit_code == 0
    for python_words in ("<list[", "<str>", "<int", "<float", "<path>", "<file>", "{", "[["):
        assert python_words not in result.stdout, (command, python_words)
    usage = result.stdout.splitlines()[0]
    assert re.fullmatch(r"Usage: \S+( \w+)? \[OPTIONS\]( (\[[A-Z]+\]|[A-Z]+)(\.\.\.)?)*"
                        r"( COMMAND \[ARGS\]\.\.\.)?", usage), usage
    assert "-h, --help" in result.stdout


def test_import_source_help_reads_as_english(cli):
    assert "for articles that name none" in cli("import", "--help").stdout


# -- 16. shell completion -------------------------------------------------------------------------


def complete(db: Path, words: str, shell: str = "bash") -> list[str]:
    """What the shell would be offered for the last word of `words`."""
    import os
    import subprocess

    env = {**os.environ, "NEWSCLI_DB": str(db), "_NEWSCLI_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split(" ")) - 1))
    else:
        env.update(_TYPER_COMPLETE_ARGS=words, _TYPER_COMPLETE_FISH_ACTION="get-args")
    newscli = Path(sys.executable).with_name("newscli")
    result = subprocess.run([str(newscli)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def test_completion_offers_commands_options_choices_and_archive_values(samples, db):
    assert complete(db, "newscli se") == ["search"]
    assert "--source" in complete(db, "newscli list --")
    assert complete(db, "newscli list --sort ") == ["date", "title", "source", "imported"]
    assert "jsonl" in complete(db, "newscli export --format ")
    assert set(complete(db, "newscli list --source ")) >= {"Coastal Herald", "Bay Radio News"}
    assert complete(db, "newscli list --tag drou") == ["drought"]
    assert complete(db, "newscli show port-auth") == [
        "port-authority-opens-night-ferry-to-island-towns"]
    assert complete(db, "newscli tag mayor-race-preview --add her") == ["heritage"]
    assert complete(db, "newscli list --source Coastal", shell="fish") == ["Coastal Herald"]


def test_completion_without_an_archive_offers_nothing_and_creates_nothing(tmp_path):
    db = tmp_path / "none.db"
    assert complete(db, "newscli show x") == []
    assert not db.exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script_for_each_shell(cli, shell):
    result = cli("--show-completion", shell, env={"SHELL": ""})  # named: no detection needed
    assert result.exit_code == 0, result.stderr
    assert "_COMPLETE" in result.stdout and "complete" in result.stdout
    assert f"complete_{shell}" in result.stdout  # the script of the shell named


# -- 9. slugs are never cut or wrapped in tables ----------------------------------------------------


@pytest.fixture
def on_a_terminal(monkeypatch):
    import newscli.render

    monkeypatch.setattr(newscli.render, "is_terminal", lambda stream: True)


@pytest.mark.parametrize("columns", ["140", "100"])
@pytest.mark.parametrize("args", [["list"], ["dupes"], ["related", "night-ferry-fare-deal"]])
def test_tables_show_every_slug_whole_on_one_line(samples, on_a_terminal, columns, args):
    listed = json.dumps(samples.json(*args))
    slugs = [a["slug"] for a in samples.json("list") if f'"{a["slug"]}"' in listed]
    assert slugs
    result = samples(*args, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    shown = {word for line in lines for word in line.split()}
    for slug in slugs:
        assert slug in shown, (slug, result.stdout)


# -- 10. tags pages on a terminal as list does ------------------------------------------------------


def test_tags_on_a_terminal_stop_at_50_with_the_footer_list_has(cli, tmp_path, on_a_terminal):
    for n in range(60):
        write(tmp_path / "in", f"a{n}.md", f"---\ntitle: Story {n}\ntags: [t{n:02d}]\n---\n"
                                            f"Body number {n} with words.\n")
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    result = cli("tags", env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert len(re.findall(r"^ t\d\d ", result.stdout, re.M)) == 50
    assert "50 of 60 tags - use --limit and --offset for more" in result.stderr
    page = cli("tags", "--limit", "5", "--offset", "55", env={"COLUMNS": "100"})
    assert len(re.findall(r"^ t\d\d ", page.stdout, re.M)) == 5 and "56-60 of 60 tags" in page.stderr
    assert len(cli.json("tags")) == 60  # machine formats return every tag


# -- 11. snippets are text as a reader sees it ------------------------------------------------------

@pytest.mark.parametrize("fragment, read", [
    ("1. [Schnorr署名とMuSig](#schnorr-signatures-and-musig)-bip", "1. Schnorr署名とMuSig-bip"),
    ("if levels fell further.\n\nLong-term options\n\nThe board met.",
     "if levels fell further. Long-term options — The board met."),
    ("a hard-wrapped\nsentence goes on.", "a hard-wrapped sentence goes on."),
    ("Intro text.\n## Why now\nBoard chair said", "Intro text. Why now — Board chair said"),
    ("**bold**, *stressed* and `code`", "bold, stressed and code"),
    ("- it has a pumping station;\n- the bay is deep", "it has a pumping station; the bay is deep"),
    ("…signatures](#schnorr) and [Taproot…", "…signatures and Taproot…"),
    ("{% include references.md %}\n\nIn 2019", "In 2019"),
    ("see [musig][ref]\n\n[ref]: /en/x/#musig", "see musig"),
    ("a\x02match\x03 stays", "a\x02match\x03 stays"),
])
def test_as_read(fragment, read):
    assert as_read(fragment) == read


@given(st.text())
def test_as_read_is_one_line_and_never_raises(text):
    assert "\n" not in as_read(text)


def test_search_snippets_show_no_markdown(cli, tmp_path):
    body = ("The museum plans a [new gallery](https://example.org/gallery) on **ferries**.\n\n"
            "Long-term options\n\nThe board will decide about the ferries next month.\n")
    write(tmp_path, "a.md", f"---\ntitle: Museum\n---\n{body}")
    assert cli("import", str(tmp_path / "a.md")).exit_code == 0
    (hit,) = cli.json("search", "ferries")
    assert "[" not in hit["snippet"] and "](" not in hit["snippet"] and "**" not in hit["snippet"]
    assert "new gallery on ferries. Long-term options — The board" in hit["snippet"]


def test_scores_read_the_same_way_for_every_query(samples):
    for query in ("the", "desalination", "night ferry"):
        scores = [hit["score"] for hit in samples.json("search", query)]
        assert scores[0] == 100.0
        assert all(0 <= s <= 100 and round(s, 1) == s for s in scores), (query, scores)
        assert scores == sorted(scores, reverse=True)
    paged = samples.json("search", "the", "--offset", "2", "--limit", "2")
    full = samples.json("search", "the")
    assert [h["score"] for h in paged] == [h["score"] for h in full[2:4]]
    assert "e-0" not in samples("search", "the", "--format", "tsv").stdout


# -- 19. a source given as a domain takes the outlet's name ------------------------------------------


def test_the_news_please_sample_counts_under_its_outlet(samples, db):
    sources = {row["key"]: row["count"] for row in samples.json("stats", "--by", "source")}
    assert "eastholmledger.example" not in sources
    assert sources["The Eastholm Ledger"] == 5
    hits = samples.json("search", "construction base", "source:\"The Eastholm Ledger\"")
    assert hits[0]["slug"] == "harbourton-chosen-as-construction-base-for-skerrow-bank-wind-farm"
    again = samples("import", str(SAMPLES / "scraper-newsplease-wind.json"))
    assert "1 unchanged" in again.stderr


def test_a_domain_source_arriving_first_is_renamed_when_the_outlet_arrives(cli, tmp_path):
    scraped = json.dumps({"title": "Quay Works", "maintext": "Work on the quay began today.",
                          "source_domain": "www.quaynews.example",
                          "url": "https://www.quaynews.example/a"})
    cli("import", str(write(tmp_path, "a.json", scraped)))
    assert [r["key"] for r in cli.json("stats", "--by", "source")] == ["quaynews.example"]
    named = cli("import", str(write(tmp_path, "b.md", "---\ntitle: Harbour Dues\nsource: Quay "
                                    "News\n---\nDues rise in May.\n")))
    assert "source quaynews.example taken as Quay News (1 article)" in named.stderr
    assert [r["key"] for r in cli.json("stats", "--by", "source")] == ["Quay News"]


@pytest.mark.parametrize("domain, names, on_host, name", [
    ("eastholmledger.example", ["Coastal Herald", "The Eastholm Ledger"], [], "The Eastholm Ledger"),
    ("www.bbc.co.uk", ["BBC"], [], "BBC"),
    ("news.example", ["Coastal Herald"], ["news.example", "Daily Tide"], "Daily Tide"),
    ("unknown.example", ["Coastal Herald"], [], None),
])
def test_outlet_name(domain, names, on_host, name):
    from newscli.outlets import outlet_name

    assert outlet_name(domain, names, on_host) == name


@pytest.mark.parametrize("source, domain", [("eastholmledger.example", True),
                                            ("www.bbc.co.uk", True), ("The Eastholm Ledger", False),
                                            ("St. Ives Times", False), ("Wire", False)])
def test_is_domain(source, domain):
    from newscli.outlets import is_domain

    assert is_domain(source) is domain
