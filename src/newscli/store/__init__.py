"""The only package that talks SQL: open and migrate the archive, save and read articles.

`Store` (an open archive) is what the commands use; the modules hold the SQL of one concern
each: connection and migrations, articles, filters, search, signatures, file states, stats,
related-article probes and health checks.
"""

from newscli.models import Filters
from newscli.slugs import SLUG_MAX
from newscli.store.archive import Store
from newscli.store.articles import REVERSED_SORT, SORT_COLUMNS, row_to_dict, stored_matches
from newscli.store.connection import BUSY_TIMEOUT_SECONDS, default_db_path
from newscli.store.filters import where_clause
from newscli.store.schema import FTS_INSERT_TRIGGER
from newscli.store.sql import now_iso

__all__ = [
    "BUSY_TIMEOUT_SECONDS", "FTS_INSERT_TRIGGER", "REVERSED_SORT", "SLUG_MAX", "SORT_COLUMNS",
    "Filters", "Store", "default_db_path", "now_iso", "row_to_dict", "stored_matches",
    "where_clause",
]
