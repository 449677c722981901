"""Find the files to import under the paths given, and read them with the size cap.

The walk recurses into folders in a stable order and never hangs: inside a folder it skips
hidden entries, the files no glob takes and the asset folders of saved web pages; under each
path given it visits a folder once however many links lead to it; and it names each file it
cannot read rather than stopping.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from newscli.errors import ParseError, os_reason
from newscli.store.filestates import FileState

if TYPE_CHECKING:
    from newscli.models import Article

STDIN = "-"
URL_PREFIXES = ("http://", "https://")  # arguments fetched (importer.urls), not opened
# A browser's "Save page as... complete" writes page.html and a folder of its images, scripts and
# embedded frames (page_files, or a translated name): part of the page, not articles of their own.
PAGE_ASSET_SUFFIXES = ("_files", "-Dateien", "_fichiers", "_archivos", "_arquivos", "_bestanden", "_file")


# Files that travel with a folder of articles but are not articles: a repository's licence,
# read-me and change log, whatever their extension (LICENSE.txt, README.md). Skipped inside
# folders and listed as skipped; named on the command line, they are imported.
NOT_ARTICLE_NAMES = re.compile(r"(licen[cs]e|unlicense|copying|readme|changelog)(\.[^.]*)?",
                               re.IGNORECASE)
NOT_ARTICLE = "not an article (licence, read-me or change log)"
EXCLUDED = "excluded by --exclude"


@dataclass
class Candidate:
    """A file found by the walk, or the reason it cannot be read (error) or is left out (skip)."""

    name: str
    path: Path | None
    error: str | None = None
    size: int | None = None
    mtime_ns: int | None = None
    absolute: str | None = None
    explicit: bool = True  # named on the command line (or by a glob there), not met in a folder
    skip: str | None = None
    url: str | None = None  # an http(s) argument: fetched by importer.urls before it is read
    data: bytes | None = None  # the fetched body, read instead of a file
    fetched: dict[str, Any] | None = None  # final URL, fetch time and status, for the article
    article: Article | None = None  # ready made (a feed entry's own content): nothing to parse
    source: str | None = None  # for its article if it names none (a feed's name), before --source
    tags: tuple[str, ...] = ()  # for its article (a feed's tags), with --tag
    published: str | None = None  # for its article if the page gives no date (a feed entry's)

    def file_state(self) -> FileState | None:
        """(absolute path, size, mtime) as the walk saw it; None for stdin and errors."""
        if self.path is None or self.size is None or self.mtime_ns is None:
            return None
        return self.absolute or os.path.abspath(self.path), self.size, self.mtime_ns


def iter_candidates(
    paths: Iterable[str], globs: tuple[str, ...], excludes: tuple[str, ...] = (), *,
    follow_links: bool = False,
) -> Iterator[Candidate]:
    """Files named or found under folders (recursively), in a stable order; never hangs.

    Inside folders, files that are not articles (NOT_ARTICLE_NAMES) and files or folders an
    exclude pattern matches come back with `skip` set, to be reported, never read. A symbolic
    link met in a folder is followed only when it leads inside the files and folders given (or
    with follow_links): a downloaded folder cannot make the import read ~/.ssh.
    """
    expanded = [(raw, [] if raw == STDIN or raw.lower().startswith(URL_PREFIXES) else _expand(raw))
                for raw in paths]
    roots = None if follow_links else _roots(p for _, found in expanded for p in found)
    for raw, matches in expanded:
        if raw == STDIN:
            yield Candidate(STDIN, None)
            continue
        if raw.lower().startswith(URL_PREFIXES):
            yield Candidate(raw, None, url=raw)
            continue
        if not matches:
            yield Candidate(raw, None, "no such file or folder")
        for path in matches:
            if excludes and _excluded(path.name, excludes):
                yield Candidate(str(path), None, skip=EXCLUDED)
                continue
            yield from _walk(path, globs, set(), os.path.abspath(path), explicit=True,
                             excludes=excludes, roots=roots)


def _excluded(name: str, excludes: tuple[str, ...]) -> bool:
    return _glob_pattern(excludes).match(name.lower()) is not None


def _roots(paths: Iterable[Path]) -> tuple[str, ...]:
    """Where links may lead: the folders given, and the folders of the files given."""
    real = (os.path.realpath(path) for path in paths)
    return tuple(path if os.path.isdir(path) else os.path.dirname(path) for path in real)


def _leads_outside(entry: os.DirEntry[str], roots: tuple[str, ...] | None) -> bool:
    if roots is None or not entry.is_symlink():
        return False
    target = os.path.realpath(entry.path)
    return not any(target == root or target.startswith(root.rstrip(os.sep) + os.sep)
                   for root in roots)


def _expand(raw: str) -> list[Path]:
    """The path if it exists, else what it matches as a shell glob (nothing for a plain name)."""
    path = Path(raw).expanduser()
    if os.path.lexists(path) or not any(c in raw for c in "*?["):
        return [path] if os.path.lexists(path) else []
    import glob

    return [Path(p) for p in sorted(glob.glob(str(path), recursive=True))]


def _walk(path: Path, globs: tuple[str, ...], seen: set[tuple[int, int]], absolute: str, *,
          explicit: bool, excludes: tuple[str, ...] = (),
          roots: tuple[str, ...] | None = None) -> Iterator[Candidate]:
    """The candidates at or under path; one named by the user (explicit) is taken whatever the
    globs. seen holds the folders visited, by device and inode."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if explicit or _wanted(path.name, globs):
            yield _unreadable(path, exc)
        return
    if not stat.S_ISDIR(info.st_mode):
        if explicit or _wanted(path.name, globs):
            yield _file_candidate(path, info, absolute)
        return
    if (info.st_dev, info.st_ino) in seen:
        return  # a symlink loop, or a folder reached twice
    seen.add((info.st_dev, info.st_ino))
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError as exc:
        yield Candidate(str(path), None, os_reason(exc))
        return
    names = {e.name.lower() for e in entries}
    for entry in entries:
        if entry.name.startswith(".") or _is_page_assets(entry, names):
            continue
        if not _is_utf8(entry.name):
            yield Candidate(_shown(entry.path), None, "its name is not valid UTF-8; rename it")
            continue
        child = os.path.join(absolute, entry.name)  # abspath() asks for the cwd each time
        is_dir = _is_dir(entry)
        if excludes and _excluded(entry.name, excludes):
            if is_dir or _wanted(entry.name, globs):
                yield Candidate(entry.path, None, skip=EXCLUDED)
        elif _leads_outside(entry, roots):
            if is_dir or _wanted(entry.name, globs):
                yield Candidate(entry.path, None, "symbolic link to outside the folders given; "
                                "not followed (--follow-links follows it)")
        elif is_dir:
            yield from _walk(Path(entry.path), globs, seen, child, explicit=False,
                             excludes=excludes, roots=roots)
        elif _wanted(entry.name, globs):  # files the globs do not take are never looked at
            if NOT_ARTICLE_NAMES.fullmatch(entry.name):
                yield Candidate(entry.path, None, skip=NOT_ARTICLE)
            else:
                found = _found_file(Path(entry.path), child)
                found.explicit = False
                yield found


