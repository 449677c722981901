"""`newscli alerts`: saved queries, their unseen matches, checks that mark them seen."""

from __future__ import annotations

import json

import pytest

from conftest import write


def note(folder, name: str, title: str, body: str, source: str = "Coastal Herald") -> str:
    return str(write(folder, name, f"---\ntitle: {title}\nsource: {source}\n---\n{body}\n"))


@pytest.fixture
def watched(cli, tmp_path):
    """An archive with one ferry story, and an alert on ferries from one source."""
    old = note(tmp_path / "a", "old.md", "Old ferry news", "The ferry ran late.")
    assert cli("import", old).exit_code == 0
    result = cli("alerts", "add", "ferries", "ferry", 'source:"Coastal Herald"')
    assert result.exit_code == 0, result.stderr
    return tmp_path


def test_an_alert_shows_what_matched_since_and_then_nothing(cli, watched):
    assert cli("alerts", "check").exit_code == 1  # the article there before is not news
    folder = watched / "b"
    imported = cli("import", note(folder, "new.md", "Night ferry cut", "The night ferry is cut."),
                   note(folder, "other.md", "Ferry elsewhere", "A ferry story.", source="Wire"),
                   note(folder, "wind.md", "Wind farm", "Turbines."))
    assert imported.exit_code == 0
    assert "alert ferries: 1 new match (newscli alerts check ferries)" in imported.stderr
    listed = cli.json("alerts", "list")
    assert [(a["name"], a["query"], a["unseen"]) for a in listed] == [
        ("ferries", 'ferry source:"Coastal Herald"', 1)]
    checked = cli("alerts", "check", "--format", "json")
    assert checked.exit_code == 0, checked.stderr
    assert [(m["alert"], m["title"]) for m in json.loads(checked.stdout)] == [("ferries", "Night ferry cut")]
    again = cli("alerts", "check")
    assert again.exit_code == 1 and "no new matches" in again.stderr
    assert cli.json("alerts", "list")[0]["unseen"] == 0


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv", "slugs", "table"])
def test_check_prints_in_every_format(cli, watched, fmt):
    cli("import", note(watched / "b", "new.md", "Night ferry cut", "The night ferry is cut."))
    result = cli("alerts", "check", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert ("night-ferry-cut" in result.stdout) and (fmt == "slugs" or "ferries" in result.stdout)


def test_peek_leaves_matches_unseen_and_a_named_check_only_marks_its_alert(cli, watched):
    cli("alerts", "add", "wind", "turbines")
    cli("import", note(watched / "b", "new.md", "Night ferry cut", "The night ferry is cut."),
        note(watched / "b", "wind.md", "Wind farm", "Turbines."))
    assert cli("alerts", "check", "--peek", "--format", "json").exit_code == 0
    assert {a["name"]: a["unseen"] for a in cli.json("alerts", "list")} == {"ferries": 1, "wind": 1}
    wind = json.loads(cli("alerts", "check", "wind", "--format", "json").stdout)
    assert [m["alert"] for m in wind] == ["wind"]
    assert {a["name"]: a["unseen"] for a in cli.json("alerts", "list")} == {"ferries": 1, "wind": 0}


def test_bad_queries_names_and_duplicates_are_refused(cli, watched):
    bad = cli("alerts", "add", "broken", "ferry", "since:yesterday")
    assert bad.exit_code == 2 and "not a date" in bad.stderr and "Traceback" not in bad.stderr
    dup = cli("alerts", "add", "ferries", "boats")
    assert dup.exit_code == 1 and "exists already" in dup.stderr
    unknown = cli("alerts", "check", "nope")
    assert unknown.exit_code == 1 and "no alert named 'nope'" in unknown.stderr
    assert cli("alerts", "rm", "ferries").exit_code == 0
    assert cli("alerts", "list").exit_code == 1


def test_a_check_searches_only_the_articles_imported_since(cli, watched, monkeypatch):
    from newscli.store import alerts as alert_rows

    seen_bounds = []
    real = alert_rows.matches_after

    def spy(conn, after_id, *args, **kwargs):
        seen_bounds.append(after_id)
        return real(conn, after_id, *args, **kwargs)

    monkeypatch.setattr(alert_rows, "matches_after", spy)
    cli("import", note(watched / "b", "new.md", "Night ferry cut", "The night ferry is cut."))
    seen_bounds.clear()
    cli("alerts", "check")
    assert seen_bounds == [1]  # above the one article there when the alert was made
