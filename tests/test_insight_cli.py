"""dupes, related and stats through the command line: formats, exit codes, stdout vs stderr."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SAMPLES, write

WIRE_PAIR = {"offshore-wind-farm-approved-off-kelsey-bay",
             "skerrow-bank-wind-farm-gets-green-light-despite-fishermen-s-objections"}


@pytest.fixture
def samples(cli):
    result = cli("import", str(SAMPLES))
    assert result.exit_code == 0
    # the second wire copy is noted as it is imported
    assert "near-duplicate of offshore-wind-farm-approved-off-kelsey-bay" in result.stderr
    return cli


def test_dupes_json_groups_the_wire_copies(samples):
    groups = samples.json("dupes")
    assert len(groups) == 1
    members = groups[0]["articles"]
    assert {m["slug"] for m in members} == WIRE_PAIR
    assert list(members[0]) == ["slug", "title", "source", "published", "similarity"]
    assert members[0]["similarity"] == 1.0 and 0.5 <= members[1]["similarity"] < 1.0


def test_dupes_piped_defaults_to_json_and_talks_on_stderr_only(samples):
    result = samples("dupes")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)[0]["articles"]


def test_dupes_csv_and_jsonl(samples):
    rows = list(csv.DictReader(io.StringIO(samples("dupes", "--format", "csv").stdout)))
    assert [row["group"] for row in rows] == ["1", "1"]
    assert {row["slug"] for row in rows} == WIRE_PAIR
    lines = samples("dupes", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 1 and len(json.loads(lines[0])["articles"]) == 2


def test_dupes_table(samples):
    result = samples("dupes", "--format", "table", env={"COLUMNS": "200"})
    assert "Offshore Wind Farm Approved off Kelsey Bay" in result.stdout
    assert "skerrow-bank-wind-farm-gets-green-light-despite-fishermen-s-objections" in result.stdout


def test_dupes_filters_and_nothing_found(samples):
    assert samples.json("dupes", "--source", "Harbourton Gazette")[0]["articles"]
    none = samples("dupes", "--source", "Coastal Herald")
    assert none.exit_code == 1 and none.stdout == "[]\n"
    assert "no near-duplicates" in none.stderr
    assert samples("dupes", "--threshold", "0.2").exit_code == 2
    assert samples.json("dupes", "turbines")[0]["articles"]


def test_related_json_and_folding(samples):
    result = samples("related", "offshore-wind", "--limit", "3", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 3 and list(rows[0]) == ["slug", "title", "source", "published", "score"]
    assert not WIRE_PAIR & {row["slug"] for row in rows}
    assert "folded 1 near-duplicate copy" in result.stderr


def test_related_unknown_article(samples):
    result = samples("related", "no-such-story")
    assert result.exit_code == 1 and result.stdout == "" and "no article" in result.stderr


def test_stats_timeline_of_a_topic(samples):
    rows = samples.json("stats", "ferry", "--by", "month")
    keys = [row["key"] for row in rows]
    dated = [key for key in keys if key]
    assert dated == sorted(dated) and 0 in [row["count"] for row in rows]  # gaps are zero rows
    assert sum(row["count"] for row in rows) == samples.json("stats", "ferry")["articles"] > 5


def test_stats_by_source_csv_and_table(samples):
    rows = list(csv.DictReader(io.StringIO(samples("stats", "--by", "source",
                                                   "--format", "csv").stdout)))
    assert sum(int(row["count"]) for row in rows) == 20
    table = samples("stats", "--by", "year", "--format", "table").stdout
    assert "2024" in table and "2025" in table and "█" in table and "(no date)" in table


def test_stats_overview(samples):
    summary = samples.json("stats")
    # five outlets: the news-please sample's eastholmledger.example counts as The Eastholm Ledger
    assert summary["articles"] == 20 and summary["sources"] == 5
    assert summary["top_tags"][0] == {"key": "drought", "count": 5}
    table = samples("stats", "--format", "table").stdout
    assert "articles" in table and "drought" in table


def test_stats_query_matching_nothing_exits_1(samples):
    result = samples("stats", "zeppelin", "--by", "month")
    assert result.exit_code == 1 and json.loads(result.stdout) == []


def test_stats_bad_usage(samples):
    assert samples("stats", "--by", "decade").exit_code == 2
    assert samples("stats", "--since", "yesterday-ish").exit_code == 2


def test_user_text_in_tables_is_not_markup(cli, tmp_path):
    write(tmp_path, "a.md", '---\ntitle: Alarm\nsource: "[b]X[/b] \\x1b[31mred"\n---\nBody.\n')
    cli("import", str(tmp_path))
    assert cli.json("stats", "--by", "source")[0]["key"] == "[b]X[/b] \x1b[31mred"
    table = cli("stats", "--by", "source", "--format", "table", env={"COLUMNS": "100"}).stdout
    assert "[b]X[/b] \\x1b[31mred" in table  # markup printed as text, escape made visible
    assert "\x1b" not in table


def test_stats_query_exclusions_and_options_both_apply(samples):
    def total(*args):
        return sum(row["count"] for row in samples.json("stats", *args, "--by", "source"))

    everything = total("ferry")
    without = total("ferry -source:\"Coastal Herald\"")
    herald = total("ferry", "--source", "Coastal Herald")
    assert herald > 0 and without == everything - herald
    assert total("ferry", "--until", "2024") <= total("ferry until:2025")
