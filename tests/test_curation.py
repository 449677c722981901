"""tag, tags, rm, edit and info through the command line; the search index stays in step."""

from __future__ import annotations

import json
import shlex
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

from conftest import SAMPLES, write
from newscli.curation import retag


@pytest.fixture
def samples(cli):
    assert cli("import", str(SAMPLES)).exit_code == 0
    return cli


# Each helper closes its connection: one left to the garbage collector can hold the write
# lock of its implicit transaction, and the next command waits for it.
def fts(db: Path, query: str) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return [row[0] for row in conn.execute(
            "SELECT slug FROM articles WHERE id IN "
            "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) ORDER BY slug", (query,))]


def index_is_sound(db: Path) -> bool:
    with closing(sqlite3.connect(db)) as conn:
        try:
            conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError:
            return False
        return True


@pytest.mark.parametrize(
    "tags, add, remove, result",
    [
        (["a", "b"], ["c"], [], ["a", "b", "c"]),
        (["a", "b"], ["A"], [], ["a", "b"]),  # already there, in another case
        (["a", "B"], [], ["b"], ["a"]),
        (["a"], ["b"], ["a"], ["b"]),
        ([], [], ["x"], []),
    ],
)
def test_retag(tags, add, remove, result):
    assert retag(tags, add, remove) == result


def test_tag_add_and_remove_keep_the_index_in_step(samples, db):
    result = samples("tag", "museum-restoration-grant", "mayor-race", "--add", "Culture",
                     "--add", "weekend", "--remove", "eastholm")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "museum-restoration-grant: museum, heritage, Culture, weekend" in result.stderr
    assert fts(db, "tags:culture") == ["mayor-race-preview", "museum-restoration-grant"]
    assert "museum-restoration-grant" not in fts(db, "tags:eastholm")
    assert index_is_sound(db)
    tags = {row["tag"]: row["count"] for row in samples.json("tags")}
    assert tags["Culture"] == 2 and tags["weekend"] == 2


def test_tag_refuses_before_changing_anything(samples, db):
    missing = samples("tag", "museum-restoration-grant", "no-such-article", "--add", "x")
    assert missing.exit_code == 1 and "no-such-article" in missing.stderr
    assert fts(db, "tags:x") == []
    assert samples("tag", "museum-restoration-grant").exit_code == 2
    empty = samples("tag", "museum-restoration-grant", "--add", " ")
    assert empty.exit_code == 2 and "empty" in empty.stderr  # a wrong option value: usage


def test_tags_lists_counts_in_every_format(samples):
    rows = samples.json("tags")
    assert rows[0] == {"tag": "drought", "count": 5}
    csv = samples("tags", "--format", "csv")
    assert csv.stdout.splitlines()[:2] == ["tag,count", "drought,5"]
    table = samples("tags", "--format", "table")
    assert "drought" in table.stdout and "█" in table.stdout


def test_rm_with_yes_removes_from_archive_and_index(samples, db):
    assert "mayor-race-preview" in fts(db, "mayor")
    result = samples("rm", "mayor-race-preview", "--yes")
    assert result.exit_code == 0 and "removed 1: mayor-race-preview" in result.stderr
    assert "mayor-race-preview" not in fts(db, "mayor")
    assert samples("show", "mayor-race-preview").exit_code == 1
    assert index_is_sound(db)
    assert samples.json("info")["ok"] is True


def test_rm_on_a_pipe_without_yes_is_refused(samples, db):
    result = samples("rm", "mayor-race-preview")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert "mayor-race-preview" in fts(db, "mayor")


@pytest.mark.parametrize("answer, removed", [("n\n", False), ("y\n", True)])
def test_rm_asks_on_a_terminal(samples, db, monkeypatch, answer, removed):
    monkeypatch.setattr("newscli.render.is_terminal", lambda stream: True)
    result = samples("rm", "mayor-race-preview", input=answer)
    assert "Remove 1 article?" in result.stderr
    assert result.exit_code == (0 if removed else 1)
    assert ("mayor-race-preview" not in fts(db, "mayor")) is removed


