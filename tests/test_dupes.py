"""Near-duplicate detection: shingles, signatures, groups, the import note, schema upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from newscli import dupes, signatures
from newscli.importer import import_paths
from newscli.store import Filters, Store, migrations, schema

WIRE = """KELSEY BAY (Regional Wire) - Regional planners on Tuesday approved the Skerrow Bank \
offshore \
wind farm, a field of forty turbines eleven miles off the coast that its developer says will power \
every home in the county by the end of the decade.

The planning committee voted seven to two in favour after a six-hour hearing in which fishermen, \
birdwatchers and harbour businesses lined up to speak. The developer, Northsea Breeze, must now \
agree a survey of seabird colonies on Little Skerrow before construction can begin.

"This is the largest investment the coast has seen in a generation," said committee chair Marion \
Teague. "We have attached conditions that protect the fishing grounds and the birds."

Fishermen's associations in Kelsey Bay and Marrow Point said the exclusion zones around each \
turbine would close some of the richest crab grounds in the region. Their spokesman, Tomas Berg, \
said the associations were considering a legal challenge.

The developer expects to start laying foundations in the spring of next year, with the first \
turbines turning eighteen months later. A new maintenance base is planned for the old ferry berth \
in Kelsey Bay, bringing an estimated sixty permanent jobs to the town.
"""

EXTRA = """
Environmental groups were divided. The county wildlife trust welcomed the seabird survey but said \
the committee should have required a second winter of observations before any decision was made.
"""

OTHER_STORY = """KELSEY BAY - Fishermen from Kelsey Bay and Marrow Point on Friday filed a legal \
challenge against the Skerrow Bank wind farm, arguing that the planning committee ignored evidence \
about the crab grounds inside the exclusion zones.

The associations' lawyer, Priya Anand, told reporters outside the county court that the hearing \
had given fishermen ten minutes to speak while the developer was allowed two hours. "Our members \
were not heard, and the law requires that they are," she said.

Northsea Breeze said it was confident the approval would stand and that its survey of seabird \
colonies would begin as planned. The company has offered compensation to boats that lose access to \
their grounds, an offer the associations described as an insult.

