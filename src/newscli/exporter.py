"""Articles out of the archive: JSON Lines, JSON, CSV, Markdown (one document or one file each), HTML,
the OpenSearch/Elasticsearch bulk format and its index mapping.

Every writer streams: one article in memory at a time, whatever the size of the archive. Files
appear under their final name only once complete (written to a temporary name, then renamed).
"""

from __future__ import annotations

import io
import itertools
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from newscli.errors import ExportError, NotFound, os_reason
from newscli.models import ALL_FIELDS, Filters
from newscli.store import SLUG_MAX, Store

SHOWN_CLASHES = 5
# Device names Windows reserves in any folder, with any extension.
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}
)
# `import` reads a date from a file name like this one (Jekyll posts).
_DATED_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-")

# Called after each article with (articles done, articles in the export).
Progress = Callable[[int, int], None]


@dataclass
class Selection:
    """Which articles: row filters and an FTS5 expression; exported oldest first, undated last."""

    filters: Filters = field(default_factory=Filters)
    match: str | None = None


@dataclass
class Request:
    """What to write, and where: `output` one file, `directory` one file an article, else a stream."""

    format: str = "jsonl"
    selection: Selection = field(default_factory=Selection)
    output: Path | None = None
    directory: Path | None = None
    force: bool = False
    excel: bool = False
    raw_cells: bool = False  # CSV cells as stored, formulas and all
    index: str | None = None  # the index the opensearch bulk actions name (None: the default)


@dataclass
class Result:
    articles: int
    target: str | None  # the file or folder written, None for the stream


# Formats that describe the export rather than hold articles: written with no article read.
NO_ARTICLES = frozenset({"opensearch-mapping"})


def export(store: Store | None, request: Request, stream: BinaryIO,
           progress: Progress | None = None) -> Result:
    """Write the selected articles as the request says; `stream` takes output to no file.
    The formats in NO_ARTICLES need no archive (`store` may be None)."""
    selection = request.selection
    if request.format in NO_ARTICLES:
        target = _to_target(store, request, stream, lambda handle: write_described(
            request, handle))
        return Result(0, target)
    assert store is not None
    with store.snapshot():
        total = store.count(selection.filters, selection.match)
        if not total:
            raise NotFound("no articles to export: the archive is empty or nothing matches")
        counted = _counting(progress, total)
        if request.directory is not None:
            write_dir = write_html_dir if request.format == "html" else write_markdown_dir
            write_dir(store, selection, request.directory, request.force, counted)
            return Result(total, str(request.directory))
        target = _to_target(store, request, stream, lambda handle: write_format(
            store, request, handle, counted))
        return Result(total, target)


def _to_target(store: Store | None, request: Request, stream: BinaryIO,
               write: Callable[[BinaryIO], None]) -> str | None:
    """Run `write` on the -o file (written whole or not at all), a device, or the stream; the
    file or device written, None for the stream."""
    if request.output is not None and _is_device(request.output):
        with device_file(request.output) as handle:
            write(handle)
        return str(request.output)
    if request.output is not None:
        _check_target(store, request.output, request.force)
        with atomic_file(request.output, durable=True) as handle:
            write(handle)
        return str(request.output)
    write(stream)
    return None


def _counting(progress: Progress | None, total: int) -> Callable[[], None]:
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    return advance


def iter_records(store: Store, selection: Selection, advance: Callable[[], None] | None = None
                 ) -> Iterator[dict[str, Any]]:
    """Every field `show --format json` gives, article by article, oldest first."""
    for row in _rows(store, selection):
        yield {name: row[name] for name in ALL_FIELDS}
        if advance:
            advance()


def _rows(store: Store, selection: Selection, columns: str = "*") -> Iterator[dict[str, Any]]:
    # Oldest first, undated last, ties by id: the same order on every pass over one snapshot.
    return store.iter_articles(selection.filters, sort="date", reverse=True, match=selection.match,
                               columns=columns)


