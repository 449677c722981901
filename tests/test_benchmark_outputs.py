"""benchmarks/run.py writes a run's figures to an output folder; tracked files only when asked."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys

import pytest

from conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("benchmarks_run", BENCHMARKS / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmarks_run"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules["benchmarks_run"]


def test_a_run_writes_to_an_output_folder_unless_asked(run, tmp_path):
    default = run.destinations(run.argparse.Namespace(write_results=False, output=None))
    assert default[0] != run.TRACKED_RESULTS and default[1] != run.RESULTS_MD
    assert default[0].is_relative_to(BENCHMARKS / "work")  # ignored by git
    chosen = run.destinations(run.argparse.Namespace(write_results=False, output=tmp_path))
    assert chosen == (tmp_path, tmp_path / "RESULTS.md")
    asked = run.destinations(run.argparse.Namespace(write_results=True, output=None))
    assert asked == (run.TRACKED_RESULTS, run.RESULTS_MD)


def test_write_reports_keeps_sizes_measured_on_another_source(run, tmp_path):
    stored = tmp_path / "results"
    stored.mkdir()
    for size in (100000, 1000000):
        shutil.copy(BENCHMARKS / "results" / f"{size}.json", stored)
    fresh = json.loads((BENCHMARKS / "results" / "10000.json").read_text())
    fresh["machine"]["source"] = "new-tree"
    report = tmp_path / "RESULTS.md"
    run.write_reports(stored, [fresh], report)
    text = report.read_text()
    assert "### 10,000 articles" in text
    assert "### 100,000 articles" in text and "### 1,000,000 articles" in text
    assert sorted(p.name for p in stored.glob("*.json")) == [
        "10000.json", "100000.json", "1000000.json"]


def test_the_run_parser_has_write_results(run):
    with pytest.raises(SystemExit) as exit_info:
        run.main(["--help"])
    assert exit_info.value.code == 0