A first hearing is expected in the new year. If the court grants a judicial review, construction \
of the turbines could be delayed by at least twelve months, the committee's chair Marion Teague \
warned on Saturday.
"""


def reword(text: str) -> str:
    """Light copy-editing, the way a second outlet changes wire copy."""
    for old, new in (
        ("on Tuesday approved", "approved on Tuesday"),
        ("voted seven to two in favour", "voted 7-2 in favour"),
        ("lined up to speak", "queued to speak"),
        ("said the associations", "said his members"),
        ("an estimated sixty", "around sixty"),
    ):
        assert old in text
        text = text.replace(old, new)
    return text


def story(title: str, body: str, date: str, source: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\nsource: {source}\n---\n{body}"


@pytest.fixture
def store(db: Path) -> Store:
    return Store.open(db)


def test_shingles_are_distinct_sorted_and_ignore_case_and_punctuation():
    shingle_hashes = signatures.shingles("The wind, the WIND: the wind farm!")
    assert list(shingle_hashes) == sorted(set(shingle_hashes.tolist()))
    assert signatures.jaccard(shingle_hashes, signatures.shingles("the wind the wind the wind farm")) == 1.0
    assert len(signatures.shingles("two words")) == 0


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("one two three four", "one two three four", 1.0),
        ("one two three four", "one two three five", 1 / 3),  # {123, 234} vs {123, 235}
        ("one two three", "four five six", 0.0),
        ("one two three", "one three two", 0.0),  # word order counts
        ("", "one two three", 0.0),
    ],
)
def test_jaccard_examples(a, b, expected):
    value = signatures.jaccard(signatures.shingles(a), signatures.shingles(b))
    assert value == pytest.approx(expected)


@given(
    st.lists(st.integers(0, 2**32 - 1), unique=True, min_size=1, max_size=200),
    st.data(),
)
def test_jaccard_is_symmetric_bounded_and_exact_for_overlapping_sets(values, data):
    # b is a with some shingles dropped and some added, so the two sets really overlap.
    dropped = data.draw(st.sets(st.sampled_from(values), max_size=len(values) - 1))
    added = data.draw(st.sets(st.integers(0, 2**32 - 1), max_size=50)) - set(values)
    kept = set(values) - dropped
    a = np.array(sorted(values), dtype=np.uint32)
    b = np.array(sorted(kept | added), dtype=np.uint32)
    expected = len(kept) / len(set(values) | added)
    value = signatures.jaccard(a, b)
    assert 0.0 < value <= 1.0
    assert value == pytest.approx(expected)
    assert value == signatures.jaccard(b, a)


def test_estimate_tracks_the_exact_similarity():
    a, b = signatures.shingles(WIRE), signatures.shingles(reword(WIRE) + EXTRA)
    exact = signatures.jaccard(a, b)
    assert abs(signatures.estimate(signatures.minhash(a), signatures.minhash(b)) - exact) < 0.15


@settings(deadline=None)  # the first example imports datasketch, and scipy with it
@given(st.lists(st.integers(0, 2**32 - 1), unique=True, min_size=1, max_size=300))
def test_minhash_is_datasketchs_affine32_minhash(values):
    from datasketch import MinHash

    shingle_hashes = np.array(sorted(values), dtype=np.uint32)
    reference = MinHash(num_perm=signatures.NUM_PERM, seed=signatures.SEED, scheme="affine32",
                        hashfunc=int)
    reference.update_batch(shingle_hashes.tolist())
    assert signatures.minhash(shingle_hashes) == reference.hashvalues.astype("<u4").tobytes()


def import_stories(store: Store, folder: Path, stories: dict[str, str]):
    for name, text in stories.items():
        write(folder, name, text)
    return import_paths(store, [str(folder)])


def slugs(groups) -> list[list[str]]:
    return [[member.slug for member in group] for group in groups]


def test_copies_are_grouped_and_a_different_story_is_not(store, tmp_path):
    report = import_stories(store, tmp_path, {
        "a.md": story("Wind farm approved", WIRE, "2024-05-01", "Regional Wire"),
        "b.md": story("Skerrow Bank gets green light", WIRE, "2024-05-02", "Gazette"),
        "c.md": story("Wind farm approved off Kelsey Bay", WIRE + EXTRA, "2024-05-03", "Ledger"),
        "d.md": story("Turbines approved", reword(WIRE), "2024-05-02", "Bay Radio"),
        "e.md": story("Fishermen challenge wind farm", OTHER_STORY, "2024-05-10", "Gazette"),
    })
    assert report.imported == 5
    groups = dupes.find_groups(store)
    assert slugs(groups) == [[
        "wind-farm-approved", "skerrow-bank-gets-green-light", "turbines-approved",
        "wind-farm-approved-off-kelsey-bay",
    ]]
    similarities = [member.similarity for member in groups[0]]
    assert similarities[:2] == [1.0, 1.0] and 0.5 < min(similarities) < 1.0
    unrelated = signatures.jaccard(signatures.shingles(WIRE), signatures.shingles(OTHER_STORY))
    assert unrelated < 0.1  # same topic, different words: far below any threshold


def test_threshold_decides(store, tmp_path):
    import_stories(store, tmp_path, {
        "a.md": story("Wind farm approved", WIRE, "2024-05-01", "Regional Wire"),
        "d.md": story("Turbines approved", reword(WIRE), "2024-05-02", "Bay Radio"),
    })
    similarity = dupes.find_groups(store)[0][1].similarity
    assert dupes.find_groups(store, threshold=similarity + 0.01) == []
    assert len(dupes.find_groups(store, threshold=similarity)) == 1


def test_filters_keep_whole_groups_that_touch_them(store, tmp_path):
    import_stories(store, tmp_path, {
        "a.md": story("Wind farm approved", WIRE, "2024-05-01", "Regional Wire"),
        "b.md": story("Skerrow Bank gets green light", WIRE, "2024-05-02", "Gazette"),
    })
    assert len(dupes.find_groups(store, Filters(sources=["gazette"]))[0]) == 2
    assert dupes.find_groups(store, Filters(sources=["nobody"])) == []


def test_import_notes_the_article_a_new_one_nearly_duplicates(store, tmp_path):
    import_stories(store, tmp_path / "one", {"a.md": story("Wind farm approved", WIRE,
                                                              "2024-05-01", "Wire")})
    report = import_stories(store, tmp_path / "two", {
        "b.md": story("Turbines approved", reword(WIRE), "2024-05-02", "Bay Radio"),
        "e.md": story("Fishermen challenge wind farm", OTHER_STORY, "2024-05-10", "Gazette"),
    })
    notes = [note for note in report.notes if "near-duplicate" in note]
    assert len(notes) == 1
    assert notes[0].endswith("b.md: near-duplicate of wind-farm-approved (similarity "
                             f"{dupes.find_groups(store)[0][1].similarity:.2f})")


def test_a_note_names_the_earlier_copy_in_the_same_batch_only(store, tmp_path):
    report = import_stories(store, tmp_path, {
        "a.md": story("Wind farm approved", WIRE, "2024-05-01", "Wire"),
        "b.md": story("Turbines approved", reword(WIRE), "2024-05-02", "Bay Radio"),
        "c.md": story("Fishermen challenge wind farm", OTHER_STORY, "2024-05-10", "Gazette"),
    })
    notes = [note for note in report.notes if "near-duplicate" in note]
    assert len(notes) == 1 and notes[0].startswith(str(tmp_path / "b.md"))
    assert "near-duplicate of wind-farm-approved" in notes[0]


def test_short_bodies_are_never_grouped(store, tmp_path):
    import_stories(store, tmp_path, {
        "a.md": "---\ntitle: One\n---\n{% include references.md %}\n",
        "b.md": "---\ntitle: Two\n---\n{% include references.md %}\n",
    })
    assert dupes.find_groups(store) == []


def signature_rows(store: Store, article_id: int) -> tuple[int, int]:
    conn = store.conn
    return (
        conn.execute(f"SELECT count(*) FROM {schema.SIGNATURES} WHERE article_id = ?",
                     (article_id,)).fetchone()[0],
        conn.execute(f"SELECT count(*) FROM {schema.BUCKETS} WHERE article_id = ?",
                     (article_id,)).fetchone()[0],
    )


def test_triggers_drop_a_stale_signature_and_reads_heal_it(store, tmp_path):
    import_stories(store, tmp_path, {
        "a.md": story("Wind farm approved", WIRE, "2024-05-01", "Wire"),
        "b.md": story("Fishermen challenge wind farm", OTHER_STORY, "2024-05-10", "Gazette"),
    })
    assert signature_rows(store, 1) == (1, signatures.BANDS)
    store.conn.execute("UPDATE articles SET title = 'New title' WHERE id = 1")
    assert signature_rows(store, 1) == (1, signatures.BANDS)  # the body did not change
    store.conn.execute("UPDATE articles SET body = ? WHERE id = 2", (WIRE,))  # an outside edit
    assert signature_rows(store, 2) == (0, 0)
    assert len(dupes.find_groups(store)) == 1  # healed: signed again, and now a copy
    store.conn.execute("DELETE FROM articles WHERE id = 2")
    assert signature_rows(store, 2) == (0, 0)


def test_an_archive_from_schema_1_is_upgraded_and_signed(db, tmp_path, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    old = Store.open(db)
    for name, title in (("a.md", "Wind farm approved"), ("b.md", "Green light")):
        write(tmp_path, name, story(title, WIRE, "2024-05-01", "Wire"))
    # Rows as a schema-1 newscli wrote them (today's importer needs later tables).
    from newscli.parsing import parse_document

    with old.transaction():
        for name in ("a.md", "b.md"):
            [(_, article)] = parse_document(name, (tmp_path / name).read_bytes())
            slug = "wind-farm-approved" if name == "a.md" else "green-light"
            old.insert(article, slug, "2024-05-01T00:00:00+00:00")
    old.close()
    assert "article_signatures" not in {
        row[0] for row in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")
    }
    monkeypatch.undo()
    upgraded = Store.open(db)
    assert upgraded.schema_version == len(migrations.MIGRATIONS)
    assert slugs(dupes.find_groups(upgraded)) == [["wind-farm-approved", "green-light"]]


def test_signing_imports_neither_datasketch_nor_scipy():
    """Every import worker signs: datasketch's package imports scipy (0.6 s, 80 MB) at import."""
    import subprocess
    import sys

    code = (
        "import sys; from newscli import dupes; dupes.signature(' '.join(map(str, range(50)))); "
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- signing an import's new articles a window at a time ------------------------------------------


def test_a_window_of_several_batches_notes_a_copy_from_an_earlier_batch_in_file_order(
        store, tmp_path, monkeypatch):
    """Batches of two, one window: the copy in the third batch is matched with the first
    batch's article although neither was signed when the copy was saved."""
    from newscli import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    stories = {f"{name}.md": story(f"Other story {name}", OTHER_STORY.replace("Friday", name),
                                   "2024-05-10", "Gazette") for name in ("b", "c", "d")}
    stories["a.md"] = story("Wind farm approved", WIRE, "2024-05-01", "Wire")
    stories["e.md"] = story("Turbines approved", reword(WIRE), "2024-05-02", "Bay Radio")
    report = import_stories(store, tmp_path, dict(sorted(stories.items())))
    assert report.imported == 5
    notes = [note for note in report.notes if "near-duplicate" in note]
    assert [note.split(": ")[0] for note in notes] == [str(tmp_path / name) for name in
                                                       ("c.md", "d.md", "e.md")]
    assert "near-duplicate of wind-farm-approved" in notes[-1]
    assert dupes.count_unsigned(store.conn) == 0


def test_the_window_is_signed_once_full_after_the_batch_that_fills_it(store, tmp_path, monkeypatch):
    from newscli import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    monkeypatch.setattr(dupes.NewArticles.__init__, "__defaults__", (4,))
    flushes = []
    real = dupes.NewArticles.flush

    def counted(self, conn, batch=None):
        flushes.append(len(self) + (len(batch) if batch else 0))
        return real(self, conn, batch)

    monkeypatch.setattr(dupes.NewArticles, "flush", counted)
    for number in range(9):
        write(tmp_path, f"f{number}.txt", f"Title {number}\n\n{OTHER_STORY} {number}\n")
    assert import_paths(store, [str(tmp_path)]).imported == 9
    assert flushes == [4, 4, 1]
    assert dupes.count_unsigned(store.conn) == 0


def test_articles_a_crash_left_unsigned_are_signed_by_the_next_import(store, tmp_path, monkeypatch):
    from newscli import importer

    write(tmp_path, "a.md", story("Wind farm approved", WIRE, "2024-05-01", "Wire"))
    write(tmp_path, "b.md", story("Fishermen challenge wind farm", OTHER_STORY, "2024-05-10",
                                  "Gazette"))
    # As if killed after the batch committed but before its window was signed.
    monkeypatch.setattr(importer, "flush_window", lambda store, window, report: None)
    monkeypatch.setattr(dupes, "ensure_signed", lambda store: None)
    assert import_paths(store, [str(tmp_path)]).imported == 2
    assert dupes.count_unsigned(store.conn) == 2
    monkeypatch.undo()
    again = import_paths(store, [str(tmp_path)])
    assert again.unchanged == 2
    assert dupes.count_unsigned(store.conn) == 0
    assert signature_rows(store, 1) == (1, signatures.BANDS)


def test_an_interrupted_import_signs_what_its_committed_batches_stored(store, tmp_path, monkeypatch):
    from newscli import importer
    from newscli.importer import saving

    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    real = saving._BatchSaver.save
    calls = {"n": 0}

    def interrupt_on_fifth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(saving._BatchSaver, "save", interrupt_on_fifth)
    for number in range(6):
        write(tmp_path, f"f{number}.txt", f"Title {number}\n\n{OTHER_STORY} {number}\n")
    report = import_paths(store, [str(tmp_path)])
    assert report.interrupted and report.imported == 4
    assert store.count() == 4 and dupes.count_unsigned(store.conn) == 0


def test_page_cache_is_set_for_the_block_and_restored(store):
    from newscli.store.connection import page_cache

    before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    with page_cache(store.conn, 24_000):
        assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -24_000
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == before


def test_articles_signed_meanwhile_by_another_import_are_signed_again_without_error(tmp_path):
    """A window is signed after its batches commit, and every import signs what it finds
    unsigned: two imports at once may sign the same articles, with the same rows."""
    from newscli.store import signatures as stored

    archive = Store.open(tmp_path / "a.db")
    words = " ".join(f"word{n}" for n in range(300))
    write(tmp_path / "in", "a.txt", f"Harbour story\n\nThe harbour board met. {words}")
    assert import_paths(archive, [str(tmp_path / "in")]).failed == 0
    dupes.ensure_signed(archive)
    article_id, body = archive.conn.execute("SELECT id, body FROM articles").fetchone()
    signed = [(article_id, signatures.signature(body))]
    with archive.transaction():  # as the window of another import would, once more
        stored.store_signatures(archive.conn, signed, *signatures.bucket_rows(signed))
    assert archive.conn.execute("SELECT count(*) FROM article_buckets WHERE article_id = ?",
                                (article_id,)).fetchone()[0] > 0


# -- the bucket rows: runs, each closed one with a Bloom filter ------------------------------


def run_rows(store: Store) -> list[tuple[int, int, bool]]:
    """(run, rows counted, whether it has a filter) of every run."""
    return [(run, store.conn.execute(f"SELECT count(*) FROM {schema.BUCKETS} WHERE run = ?",
                                     (run,)).fetchone()[0], bits is not None)
            for run, bits in store.conn.execute(f"SELECT run, filter FROM {schema.BUCKET_RUNS}")]


COPIES = {
    "a.md": story("Wind farm approved", WIRE, "2024-05-01", "Wire"),
    "b.md": story("Wind farm gets the go-ahead", WIRE + EXTRA, "2024-05-02", "Gazette"),
    "c.md": story("Fishermen challenge wind farm", OTHER_STORY, "2024-05-10", "Herald"),
}


@pytest.fixture
def runs_of_one_import(store, tmp_path, monkeypatch):
    """Article 1 in run 0, articles 2 and 3 in run 1, both closed; run 2 open and empty."""
    from newscli.store import signatures as stored

    monkeypatch.setattr(stored, "RUN_ROWS", 1)  # every window closes its run
    import_stories(store, tmp_path / "first", {"a.md": COPIES["a.md"]})
    import_stories(store, tmp_path / "then", {name: COPIES[name] for name in ("b.md", "c.md")})
    return store


def test_an_import_writes_its_rows_into_the_open_run(store, tmp_path):
    import_stories(store, tmp_path, COPIES)
    assert run_rows(store) == [(0, 3 * signatures.BANDS, False)]


def test_a_full_run_gets_its_filter_and_the_next_run_opens(runs_of_one_import):
    assert run_rows(runs_of_one_import) == [
        (0, signatures.BANDS, True), (1, 2 * signatures.BANDS, True), (2, 0, False)]


def test_every_reader_finds_the_rows_of_every_run(runs_of_one_import, monkeypatch):
    from newscli.store import signatures as stored

    store = runs_of_one_import
    assert stored.sharing_a_bucket(store.conn, 1) == [2]
    assert stored.sharing_a_bucket(store.conn, 2) == [1]
    assert [(a, b) for a, b, _ in dupes.confirmed_pairs(store.conn, None, 0.5)] == [(1, 2)]
    assert [(a, b) for a, b, _ in dupes.confirmed_pairs(store.conn, [1, 2, 3], 0.5)] == [(1, 2)]
    keys = np.array(signatures.band_keys(store.conn.execute(
        "SELECT minhash FROM article_signatures WHERE article_id = 2").fetchone()[0]), dtype=np.uint64)
    keys.sort()
    for filtered in (False, True):  # asking each run directly, then through its filter
        monkeypatch.setattr(stored, "FILTER_FROM", 1 if filtered else 10**9)
        members = stored.bucket_members(store.conn, keys)
        assert {tuple(ids) for ids in members.values()} >= {(1, 2)}
        assert set(members) == set(keys.tolist())  # every bucket of article 2 holds it
    assert slugs(dupes.find_groups(store)) == [["wind-farm-approved", "wind-farm-gets-the-go-ahead"]]


def test_an_imported_near_duplicate_is_noted_against_an_article_in_a_closed_run(
        runs_of_one_import, tmp_path):
    store = runs_of_one_import
    copy = story("Wind farm approved, again", WIRE + EXTRA, "2024-05-03", "Post")
    report = import_stories(store, tmp_path / "later", {"d.md": copy})
    assert any("near-duplicate of" in note for note in report.notes)


def test_the_buckets_marked_shared_are_every_bucket_holding_two_articles(runs_of_one_import):
    store = runs_of_one_import
    crowded = {row[0] for row in store.conn.execute(
        f"SELECT bucket FROM {schema.BUCKETS} GROUP BY bucket HAVING count(*) > 1")}
    marked = {row[0] for row in store.conn.execute(f"SELECT bucket FROM {schema.SHARED_BUCKETS}")}
    assert crowded and crowded == marked


def test_deleting_an_article_anywhere_drops_its_bucket_rows_from_every_run(runs_of_one_import, db):
    store = runs_of_one_import
    other = sqlite3.connect(db)  # another program: the triggers are plain SQL
    other.execute("DELETE FROM articles WHERE id IN (1, 2)")
    other.commit()
    other.close()
    assert [rows for _, rows, _ in run_rows(store)] == [0, signatures.BANDS, 0]
    assert [tuple(row) for row in store.conn.execute(
        f"SELECT DISTINCT article_id FROM {schema.BUCKETS}")] == [(3,)]
    assert dupes.find_groups(store) == []  # the buckets still marked shared hold one article


def test_a_changed_body_drops_the_old_rows_and_signs_the_new_text(runs_of_one_import):
    store = runs_of_one_import
    store.conn.execute("UPDATE articles SET body = ? WHERE id = 3", (WIRE + EXTRA + EXTRA,))
    store.conn.commit()
    assert sum(rows for _, rows, _ in run_rows(store)) == 2 * signatures.BANDS
    groups = dupes.find_groups(store)
    assert [len(group) for group in groups] == [3]
    assert [row[0] for row in store.conn.execute(  # signed again, into the run open then
        f"SELECT DISTINCT run FROM {schema.BUCKETS} WHERE article_id = 3")] == [2]


def test_healing_does_not_look_for_unsigned_articles_when_all_are_signed(
        store, tmp_path, monkeypatch):
    import_stories(store, tmp_path, COPIES)
    from newscli.store import signatures as stored

    def scan(conn):
        raise AssertionError("every article is signed: nothing to look for")

    monkeypatch.setattr(stored, "sign_missing", scan)
    dupes.ensure_signed(store)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=3000, unique=True), st.integers(0, 2**32))
