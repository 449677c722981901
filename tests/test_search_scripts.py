"""Search in every script: Chinese, Japanese, Korean and Thai inside runs without spaces, Latin
glued to them, the foldings people type; snippets in the text as stored; the reindexing upgrade;
other programs' writes. The fixtures are sentences written for these tests."""

from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import Cli, write
from newscli import searchtext
from newscli.query import parse_query

OPEN, CLOSE = "\x02", "\x03"

ZH = """---
title: 海水淡化厂在马罗角建成
source: 新华社
tags: [水务]
---

水务局周一批准在马罗角建设海水淡化厂，每天可生产十万吨淡水。工程师说，重跑gen-itgc后再检查。
"""
ZH_TW = """---
title: 離岸風電場獲得批准
---

政府批准在凱爾西灣興建離岸風電場，預計明年開始發電。
"""
JA = """---
title: 東京で新しい駅が開業
---

新しい駅は東京の北部にあります。利用者はissue化してほしいと話した。
"""
KO = """---
title: 서울 시장 기자회견
---

시장은 서울에서 기자들을 만났다. 새로운 지하철 노선이 내년에 개통된다.
"""
TH = """---
title: ข่าวประเทศไทย
---

สวัสดีครับ วันนี้กรุงเทพมหานครมีฝนตกหนัก
"""
DE = """---
title: Das größte Kraftwerk in København
---

Das Größtes Projekt der Straße. İstanbul ılık hava. Đà Nẵng. Łódź.
"""
EN = """---
title: Night ferry to the islands
---

The port authority launched night ferries to the island towns on Monday.
"""


@pytest.fixture
def scripts(tmp_path: Path) -> Cli:
    folder = tmp_path / "articles"
    for name, text in (("zh", ZH), ("zh-tw", ZH_TW), ("ja", JA), ("ko", KO), ("th", TH),
                       ("de", DE), ("en", EN)):
        write(folder, f"{name}.md", text)
    cli = Cli(tmp_path / "archive.db")
    assert cli("import", str(folder)).exit_code == 0
    return cli


def _titles(cli: Cli, query: str) -> list[str]:
    result = cli("search", query, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return [hit["title"] for hit in cli.json("search", query)] if result.exit_code == 0 else []


# -- pure: the index form --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "form"), [
    ("night ferry", "night ferry"),
    ("café naïve", "café naïve"),  # unicode61 folds these itself
    ("海水淡化", "海 水 淡 化"),
    ("issue化してほしい", "issue 化 し て ほ し い"),
    ("重跑gen-itgc后", "重 跑 gen-itgc 后"),
    ("서울에서 만났다", f"서 울 에 서 {searchtext.BOUNDARY} 만 났 다"),  # words stay apart
    ("海水，淡化。", f"海 水 {searchtext.BOUNDARY} 淡 化 {searchtext.BOUNDARY}"),  # so do sentences
    ("东京\n大学", "东 京\n大 学"),  # a line break inside a word (wrapped text) is nothing
    ("Größtes København", "Grösstes Kobenhavn"),
    ("ılık Đà Łódź œuvre Æble þing", "ilik Dà Lódź oeuvre AEble thing"),
    ("ＡＢＣ１２", "ABC12"),
])
def test_index_form(text: str, form: str):
    assert searchtext.index_form(text) == form


def test_thai_marks_are_kept_as_letters():
    form = searchtext.index_form("วัส")
    assert len(form.split()) == 3 and "\u0e31" not in form  # the vowel sign moved, not dropped


@given(st.text(st.characters(blacklist_characters=OPEN + CLOSE)))  # the marks: see store.search
def test_index_form_is_aligned_with_the_text(text: str):
    form, origin = searchtext.aligned(text)
    assert form == searchtext.index_form(text)
    assert len(origin) == len(form) + 1 and origin == sorted(origin) and origin[-1] == len(text)
    assert searchtext.restore_marks(text, form, (OPEN, CLOSE)) == text


def test_marks_go_back_into_the_stored_text():
    original = "前面。海水淡化,Größtes"
    marked = searchtext.index_form(original).replace("海 水", f"{OPEN}海 水{CLOSE}").replace(
        "Grösstes", f"{OPEN}Grösstes{CLOSE}")
    assert searchtext.restore_marks(original, marked, (OPEN, CLOSE)) == (
        f"前面。{OPEN}海水{CLOSE}淡化,{OPEN}Größtes{CLOSE}")
    snippet = "…" + marked[marked.index(OPEN) : marked.index("化") + 1] + "…"  # as FTS5 cuts
    assert searchtext.restore_snippet(original, marked, snippet, (OPEN, CLOSE), "…") == (
        f"…{OPEN}海水{CLOSE}淡化…")