def write_format(store: Store, request: Request, handle: BinaryIO, advance: Callable[[], None]
                 ) -> None:
    """One stream in the request's format, UTF-8 (with a BOM for --excel)."""
    from newscli import formats

    records = iter_records(store, request.selection, advance)
    with utf8_text(handle, bom=request.excel) as out:
        if request.format == "jsonl":
            formats.write_jsonl(records, out)
        elif request.format == "json":
            formats.write_json(records, out)
        elif request.format == "csv":
            formats.write_delimited(records, out, ALL_FIELDS, raw_cells=request.raw_cells)
        elif request.format == "markdown":
            write_markdown_document(records, out)
        elif request.format == "html":
            from newscli.htmlexport import write_html

            columns = "slug, title, source, author, published, tags"
            write_html(_rows(store, request.selection, columns), records, out)
        elif request.format == "opensearch":
            from newscli.opensearch import DEFAULT_INDEX, write_bulk

            write_bulk(records, out, request.index or DEFAULT_INDEX)
        else:
            raise ValueError(request.format)


def write_described(request: Request, handle: BinaryIO) -> None:
    """A format in NO_ARTICLES: what describes the export, not its articles."""
    from newscli.opensearch import write_index_body

    if request.format != "opensearch-mapping":
        raise ValueError(request.format)
    with utf8_text(handle) as out:
        write_index_body(out)


@contextmanager
def utf8_text(handle: BinaryIO, *, bom: bool = False) -> Iterator[TextIO]:
    """Text written as UTF-8 with line endings untouched (CSV brings its own CRLF)."""
    out = io.TextIOWrapper(handle, encoding="utf-8-sig" if bom else "utf-8", newline="")
    try:
        yield out
    finally:
        out.detach()  # flushes, and leaves the handle open for its owner


# -- Markdown ------------------------------------------------------------------------------------


def write_markdown_document(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """One Markdown document: each article under its own heading, its facts in a list, its body."""
    count = 0
    for record in records:
        if count:
            out.write("\n* * *\n\n")
        out.write(markdown_section(record))
        count += 1
    return count


def markdown_section(record: dict[str, Any]) -> str:
    facts = [
        ("Date", record["published"]), ("Source", record["source"]),
        ("Author", record["author"]), ("Dateline", record["dateline"]),
        ("URL", f"<{record['url']}>" if record["url"] else None),
        ("Tags", ", ".join(record["tags"])), ("Slug", record["slug"]),
    ]
    lines = [f"- **{name}:** {_one_line(value)}" for name, value in facts if value]
    title = _one_line(record["title"])
    body = record["body"] or ""
    return f"# {title}\n\n" + "\n".join(lines) + ("\n\n" if lines else "") + f"{body}\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_markdown_dir(store: Store, selection: Selection, directory: Path, force: bool,
                       advance: Callable[[], None]) -> int:
    """`<slug>.md` per article, with front matter `import` reads back; returns files written.

    Every name is checked before the first file is written, so a clash leaves the folder as it was.
    """
    from newscli.markdown import to_markdown

    _make_folder(directory)
    _check_free((directory / name for name in planned_names(store, selection)), force)
    names = FileNames()
    count = 0
    for record in iter_records(store, selection):
        with atomic_file(directory / names.name(record)) as handle:
            handle.write(to_markdown(record).encode("utf-8"))
        count += 1
        advance()
    return count