def test_a_bloom_filter_holds_every_key_it_was_built_from(keys, seed):
    from newscli import bloom

    values = np.array(keys, dtype=np.uint64)
    half = len(values) // 2
    bits = bloom.build([values[:half], values[half:]], len(values))
    assert bloom.may_hold(bits, values).all()
    absent = np.random.default_rng(seed).integers(0, 2**63, 20_000, dtype=np.uint64)
    absent = absent[~np.isin(absent, values)]
    assert bloom.may_hold(bits, absent).mean() < 0.01


def test_an_import_closes_its_runs_with_the_filter_it_wrote_without_reading_them_back(
        store, tmp_path, monkeypatch):
    from newscli import bloom
    from newscli.store import signatures as stored

    def read_back(conn, run):
        raise AssertionError("the import wrote the run's filter as it signed")

    monkeypatch.setattr(stored, "RUN_ROWS", 1)
    monkeypatch.setattr(stored, "FILTER_FROM", 1)  # a window of three articles counts as large
    monkeypatch.setattr(stored, "_keys_of_run", read_back)
    import_stories(store, tmp_path, COPIES)  # one window, into the empty archive's run 0
    (bits,) = store.conn.execute(f"SELECT filter FROM {schema.BUCKET_RUNS} WHERE run = 0").fetchone()
    keys = np.array([row[0] for row in store.conn.execute(
        f"SELECT bucket FROM {schema.BUCKETS} WHERE run = 0")], dtype=np.uint64)
    assert len(keys) == 3 * signatures.BANDS and bloom.may_hold(bits, keys).all()


