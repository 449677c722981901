"""One exception tree: the command layer maps these to a one-line message and an exit code.

Also the one wording of an OSError that such messages use (os_reason).
"""


class NewscliError(Exception):
    """Base class: a problem a person can act on. Exit code 1."""

    exit_code = 1


class ParseError(NewscliError):
    """An input file or record could not be read as an article."""


class NotFound(NewscliError):
    """No article matches the given slug, id or query."""


class QueryError(NewscliError):
    """The search text or a filter value is not valid. Exit code 2 (usage)."""

    exit_code = 2


class QueryTooCostly(QueryError):
    """A search that would take longer than its time limit to answer, stopped and refused."""

    def __init__(self, spent: str):
        super().__init__(
            f"this search was stopped after {spent}: its words are in most articles, so "
            "ranking reads nearly the whole archive; use fewer or rarer words, a phrase, or narrow "
            "it with --source, --tag or --since")


class UsageError(NewscliError):
    """The command was asked for something it will not do as given. Exit code 2 (usage)."""

    exit_code = 2


class DatabaseError(NewscliError):
    """The archive database is missing, damaged, foreign or from a newer newscli."""


class ExportError(NewscliError):
    """An export could not be written: files in the way, a full disk, no permission."""


def os_reason(exc: OSError) -> str:
    """What went wrong, in the system's words, for a message: "permission denied"."""
    return (exc.strerror or str(exc)).lower()
