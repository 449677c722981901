"""Rough edges a new user met following the README, each through the command line."""

from __future__ import annotations

import json

import pytest

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

