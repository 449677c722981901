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
    assert summary["articles"] == 20 and summary["sources"] == 6
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


def test_stats_share_beside_the_count_in_every_format(samples):
    rows = samples.json("stats", "ferry", "--by", "month")
    assert list(rows[0]) == ["key", "count", "total", "share"]
    everything = {row["key"]: row["count"] for row in samples.json("stats", "--by", "month")}
    for row in rows:
        assert row["total"] == everything[row["key"]]  # the same period's articles, all of them
        assert row["share"] == (round(row["count"] / row["total"], 6) if row["total"] else None)
    assert any(row["total"] == 0 and row["share"] is None for row in rows)  # an empty month
    assert sum(row["total"] for row in rows) == 20
    lines = samples("stats", "ferry", "--by", "month", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == rows
    table = list(csv.DictReader(io.StringIO(samples("stats", "ferry", "--by", "source",
                                                    "--format", "csv").stdout)))
    assert list(table[0]) == ["key", "count", "total", "share"]
    herald = next(row for row in table if row["key"] == "Coastal Herald")
    assert float(herald["share"]) == int(herald["count"]) / int(herald["total"]) < 1
    shown = samples("stats", "ferry", "--by", "year", "--format", "table",
                    env={"COLUMNS": "120"}).stdout
    assert "share" in shown and "of" in shown and "%" in shown
    assert "13 of 20 articles (65.0%)" in shown


def test_stats_share_base_is_what_the_options_select(samples):
    # QUERY's own filters are what is counted; the options choose the articles counted against.
    mine = samples.json("stats", 'ferry source:"Coastal Herald"', "--by", "year")
    assert sum(row["total"] for row in mine) == 20
    theirs = samples.json("stats", "ferry", "--source", "Coastal Herald", "--by", "year")
    assert sum(row["total"] for row in theirs) == 4
    def counted(rows):
        return {row["key"]: row["count"] for row in rows if row["count"]}

    assert counted(mine) == counted(theirs)


def test_compare_two_queries_one_row_per_period_and_query(samples):
    rows = samples.json("compare", "ferry", "drought", "--by", "year")
    assert list(rows[0]) == ["key", "query", "count", "total", "share"]
    assert [(row["key"], row["query"]) for row in rows] == [
        (key, query) for key in ("2024", "2025", None) for query in ("ferry", "drought")]
    for query in ("ferry", "drought"):
        alone = samples.json("stats", query, "--by", "year")
        mine = [{k: v for k, v in row.items() if k != "query"} for row in rows
                if row["query"] == query]
        assert mine == alone
    flat = list(csv.DictReader(io.StringIO(samples("compare", "ferry", "drought", "--by", "year",
                                                   "--format", "csv").stdout)))
    assert len(flat) == 6 and list(flat[0]) == ["key", "query", "count", "total", "share"]


def test_compare_table_has_a_column_block_and_bars_per_query(samples):
    result = samples("compare", "ferry", "wind farm", "--by", "year", "--format", "table",
                     env={"COLUMNS": "100"})
    assert result.exit_code == 0 and result.stderr == ""
    header = result.stdout.splitlines()[1]
    assert "ferry" in header and "wind farm" in header and header.count("share") == 2
    line = next(line for line in result.stdout.splitlines() if line.strip().startswith("2024"))
    assert line.count("█") > 0 and "66.7%" in line and "33.3%" in line


def test_compare_needs_two_queries_and_something_found(samples):
    one = samples("compare", "ferry")
    assert one.exit_code == 2 and "two or more" in one.stderr and one.stdout == ""
    none = samples("compare", "zeppelin", "blimp")
    assert none.exit_code == 1 and none.stdout == "[]\n" and "none of the queries" in none.stderr
    assert samples("compare", "ferry", "drought", "--by", "decade").exit_code == 2
