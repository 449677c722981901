"""The command line: exit codes, stdout/stderr separation, the --db option and the package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OPTECH, SAMPLES, SCRAPED, write


def test_help_lists_every_command_with_help(cli):
    result = cli("--help")
    assert result.exit_code == 0
    from newscli.cli import COMMANDS, command_function

    for name in COMMANDS:
        assert f"\n  {name} " in result.stdout
        assert (command_function(name).__doc__ or "").strip(), f"{name} has no help"


def test_version_and_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "newscli", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("newscli ") and out.stderr == ""


def test_import_report_on_stderr_and_json_on_stdout(cli, tmp_path):
    write(tmp_path / "in", "a.txt", SCRAPED)
    result = cli("import", str(tmp_path / "in"))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "1 imported" in result.stderr
    again = cli("import", str(tmp_path / "in"), "--format", "json")
    assert json.loads(again.stdout) == {
        "imported": 0, "updated": 0, "unchanged": 1, "duplicates": 0, "failed": 0, "failures": [],
        "headline_only": 0, "skipped": [],
    }


def test_mixed_folder_imports_good_names_bad_exits_1(cli, tmp_path):
    write(tmp_path, "good.txt", "Good\n\nBody.\n")
    write(tmp_path, "bad.md", "---\ntitle: [x\n---\nbody")
    result = cli("import", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["imported"] == 1 and report["failed"] == 1
    assert report["failures"][0]["path"].endswith("bad.md")
    assert "bad.md" in result.stderr and "Traceback" not in result.stderr
    assert [a["title"] for a in cli.json("list")] == ["Good"]


def test_usage_errors_exit_2(cli):
    assert cli("import").exit_code == 2
    assert cli("import", "x", "--max-size", "lots").exit_code == 2
    assert cli("frobnicate").exit_code == 2


def test_stdin_import(cli):
    result = cli("import", "-", input="Piped title\n\nPiped body.\n")
    assert result.exit_code == 0, result.stderr
    assert cli.json("list")[0]["title"] == "Piped title"


def test_list_and_show_json(cli, tmp_path):
    write(tmp_path, "a.md", "---\ntitle: Alpha\ndate: 2024-05-01\nflavour: x\n---\nBody A.\n")
    write(tmp_path, "b.md", "---\ntitle: Beta\ndate: 2025-01-01\n---\nBody B.\n")
    cli("import", str(tmp_path))
    listed = cli.json("list")
    assert [a["title"] for a in listed] == ["Beta", "Alpha"]
    assert list(listed[0]) == ["slug", "title", "source", "author", "published", "url", "tags",
                               "dateline", "word_count", "path"]
    shown = cli.json("show", "alpha")
    assert shown["body"] == "Body A." and shown["meta"] == {"flavour": "x"}


def test_show_unknown_and_ambiguous(cli, tmp_path):
    write(tmp_path, "a.txt", "Harbour news one\n\nBody.\n")
    write(tmp_path, "b.txt", "Harbour news two\n\nBody 2.\n")
    cli("import", str(tmp_path))
    assert cli("show", "harbour-news-o").exit_code == 0
    ambiguous = cli("show", "harbour")
    assert ambiguous.exit_code == 1 and "harbour-news-one" in ambiguous.stderr
    missing = cli("show", "harbor-news-one")
    assert missing.exit_code == 1 and "did you mean harbour-news-one" in missing.stderr
    assert missing.stdout == ""


def test_db_option_env_and_parent_folders(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from newscli.cli import app

    target = tmp_path / "deep" / "er" / "news.db"
    monkeypatch.setenv("NEWSCLI_DB", str(target))
    result = CliRunner().invoke(app, ["import", "-"], input="T\n\nB\n")
    assert result.exit_code == 0 and target.exists()


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"SQLite format 3\x00"])
def test_damaged_database_is_refused_untouched(tmp_path, content):
    from typer.testing import CliRunner

    from newscli.cli import app

    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    result = CliRunner().invoke(app, ["--db", str(bad), "list"])
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and result.stderr.startswith("newscli: error:")
    assert bad.read_bytes() == content


def test_foreign_sqlite_database_is_refused(tmp_path):
    import sqlite3

    from typer.testing import CliRunner

    from newscli.cli import app

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE photos (id INTEGER)")
    result = CliRunner().invoke(app, ["--db", str(other), "import", "-"], input="T\n\nB\n")
    assert result.exit_code == 1 and "another program" in result.stderr


def test_sample_articles_import_cleanly(cli):
    result = cli("import", str(SAMPLES), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["failed"] == 0 and report["imported"] >= 12
    articles = cli.json("list")
    assert len({a["source"] for a in articles if a["source"]}) >= 4
    assert len({(a["published"] or "")[:4] for a in articles} - {""}) >= 2


@pytest.mark.skipif(not OPTECH.is_dir(), reason="shared optech corpus not present")
def test_optech_corpus_imports_without_failure(cli):
    result = cli("import", str(OPTECH / "_posts"), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["failed"] == 0
    assert report["imported"] + report["duplicates"] == 1884
    articles = cli.json("list")
    assert all(a["published"] for a in articles)  # every date comes from the file name
    assert cli("import", str(OPTECH / "_posts"), "--format", "json").stdout.startswith(
        '{"imported": 0, "updated": 0, "unchanged": '
    )


def test_broken_pipe_is_quiet(tmp_path):
    db = tmp_path / "a.db"
    for i in range(3):
        write(tmp_path / "in", f"{i}.txt", f"Title {i}\n\n" + "word " * 2000)
    subprocess.run([sys.executable, "-m", "newscli", "--db", str(db), "import",
                    str(tmp_path / "in")], check=True, capture_output=True)
    proc = subprocess.run(
        f"{sys.executable} -m newscli --db {db} list --format jsonl | head -c 10",
        shell=True, capture_output=True, text=True,
    )
    assert proc.stderr == ""
    assert Path(db).exists()