def open_run_filter(store):
    """(the open run's filter or None, every key of its rows)."""
    run, bits = store.conn.execute(
        f"SELECT run, filter FROM {schema.BUCKET_RUNS} ORDER BY run DESC LIMIT 1").fetchone()
    keys = np.array([row[0] for row in store.conn.execute(
        f"SELECT bucket FROM {schema.BUCKETS} WHERE run = ?", (run,))], dtype=np.uint64)
    return bits, keys


def test_a_small_writer_sets_its_keys_in_the_open_runs_filter_in_place(store, tmp_path, monkeypatch):
    from newscli import bloom
    from newscli.store import signatures as stored

    monkeypatch.setattr(stored, "FILTER_FROM", signatures.BANDS + 1)  # more than one article
    import_stories(store, tmp_path / "first", {name: COPIES[name] for name in ("a.md", "b.md")})
    before, _ = open_run_filter(store)
    import_stories(store, tmp_path / "then", {"c.md": COPIES["c.md"]})  # one article: in place
    after, keys = open_run_filter(store)
    assert before is not None and len(after) == len(before) and after != before
    assert len(keys) == 3 * signatures.BANDS and bloom.may_hold(after, keys).all()
    monkeypatch.setattr(stored, "FILTER_FROM", 1)  # now ask the open run through its filter
    third = np.unique(signatures.bucket_rows([(3, signatures.signature(
        store.conn.execute("SELECT body FROM articles WHERE id = 3").fetchone()[0]))])[0])
    found = stored.bucket_members(store.conn, third)
    assert set(found) == set(third.tolist()) and all(3 in ids for ids in found.values())