def write_html_dir(store: Store, selection: Selection, directory: Path, force: bool,
                   advance: Callable[[], None]) -> int:
    """A folder a browser opens quickly at any size: `index.html` and its further index pages,
    and `articles/<slug>.html` per article; returns the articles written. Files in the way are
    refused before the first is written, as for Markdown."""
    from newscli.htmlexport import ARTICLES_FOLDER, INDEX_PAGE, Site

    site = Site(store.count(selection.filters, selection.match))
    articles = directory / ARTICLES_FOLDER
    _make_folder(articles)
    planned = [directory / name for name in site.page_names()]
    # A generator, as for Markdown: the article paths are checked one by one, never all held.
    _check_free(itertools.chain(planned, (articles / name for name in
                                          planned_names(store, selection, ".html"))), force)
    names = FileNames(".html")
    ahead = ((names.name(record), record) for record in iter_records(store, selection))
    rows: list[tuple[str, dict[str, Any]]] = []
    previous, current, position = None, next(ahead, None), 0
    while current is not None:  # one article ahead, for the link to it
        following = next(ahead, None)
        name, record = current
        page = site.article_page(record, position, previous, following and following[0])
        with atomic_file(articles / name) as handle:
            handle.write(page.encode("utf-8"))
        rows.append((name, {key: record[key] for key in _INDEX_COLUMNS}))
        position += 1
        if len(rows) == INDEX_PAGE or following is None:
            with atomic_file(planned[(position - 1) // INDEX_PAGE]) as handle:
                handle.write(site.index_page((position - 1) // INDEX_PAGE + 1, rows).encode("utf-8"))
            rows = []
        previous, current = name, following
        advance()
    return position


_INDEX_COLUMNS = ("slug", "title", "source", "author", "published", "tags")


def planned_names(store: Store, selection: Selection, suffix: str = ".md") -> Iterator[str]:
    """The file names a directory export will write, in order, without reading any body."""
    names = FileNames(suffix)
    return (names.name(row) for row in _rows(store, selection, "slug, published"))


class FileNames:
    """A file name for each article, from its slug: unique within one export, valid on any OS."""

    def __init__(self, suffix: str = ".md") -> None:
        self.used: set[str] = set()
        self.suffix = suffix

    def name(self, row: dict[str, Any]) -> str:
        from slugify import slugify

        # A stored slug may have been edited by another tool: re-slugify so `../`, `/`, `C:` or
        # control characters never reach the file system (a clean slug comes back unchanged).
        stem = slugify(row["slug"] or "", max_length=SLUG_MAX, word_boundary=True) or "article"
        if stem in _WINDOWS_RESERVED:
            stem += "-article"
        if not row["published"] and _DATED_NAME.match(stem):
            stem = "undated-" + stem  # else `import` would date the article from its file name
        candidate, number = stem, 1
        while candidate in self.used:
            number += 1
            candidate = f"{stem}-{number}"
        self.used.add(candidate)
        return candidate + self.suffix


# -- files -----------------------------------------------------------------------------------------


def _make_folder(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ExportError(f"cannot make folder {directory}: a file of that name is in the way"
                          ) from None
    except OSError as exc:
        raise ExportError(f"cannot make folder {directory}: {os_reason(exc)}") from None


def _check_target(store: Store | None, path: Path, force: bool) -> None:
    if store is not None and store.path is not None and path.resolve() == Path(store.path).resolve():
        raise ExportError(f"{path} is the archive itself; write the export to another file")
    _make_folder(path.parent)
    _check_free([path], force)


def _check_free(paths: Iterable[Path], force: bool) -> None:
    """Refuse, before writing anything, when files are in the way and --force is not given."""
    taken = [path for path in paths if os.path.lexists(path)]
    folders = [path for path in taken if path.is_dir()]
    if folders:
        raise ExportError(f"{folders[0]} is a folder, in the way of a file; nothing was written")
    if taken and not force:
        shown = ", ".join(str(p) for p in taken[:SHOWN_CLASHES])
        more = f" and {len(taken) - SHOWN_CLASHES} more" if len(taken) > SHOWN_CLASHES else ""
        noun, them = ("file already exists", "it") if len(taken) == 1 else (
            "files already exist", "them")
        raise ExportError(f"{len(taken)} {noun}: {shown}{more}; add --force to overwrite "
                          f"{them} (nothing was written)")


def _is_device(path: Path) -> bool:
    """True for a character device or FIFO (/dev/null, a named pipe): written into, as the shell
    does, never replaced by a file. Any other kind that is not a regular file is refused."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return True
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise ExportError(f"{path} is neither a file, a character device nor a FIFO; "
                          "nothing was written")
    return False


@contextmanager
def device_file(path: Path) -> Iterator[BinaryIO]:
    """A character device or FIFO opened for writing into; --force never unlinks it."""
    try:
        with open(path, "wb") as handle:
            yield handle
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {os_reason(exc)}") from None


@contextmanager
def atomic_file(path: Path, *, durable: bool = False) -> Iterator[BinaryIO]:
    """A file that appears under its name only when completely written; else nothing does.

    `durable` also waits until the data is on disk before the rename: worth it for one backup
    file, too slow for a folder of thousands.
    """
    temp = path.with_name(f".{path.name[:100]}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "xb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        _remove(temp)
        raise ExportError(f"cannot write {path}: {os_reason(exc)}") from None
    except BaseException:
        _remove(temp)
        raise


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # the original error is the one to report
