"""Rough edges a new user met following the README, each through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import SAMPLES


@pytest.fixture
def samples(cli):
    assert cli("import", str(SAMPLES)).exit_code == 0
    return cli


def test_search_limit_0_counts_the_matches_and_exits_0(samples):
    counted = samples("search", "ferry", "--format", "json")
    total = len(json.loads(counted.stdout))
    result = samples("search", "ferry", "--limit", "0", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert result.stderr == f"{total} matches\n"


def test_search_limit_0_with_no_match_still_says_so_and_exits_1(samples):
    result = samples("search", "zzyzxnothing", "--limit", "0", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert result.stderr.startswith("no matches for zzyzxnothing")


@pytest.mark.parametrize("args, option", [
    (["list", "--since", "yesterdayish"], "--since"),
    (["search", "ferry", "--until", "2024-13-45"], "--until"),
    (["export", "--since", "3q"], "--since"),
])
def test_a_bad_date_option_names_the_option_and_the_help_like_every_usage_error(
        samples, args, option):
    result = samples(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"newscli: error: {option}: '{args[-1]}' is not a ")
    assert result.stderr.endswith(f" {args[0]} -h)\n") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("args, line", [
    (["import", str(SAMPLES), "--glob"], "--glob: needs a value (see {prog} import -h)"),
    (["list", "--limit"], "--limit: needs a value (see {prog} list -h)"),
    (["list", "--raw-cells=yes"], "--raw-cells: does not take a value (see {prog} list -h)"),
    (["feeds", "add", "--interval"], "no such option: --interval (see {prog} feeds add -h)"),
    (["--db"], "--db: needs a value (see {prog} -h)"),
])
def test_an_option_without_its_value_is_one_line_in_the_style_of_the_others(tmp_path, args, line):
    newscli = Path(sys.executable).with_name("newscli")
    env = {**os.environ, "NEWSCLI_DB": str(tmp_path / "a.db")}
    result = subprocess.run([str(newscli), *args], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "newscli: error: " + line.format(prog="newscli") + "\n"
    assert not (tmp_path / "a.db").exists()


def test_a_title_with_terminal_escapes_gets_a_slug_of_its_words_only(cli, tmp_path):
    hostile = tmp_path / "in" / "esc.txt"
    hostile.parent.mkdir()
    hostile.write_bytes(b"Evil \x1b]0;pwned\x07title \x1b[31mRED\x1b[0m and [bold]more\n\n"
                        b"Body text of the hostile article.\n")
    result = cli("import", str(hostile.parent))
    assert result.exit_code == 0, result.stderr
    listed = cli.json("list")
    assert [a["slug"] for a in listed] == ["evil-title-red-and-bold-more"]
    assert listed[0]["title"].startswith("Evil \x1b]0;pwned\x07title")  # stored as it came


CODES = ["\x1b[31m", "\x1b[0m", "\x1b[1;4;38;5;208m", "\x1b]0;retitled\x07", "\x1b]8;;http://x\x1b\\",
         "\x9b2J", "\x1b(0", "\x1b7"]


@given(st.lists(st.tuples(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
                          st.sampled_from(CODES)), max_size=6),
       st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12))
def test_terminal_codes_anywhere_in_a_title_leave_its_slug_unchanged(parts, tail):
    from newscli.models import Article
    from newscli.slugs import make_slug

    plain = "".join(text for text, _ in parts) + tail
    coded = "".join(text + code for text, code in parts) + tail
    expected = make_slug(Article(title=plain, body="b"))
    assume(not expected.startswith("article-"))  # no word at all: named by the text's hash
    assert make_slug(Article(title=coded, body="b")) == expected


@pytest.mark.parametrize("url, reason", [
    ("http://[::1", "not a valid URL (Invalid IPv6 URL)"),
    ("http://host.example:99999/a", "not a valid URL (Port out of range 0-65535)"),
    ("http:///path", "not a valid URL (no host)"),
])
def test_a_url_that_cannot_be_read_fails_alone_in_one_line(cli, db, url, reason):
    imported = cli("import", url)
    assert imported.exit_code == 1 and not isinstance(imported.exception, ValueError)
    assert imported.stdout == ""
    assert imported.stderr.splitlines()[0] == f"failed: {url}: {reason}"
    assert not db.exists()
    followed = cli("feeds", "add", url)
    assert followed.exit_code == 1 and not isinstance(followed.exception, ValueError)
    assert followed.stdout == ""
    assert followed.stderr == f"newscli: error: {reason}\n"


def test_an_import_that_finds_no_file_says_which_names_it_looked_for(cli, db, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(b"%PDF-1.4\n")
    result = cli("import", str(folder))
    assert result.exit_code == 0  # an emptied inbox is no failure
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "0 imported, 0 updated, 0 unchanged, 0 duplicates, 0 failed",
        "note: no file to import: none matches --glob *.txt *.md *.markdown *.json *.jsonl *.html"
        " *.htm (--glob '*' takes every file)"]
    assert not db.exists()
    assert "note: no file" not in cli("import", str(folder), "--glob", "*.pdf").stderr


def test_ctrl_c_at_the_rm_prompt_exits_130_on_a_line_of_its_own(cli, monkeypatch):
    import typer

    assert cli("import", str(SAMPLES)).exit_code == 0

    def interrupted(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise typer.Abort() from None  # what Click's prompt does with Ctrl-C

    monkeypatch.setattr("newscli.render.is_terminal", lambda stream: True)
    monkeypatch.setattr(typer, "confirm", interrupted)
    result = cli("rm", "mayor-race-preview")
    assert result.exit_code == 130
    assert result.stdout == ""
    assert result.stderr.endswith("\n\naborted; nothing was changed\n")
    assert [a["slug"] for a in cli.json("list", "--limit", "100")].count("mayor-race-preview") == 1


def test_a_feed_that_cannot_be_followed_creates_no_archive(cli, db, httpserver):
    httpserver.expect_request("/page").respond_with_data("<html><p>no feed</p></html>",
                                                         content_type="text/html")
    result = cli("feeds", "add", httpserver.url_for("/page"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("newscli: error: ") and "not a feed" in result.stderr
    assert not db.exists()
    assert cli("list").stderr.startswith("newscli: error: no archive at ")


@pytest.mark.parametrize("value, reason", [
    ("", "a tag cannot be empty"),
    ("x;y", "a tag cannot contain ';'"),
    ("t" * 101, "at most 100 characters"),
])
def test_a_tag_option_value_that_cannot_be_a_tag_is_a_usage_error(samples, value, reason):
    before = samples.json("show", "mayor-race-preview")["tags"]
    result = samples("tag", "mayor-race-preview", "--add", value)
    assert result.exit_code == 2  # a wrong option value, as `import --tag ''` is
    assert result.stdout == ""
    assert result.stderr.startswith("newscli: error: ") and reason in result.stderr
    assert result.stderr.count("\n") == 1
    assert samples.json("show", "mayor-race-preview")["tags"] == before