def editor(tmp_path: Path, code: str) -> dict[str, str]:
    """An $EDITOR that runs `code` on the file's text (variable `text`) and saves the result."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text(encoding='utf-8')\n"
        f"{code}\n"
        "path.write_text(text, encoding='utf-8')\n"
    )
    return {"EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}",
            "VISUAL": ""}


def test_edit_stores_the_changes_and_reindexes(samples, db, tmp_path):
    env = editor(tmp_path, "text = text.replace('Restoration Grant', 'Lottery Windfall')"
                           ".replace('slate roof', 'zinc roof')")
    result = samples("edit", "museum-restoration-grant", env=env)
    assert result.exit_code == 0, result.stderr
    assert "saved museum-restoration-grant" in result.stderr
    shown = samples.json("show", "museum-restoration-grant")
    assert shown["title"] == "Eastholm Maritime Museum Wins £2.4m Lottery Windfall"
    assert "zinc roof" in shown["body"] and shown["tags"] == ["museum", "heritage", "eastholm"]
    assert fts(db, "zinc") == ["museum-restoration-grant"] and fts(db, "slate") == []
    assert index_is_sound(db)


def test_a_broken_edit_is_refused_and_nothing_changes(samples, db, tmp_path):
    before = samples.json("show", "museum-restoration-grant")
    env = editor(tmp_path, "text = text.replace('title:', 'title: [unclosed', 1)")
    result = samples("edit", "museum-restoration-grant", env=env)
    assert result.exit_code == 1
    assert "the edit was not saved: invalid front matter" in result.stderr
    assert "Traceback" not in result.stderr
    assert samples.json("show", "museum-restoration-grant") == before


def test_an_edit_cannot_take_another_articles_slug(samples, tmp_path):
    env = editor(tmp_path, "text = text.replace('slug: museum-restoration-grant', "
                           "'slug: mayor-race-preview')")
    result = samples("edit", "museum-restoration-grant", env=env)
    assert result.exit_code == 1 and "mayor-race-preview already has that slug" in result.stderr


def test_an_edit_cannot_turn_an_article_into_a_copy_of_another(samples, db, tmp_path):
    other = samples.json("show", "mayor-race-preview")
    code = (f"text = text.split('---', 2)[:2]; text = '---'.join(text) + '---\\n\\n' + "
            f"{other['body']!r}; text = text.replace('Eastholm Maritime Museum Wins £2.4m "
            f"Restoration Grant', {other['title']!r})")
    result = samples("edit", "museum-restoration-grant", env=editor(tmp_path, code))
    assert result.exit_code == 1
    assert "mayor-race-preview already has that text" in result.stderr


def test_an_edit_can_rename_the_slug(samples, tmp_path):
    env = editor(tmp_path, "text = text.replace('slug: museum-restoration-grant', "
                           "'slug: Museum Grant 2024')")
    assert samples("edit", "museum-restoration-grant", env=env).exit_code == 0
    assert samples.json("show", "museum-grant-2024")["title"].startswith("Eastholm Maritime")


def test_an_unchanged_edit_changes_nothing(samples, tmp_path):
    before = samples.json("show", "museum-restoration-grant")
    result = samples("edit", "museum-restoration-grant", env=editor(tmp_path, "pass"))
    assert result.exit_code == 0 and "no changes" in result.stderr
    assert samples.json("show", "museum-restoration-grant") == before


def test_info_reports_and_checks(samples, db):
    info = samples.json("info")
    assert info["path"] == str(db.resolve()) and info["size"] > 0
    assert info["articles"] == 20 and info["schema_version"] >= 2
    assert info["ok"] is True and {c["name"] for c in info["checks"]} >= {"database",
                                                                          "search index"}
    table = samples("info", "--format", "table")
    assert "schema version" in table.stdout and "search index" in table.stdout
    assert samples("info", "--path").stdout == f"{db.resolve()}\n"


def test_info_finds_an_index_out_of_step(samples, db):
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER articles_au")
    conn.execute("UPDATE articles SET title = 'Changed behind the index' WHERE id = 1")
    conn.commit()
    result = samples("info", "--format", "json")
    assert result.exit_code == 1
    info = json.loads(result.stdout)
    failed = {c["name"] for c in info["checks"] if not c["ok"]}
    assert failed == {"search index", "triggers"}


def test_curation_on_an_empty_folder_archive(cli, tmp_path):
    write(tmp_path, "a.txt", "Alone\n\nJust one article here.\n")
    cli("import", str(tmp_path))
    assert cli("tags").exit_code == 1  # nothing found
    assert cli.json("info")["tags"] == 0