def _is_utf8(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python holds them as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    """The name with its undecodable bytes written \\xff, printable in a report."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _found_file(path: Path, absolute: str) -> Candidate:
    """A file met in a folder: stat it (following links) now."""
    try:
        return _file_candidate(path, os.stat(path), absolute)
    except OSError as exc:
        return _unreadable(path, exc)


def _unreadable(path: Path, exc: OSError) -> Candidate:
    """A path stat could not follow, with the reason in words."""
    return Candidate(str(path), None, _stat_failure(path, exc))


def _file_candidate(path: Path, info: os.stat_result, absolute: str) -> Candidate:
    """A regular file to read; anything else (a FIFO, a device) would block or never end."""
    if not _is_utf8(str(path)):
        return Candidate(_shown(str(path)), None, "its name is not valid UTF-8; rename it")
    if stat.S_ISREG(info.st_mode):
        return Candidate(str(path), path, None, info.st_size, info.st_mtime_ns, absolute)
    return Candidate(str(path), None, "not a regular file (a FIFO, socket or device)")


def _is_page_assets(entry: os.DirEntry[str], names: set[str]) -> bool:
    """A saved page's asset folder, next to the page it belongs to."""
    for suffix in PAGE_ASSET_SUFFIXES:
        page = entry.name[: -len(suffix)].lower()
        if entry.name.endswith(suffix) and (f"{page}.html" in names or f"{page}.htm" in names):
            return entry.is_dir()
    return False


def _wanted(name: str, globs: tuple[str, ...]) -> bool:
    return _glob_pattern(globs).match(name.lower()) is not None


@lru_cache(maxsize=8)
def _glob_pattern(globs: tuple[str, ...]) -> re.Pattern[str]:
    """All the patterns as one compiled expression: the walk tests every file name."""
    return re.compile("|".join(fnmatch.translate(pattern.lower()) for pattern in globs))


def _stat_failure(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return "broken symbolic link" if path.is_symlink() else os_reason(exc)


def read_candidate(candidate: Candidate, max_size: int) -> bytes:
    """The file's bytes, refusing anything over max_size without reading it all."""
    if candidate.data is not None:
        data = candidate.data
    elif candidate.path is None:
        data = sys.stdin.buffer.read(max_size + 1)
    else:
        try:
            with open(candidate.path, "rb") as handle:
                data = read_capped(handle, max_size)
        except OSError as exc:
            raise ParseError(os_reason(exc)) from None
    if len(data) > max_size:
        raise ParseError(f"file is larger than the {max_size:,}-byte limit (see --max-size)")
    return data


def read_capped(handle: BinaryIO, max_size: int) -> bytes:
    """At most max_size + 1 bytes, asking for no more than the file holds.

    read(n) sets aside n bytes before it reads: with the 10MB cap, that cost more than parsing.
    """
    size = os.fstat(handle.fileno()).st_size
    data = handle.read(min(size, max_size) + 1)
    if len(data) > size:  # the file grew while we read it
        data += handle.read(max_size + 1 - len(data))
    return data
