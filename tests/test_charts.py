"""stats --chart and compare --chart: pictures for a report, drawn only when asked for."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import SAMPLES
from test_startup import imported_by


@pytest.fixture
def samples(cli):
    assert cli("import", str(SAMPLES)).exit_code == 0
    return cli


def test_stats_chart_is_an_svg_with_labels_and_legend(samples, tmp_path):
    target = tmp_path / "ferry.svg"
    result = samples("stats", "ferry", "--by", "month", "--chart", str(target))
    assert result.exit_code == 0 and json.loads(result.stdout)  # the data is printed as ever
    assert result.stderr == f"wrote {target}\n"
    svg = target.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for text in ("Month", "Matching articles", "Share of all articles (%)", "ferry: articles",
                 "ferry: share of all articles", "2024-03"):
        assert text in svg  # labels are text in the file, not outlines
    again = tmp_path / "again.svg"
    samples("stats", "ferry", "--by", "month", "--chart", str(again))
    assert again.read_bytes() == target.read_bytes()  # the same data gives the same file
    assert not list(tmp_path.glob(".*.tmp"))


def test_compare_chart_png_has_a_line_per_query(samples, tmp_path):
    target = tmp_path / "compared.png"
    result = samples("compare", "ferry", "drought", "--by", "year", "--chart", str(target))
    assert result.exit_code == 0 and "wrote" in result.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "compared.svg"
    samples("compare", "ferry", "drought", "--by", "year", "--chart", str(svg), "--chart-counts")
    text = svg.read_text(encoding="utf-8")
    assert "ferry vs drought: articles by year" in text and ">drought<" in text.replace(" ", "")


def test_chart_refuses_what_it_cannot_draw_before_counting(samples, tmp_path):
    for args, message in ((("--by", "source", "--chart", "a.svg"), "timeline"),
                          (("--by", "month", "--chart", "a.pdf"), ".svg or .png"),
                          (("--chart", "a.svg"), "timeline")):
        result = samples("stats", "ferry", *args)
        assert result.exit_code == 2 and message in result.stderr and result.stdout == ""
    missing = samples("stats", "ferry", "--by", "month", "--chart", str(tmp_path / "no" / "a.svg"))
    assert missing.exit_code == 1 and "cannot write" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_chart_without_matplotlib_says_how_to_get_it(samples, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    result = samples("stats", "ferry", "--by", "month", "--chart", str(tmp_path / "a.svg"))
    assert result.exit_code == 1
    assert "needs matplotlib: pip install 'newscli[chart]'" in result.stderr
    assert result.stdout == ""  # found out before anything was counted
    assert not (tmp_path / "a.svg").exists()


def test_only_a_chart_imports_matplotlib(samples, tmp_path):
    db = str(samples.db)
    plain = imported_by("--db", db, "stats", "ferry", "--by", "month", every=True)
    compared = imported_by("--db", db, "compare", "ferry", "drought", every=True)
    assert "newscli.stats" in plain and "newscli.charts" not in plain
    assert not {name for name in plain | compared if name.split(".")[0] == "matplotlib"}
    drawn = imported_by("--db", db, "stats", "ferry", "--by", "month", "--chart",
                        str(tmp_path / "a.svg"), every=True)
    assert "matplotlib" in drawn
