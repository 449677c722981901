"""Saved web pages through the importer (a real archive file) and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write
from newscli.importer import DEFAULT_GLOBS, import_paths
from newscli.store import Store

PAGES = Path(__file__).parent / "pages"


@pytest.fixture
def store(db: Path) -> Store:
    return Store.open(db)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A folder as a browser leaves it: pages, their asset folders, and an index page."""
    folder = tmp_path / "saved-pages"
    write(folder, "ferry.html", (PAGES / "news-article.html").read_bytes())
    write(folder, "festival.htm", (PAGES / "title-only.html").read_bytes())
    write(folder, "gazette-front.html", (PAGES / "index.html").read_bytes())
    assets = folder / "ferry_files"
    write(assets, "saved_resource.html", "<html><body><p>An advert frame</p></body></html>")
    write(assets, "style.css", "body { color: black }")
    return folder


def test_default_globs_take_html():
    assert "*.html" in DEFAULT_GLOBS and "*.htm" in DEFAULT_GLOBS


def test_folder_of_saved_pages(store, saved):
    report = import_paths(store, [str(saved)])
    assert (report.imported, report.failed) == (2, 1)
    [failure] = report.failures
    assert failure.path.endswith("gazette-front.html") and "mostly links" in failure.error
    titles = sorted(row["title"] for row in store.iter_articles())
    assert titles == ["Harbour festival draws record crowds", "Night ferry cut to three crossings a week"]
    again = import_paths(store, [str(saved)])
    assert (again.imported, again.unchanged, again.failed) == (0, 2, 1)


def test_asset_folder_is_skipped_only_next_to_its_page(store, tmp_path):
    page = (PAGES / "title-only.html").read_bytes()
    write(tmp_path, "Report_files/festival.html", page)  # no Report.html beside it: a real folder
    report = import_paths(store, [str(tmp_path)])
    assert report.imported == 1


def test_same_page_saved_twice_is_a_duplicate(store, tmp_path):
    write(tmp_path, "a/ferry.html", (PAGES / "news-article.html").read_bytes())
    write(tmp_path, "b/ferry (1).html", (PAGES / "news-article.html").read_bytes())
    report = import_paths(store, [str(tmp_path)])
    assert (report.imported, report.duplicates) == (1, 1)


def test_cli_import_saved_pages(cli, saved):
    result = cli("import", str(saved))
    assert result.exit_code == 1  # the index page failed; the articles are kept
    assert result.stdout == ""
    assert "gazette-front.html: no article in the page" in result.stderr
    assert "2 imported" in result.stderr and "1 failed" in result.stderr
    rows = cli.json("list")
    ferry = next(r for r in rows if r["title"].startswith("Night ferry"))
    assert (ferry["author"], ferry["source"]) == ("Rhiannon Aske", "Coastal Herald")
    assert ferry["published"] == "2024-07-03T07:15:00+01:00"


def test_cli_import_page_from_stdin(cli):
    result = cli("import", "-", "--format", "json", input=(PAGES / "title-only.html").read_bytes())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["imported"] == 1
    assert cli.json("list")[0]["title"] == "Harbour festival draws record crowds"


def test_sample_saved_page_and_scraper_record(cli):
    samples = Path(__file__).resolve().parent.parent / "sample_articles"
    pages = [str(samples / "saved-page-ferry-fares.html"), str(samples / "scraper-newsplease-wind.json")]
    result = cli("import", *pages, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["imported"] == 2
    rows = {row["source"]: row for row in cli.json("list")}
    page, record = rows["Harbourton Gazette"], rows["eastholmledger.example"]
    assert page["title"] == "Transport committee puts off night ferry fare decision"
    assert (page["author"], page["dateline"]) == ("Felix Morrow", "HARBOURTON")
    assert record["title"] == "Harbourton Chosen as Construction Base for Skerrow Bank Wind Farm"
    assert (record["author"], record["published"]) == ("Aila Brandt", "2025-05-14T16:20:00")


def test_quiet_import_of_a_page_with_zone_abbreviations_prints_nothing(tmp_path):
    """dateutil warns about "EST" (htmldate hands it such strings too): no warning reaches stderr,
    and the zone is read as the one it names."""
    import subprocess
    import sys

    body = "".join(
        f"<p>Paragraph {i} of the council's report on the harbour wall, which the storm of "
        f"last winter breached in two places and which the town has since repaired.</p>"
        for i in range(6)
    )
    html = (
        "<html><head><title>Harbour wall repaired</title>"
        '<meta property="article:published_time" content="2019-05-02 12:00 EST">'
        '<meta name="date" content="2019-05-02 09:00 PST">'
        '<meta name="dc.date" content="2019-05-02 18:00 CET">'
        f"</head><body><article><h1>Harbour wall repaired</h1>"
        f"<p>Posted 2019-05-02 12:00 EST</p>{body}</article></body></html>"
    )
    page = write(tmp_path / "in", "wall.html", html)
    db = tmp_path / "a.db"
    run = [sys.executable, "-m", "newscli", "--db", str(db)]
    proc = subprocess.run([*run, "import", str(page), "--quiet"], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    listed = subprocess.run([*run, "list", "--format", "json"], capture_output=True, text=True)
    assert json.loads(listed.stdout)[0]["published"] == "2019-05-02T12:00:00-05:00"