def test_a_query_word_in_those_scripts_is_a_phrase_of_its_characters():
    assert parse_query("淡化").match == '"淡 化"'
    assert parse_query("grosstes Größtes").match == '"grosstes" AND "Grösstes"'


# -- recall and precision: any substring, in a real index ------------------------------------

_SPACED_ALPHABET = st.sampled_from(list("海水淡化厂的是在中国東京駅ひらがなカタカナ서울에서만났다สวัสดีครับ"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(_SPACED_ALPHABET, min_size=1, max_size=12), min_size=1, max_size=4),
       st.data())
def test_every_substring_finds_its_text_and_only_texts_holding_it(runs: list[str], data):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 "
                 "remove_diacritics 2')")
    texts = [" ".join(runs), "".join(reversed(runs))]
    conn.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)",
                     [(i, searchtext.index_form(x)) for i, x in enumerate(texts)])
    run = data.draw(st.sampled_from(runs))
    starts = [i for i, char in enumerate(run) if not unicodedata.category(char).startswith("M")]
    assume(starts)  # a query starting with a Thai vowel sign is no word: "nothing to search for"
    start = data.draw(st.sampled_from(starts))
    query = run[start : data.draw(st.integers(start + 1, len(run)))]
    match = parse_query(query).match
    hits = {row[0] for row in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,))}
    assert 0 in hits
    assert hits == {i for i, text in enumerate(texts) if query in text}


# -- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "title"), [
    ("淡化", "海水淡化厂在马罗角建成"),  # two characters inside a run
    ("马罗角建设", "海水淡化厂在马罗角建成"),
    ("吨", "海水淡化厂在马罗角建成"),  # one character
    ("風電", "離岸風電場獲得批准"),  # traditional
    ("開業", "東京で新しい駅が開業"),
    ("駅は東京", "東京で新しい駅が開業"),
    ("issue", "東京で新しい駅が開業"),  # Latin glued to Japanese
    ("gen", "海水淡化厂在马罗角建成"),
    ("itgc", "海水淡化厂在马罗角建成"),
    ("서울", "서울 시장 기자회견"),  # a stem inside 서울에서
    ("지하철", "서울 시장 기자회견"),
    ("กรุงเทพ", "ข่าวประเทศไทย"),  # Thai, inside a run
    ("ฝนตก", "ข่าวประเทศไทย"),
    ("grosstes", "Das größte Kraftwerk in København"),
    ("strasse", "Das größte Kraftwerk in København"),
    ("Straße", "Das größte Kraftwerk in København"),
    ("kobenhavn", "Das größte Kraftwerk in København"),
    ("ilik", "Das größte Kraftwerk in København"),
    ("istanbul", "Das größte Kraftwerk in København"),
    ("da nang", "Das größte Kraftwerk in København"),
    ("lodz", "Das größte Kraftwerk in København"),
    ("ferry", "Night ferry to the islands"),  # English stemming as before
])
def test_search_finds_words_inside_every_script(scripts: Cli, query: str, title: str):
    assert _titles(scripts, query) == [title]


def test_the_query_language_works_on_those_scripts(scripts: Cli):
    assert _titles(scripts, "title:淡化") == ["海水淡化厂在马罗角建成"]
    assert _titles(scripts, "body:马罗角 -東京") == ["海水淡化厂在马罗角建成"]
    assert _titles(scripts, "body:马罗角 -建成") == []  # 建成 is in the title
    assert _titles(scripts, "淡化 -批准") == []
    assert _titles(scripts, "淡化 -東京") == ["海水淡化厂在马罗角建成"]
    assert sorted(_titles(scripts, "淡化 OR 서울")) == ["海水淡化厂在马罗角建成", "서울 시장 기자회견"]
    assert _titles(scripts, '"海水淡化厂"') == ["海水淡化厂在马罗角建成"]
    assert _titles(scripts, "淡化厂马") == []  # not side by side
    assert _titles(scripts, "厂每") == []  # side by side, but a comma between them
    assert _titles(scripts, "source:新华社 水务") == ["海水淡化厂在马罗角建成"]
    assert _titles(scripts, "马罗*") == ["海水淡化厂在马罗角建成"]