def test_a_run_small_writers_filled_gets_its_filter_from_the_first_window(store, tmp_path, monkeypatch):
    from newscli import bloom
    from newscli.store import signatures as stored

    monkeypatch.setattr(stored, "FILTER_FROM", signatures.BANDS + 1)
    import_stories(store, tmp_path / "first", {"a.md": COPIES["a.md"]})
    assert open_run_filter(store)[0] is None  # one article: asked directly, no filter kept
    import_stories(store, tmp_path / "then", {name: COPIES[name] for name in ("b.md", "c.md")})
    bits, keys = open_run_filter(store)
    assert len(keys) == 3 * signatures.BANDS and bloom.may_hold(bits, keys).all()

def _sqlite_memory_used():
    """sqlite3_memory_used() of the SQLite this Python's sqlite3 module is linked with, or None."""
    import ctypes

    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    paths = {line.split()[-1] for line in maps.splitlines() if "libsqlite3" in line}
    if len(paths) != 1:
        return None  # linked in statically, or not on Linux
    used = ctypes.CDLL(paths.pop()).sqlite3_memory_used
    used.restype = ctypes.c_int64
    return used


def test_signing_a_window_keeps_no_copy_of_the_open_runs_filter_in_sqlite(store):
    from newscli import bloom
    from newscli.store import signatures as stored

    used = _sqlite_memory_used()
    if used is None:
        pytest.skip("no shared libsqlite3 to ask for its memory")
    rng = np.random.default_rng(1)
    before = used()
    windows = []
    for first_id in (1, 10_001):  # a filter made, then read, added to and written back
        keys = np.sort(rng.integers(0, 2**63, 3 * stored.FILTER_FROM, dtype=np.uint64))
        with store.transaction():
            stored.store_signatures(store.conn, [], keys, np.arange(first_id, first_id + len(keys)))
        windows.append(keys)
        assert used() - before < 4 << 20  # the page cache may grow to its 2 MB, not by 8 MB more
    bits, stored_keys = open_run_filter(store)
    assert len(bits) == bloom.size_for(stored.RUN_ROWS) // 8
    assert bloom.may_hold(bits, np.concatenate(windows)).all() and len(stored_keys) == 6 * stored.FILTER_FROM


