"""Names of the archive's tables and of the search index's columns and tokenizer.

The lowest module of the store: migrations create what is named here, the other store modules
query it. Nothing here runs SQL.
"""

from __future__ import annotations

MIGRATIONS_TABLE = "newscli_migrations"
FTS_COLUMNS = ("title", "body", "source", "author", "tags")
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
FTS_INSERT_TRIGGER = "articles_ai"  # as sqlite-utils names it
SIGNATURES = "article_signatures"
BUCKETS = "article_buckets"  # (run, bucket, article id): newscli.store.signatures
BUCKET_RUNS = "article_bucket_runs"  # every run of BUCKETS, its row count and Bloom filter
SHARED_BUCKETS = "article_buckets_shared"  # every bucket that has held two articles or more
# Triggers every archive has; `newscli info` reports any that is missing.
TRIGGERS = ("articles_ai", "articles_ad", "articles_au", "articles_signature_ad",
            "articles_signature_au")
# The index forms of the articles whose text the index holds transformed (newscli.searchtext),
# the view the index reads its text from, and the articles another writer changed since.
SEARCH_TEXT = "article_search_text"
SEARCH_VIEW = "articles_search"
SEARCH_PENDING = "article_search_pending"