def test_snippets_and_titles_show_the_text_as_stored_with_the_match_marked(scripts: Cli):
    from newscli.search import search
    from newscli.store import Store

    store = Store.open(scripts.db)
    try:
        [hit] = list(search(store, parse_query("淡化")))
        assert ("淡化", True) in hit["title_marks"]
        assert "".join(piece for piece, _ in hit["title_marks"]) == "海水淡化厂在马罗角建成"
        assert ("淡化", True) in hit["snippet_marks"]
        assert hit["snippet"].startswith("水务局周一批准在马罗角建设海水淡化厂") and " " not in hit["snippet"]
        [hit] = list(search(store, parse_query("grosstes")))
        assert ("Größtes", True) in hit["snippet_marks"]
    finally:
        store.close()


def test_show_highlight_marks_a_word_inside_a_run(scripts: Cli):
    from newscli import search
    from newscli.store import Store

    store = Store.open(scripts.db)
    try:
        article = store.resolve("hai-shui")
        assert search.matched_words(store, article["id"], parse_query("淡化").match) == {"淡化"}
    finally:
        store.close()
    result = scripts("show", "hai-shui", "--highlight", "淡化")
    assert result.exit_code == 0 and "海水淡化厂" in result.stdout


def test_an_edited_and_a_removed_article_leave_the_index(scripts: Cli):
    from newscli.store import Store

    store = Store.open(scripts.db)
    try:
        article = store.resolve("hai-shui")
        with store.transaction():
            store.conn.execute("UPDATE articles SET body = '风力发电' WHERE id = ?", (article["id"],))
        assert store.count(match=parse_query("淡化").match) == 1  # still in the title
        assert store.count(match=parse_query("body:淡化").match) == 0
        assert store.count(match=parse_query("发电").match) == 1
        with store.transaction():
            store.conn.execute("DELETE FROM articles WHERE id = ?", (article["id"],))
        assert store.count(match=parse_query("发电").match) == 0
    finally:
        store.close()
    assert scripts("info").exit_code == 0  # the index agrees with the articles


def test_another_programs_write_is_indexed_as_it_is_then_caught_up(scripts: Cli):
    conn = sqlite3.connect(scripts.db)
    conn.execute("INSERT INTO articles (slug, title, body, sha256, imported_at, updated_at) "
                 "VALUES ('outside', '外部写入', '这篇文章由其他程序写入', 'x', 'now', 'now')")
    conn.commit()
    whole = conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH "
                         "'外部写入'").fetchone()[0]
    conn.close()
    assert whole == 1  # indexed at once, as a run, the way unicode61 cuts it
    assert _titles(scripts, "其他程序") == ["外部写入"]  # newscli opened it and caught up
    assert scripts("info").exit_code == 0


# -- the upgrade -----------------------------------------------------------------------------

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "archive-main-56c1cfe.db"


def test_an_old_archive_is_reindexed_with_progress_and_finds_words_inside_runs(tmp_path: Path):
    from newscli.store import Store

    copy = tmp_path / "archive.db"
    shutil.copy(FIXTURE, copy)
    reports: list[tuple[int, int]] = []
    store = Store.open(copy, progress=lambda done, total: reports.append((done, total)))
    try:
        total = store.count()
        assert reports[0] == (0, total) and reports[-1] == (total, total)
        assert store.count(match=parse_query("淡化").match) == 1
    finally:
        store.close()


def test_the_upgrade_message_goes_to_stderr(tmp_path: Path):
    copy = tmp_path / "archive.db"
    shutil.copy(FIXTURE, copy)
    result = Cli(copy)("search", "淡化", "--format", "json")
    assert result.exit_code == 0
    assert "reindexing its" in result.stderr and "left as it was" in result.stderr
    assert "reindexing" not in Cli(copy)("search", "淡化").stderr  # once


def test_an_interrupted_upgrade_leaves_the_archive_as_it_was(tmp_path: Path):
    from newscli.store import Store, migrations

    copy = tmp_path / "archive.db"
    shutil.copy(FIXTURE, copy)

    def interrupt(done: int, total: int) -> None:
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Store.open(copy, progress=interrupt)
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT max(version) FROM newscli_migrations").fetchone()[0] == 4
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()
    store = Store.open(copy)  # and the next open starts over
    try:
        assert store.schema_version == len(migrations.MIGRATIONS)
        assert store.count(match=parse_query("淡化").match) == 1
    finally:
        store.close()