def test_an_emptied_filter_is_built_again_from_the_runs_rows(runs_of_one_import, tmp_path, db,
                                                            monkeypatch):
    from newscli import bloom
    from newscli.store import signatures as stored

    store = runs_of_one_import
    other = sqlite3.connect(db)  # another program empties every filter
    other.execute(f"UPDATE {schema.BUCKET_RUNS} SET filter = x''")
    other.commit()
    monkeypatch.setattr(stored, "FILTER_FROM", 1)  # ask every run through its filter, if any
    copy = story("Wind farm approved, again", WIRE + EXTRA, "2024-05-03", "Post")
    report = import_stories(store, tmp_path / "later", {"d.md": copy})
    assert report.failed == 0 and any("near-duplicate of" in note for note in report.notes)
    (bits,) = store.conn.execute(f"SELECT filter FROM {schema.BUCKET_RUNS} WHERE run = 2").fetchone()
    keys = np.array([row[0] for row in store.conn.execute(
        f"SELECT bucket FROM {schema.BUCKETS} WHERE run = 2")], dtype=np.uint64)
    assert len(bits) == bloom.size_for(stored.RUN_ROWS) // 8 and bloom.may_hold(bits, keys).all()


def test_members_are_not_asked_of_a_run_no_writer_has_added_to(runs_of_one_import):
    from newscli.store import signatures as stored

    store = runs_of_one_import  # run 2 is open and empty
    asked = []
    store.conn.set_trace_callback(asked.append)
    keys = np.array([row[0] for row in store.conn.execute(
        f"SELECT bucket FROM {schema.BUCKETS} WHERE run = 1")], dtype=np.uint64)
    found = stored.bucket_members(store.conn, np.unique(keys))
    store.conn.set_trace_callback(None)
    assert {2, 3} <= {article for ids in found.values() for article in ids}
    assert len([sql for sql in asked if "json_each" in sql]) == 2  # runs 0 and 1, not 2