# -- near-duplicates and related -------------------------------------------------------------

DESALINATION = ("水务局周一批准在马罗角建设海水淡化厂，每天可生产十万吨淡水，供应港口城市的居民和工厂。"
                "官员表示，工程将于明年春天开工，预计耗资八千六百万元，资金来自市政府和水务基金。"
                "环保团体担心排放的浓盐水会影响附近的渔场，要求进行更严格的环境评估。")
DESALINATION_2 = ("港口城市的海水淡化计划遭到环保团体批评。渔民说，淡化厂排放的浓盐水会伤害海湾的鱼类。"
                  "水务局回应称，浓盐水将在远离海岸的地方排放，并会持续监测海水盐度和渔场状况。")
FOOTBALL = ("本赛季的足球联赛昨晚结束，主队在加时赛中以二比一击败客队，夺得冠军奖杯。"
            "球迷在体育场外庆祝到深夜，教练称赞球员在整个赛季中表现出色的团队精神。")


def _story(title: str, body: str) -> str:
    return f"---\ntitle: {title}\nsource: 新闻社\n---\n\n{body}\n"


def test_a_chinese_article_republished_with_a_few_characters_changed_is_a_near_duplicate(
        tmp_path: Path):
    from newscli.importer import import_paths
    from newscli.store import Store

    store = Store.open(tmp_path / "archive.db")
    try:
        write(tmp_path / "one", "a.md", _story("马罗角海水淡化厂获批", DESALINATION))
        write(tmp_path / "one", "c.md", _story("足球联赛闭幕", FOOTBALL))
        import_paths(store, [str(tmp_path / "one")])
        changed = DESALINATION.replace("周一", "周二").replace("十万吨", "十二万吨")
        write(tmp_path / "two", "b.md", _story("马罗角淡化厂获得批准", changed))
        report = import_paths(store, [str(tmp_path / "two")])
    finally:
        store.close()
    notes = [note for note in report.notes if "near-duplicate" in note]
    assert len(notes) == 1 and "b.md: near-duplicate of " in notes[0]
    groups = Cli(tmp_path / "archive.db").json("dupes")
    assert [sorted(a["title"] for a in g["articles"]) for g in groups] == [
        ["马罗角海水淡化厂获批", "马罗角淡化厂获得批准"]]


def test_the_upgrade_signs_chinese_articles_again(tmp_path: Path):
    from newscli import signatures
    from newscli.store import Store

    copy = tmp_path / "archive.db"
    shutil.copy(FIXTURE, copy)
    Store.open(copy).close()
    conn = sqlite3.connect(copy)
    body, shingles = conn.execute(
        "SELECT body, shingles FROM articles JOIN article_signatures ON article_id = id "
        "WHERE title = '港口城市的海水淡化计划'").fetchone()
    conn.close()
    assert shingles == len(signatures.shingles(body)) > 20  # character trigrams


def test_related_on_a_chinese_article_returns_chinese_articles_on_its_topic(tmp_path: Path):
    from conftest import SAMPLES
    from newscli.importer import import_paths
    from newscli.related import find_related
    from newscli.store import Store

    for name, title, body in (("a", "马罗角海水淡化厂获批", DESALINATION),
                              ("b", "淡化计划遭批评", DESALINATION_2), ("c", "足球联赛闭幕", FOOTBALL)):
        write(tmp_path / "zh", f"{name}.md", _story(title, body))
    store = Store.open(tmp_path / "archive.db")
    try:
        import_paths(store, [str(SAMPLES), str(tmp_path / "zh")])
        found = find_related(store, store.resolve(
            next(r["slug"] for r in store.iter_articles() if r["title"] == "马罗角海水淡化厂获批"))["slug"])
    finally:
        store.close()
    assert found.results and found.results[0]["title"] == "淡化计划遭批评"
    assert "足球联赛闭幕" not in [r["title"] for r in found.results[:1]]


def test_show_highlight_pattern_marks_words_inside_a_run():
    from newscli.render.article import _Highlighted

    pattern = _Highlighted(None, {"淡化", "issue", "ferry"}).pattern
    assert [m.group() for m in pattern.finditer("海水淡化厂 issue化して ferrying ferry")] == [
        "淡化", "issue", "ferry"]
