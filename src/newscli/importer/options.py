"""What the user asked of an import: which files, what to add to each article, a dry run."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_GLOBS = ("*.txt", "*.md", "*.markdown", "*.json", "*.jsonl", "*.html", "*.htm")
DEFAULT_MAX_SIZE = 10 * 1024 * 1024


@dataclass
class Options:
    """The import command's options: globs, --exclude, --source, --tag, --dry-run, --max-size,
    --refresh, --follow-links."""

    globs: tuple[str, ...] = DEFAULT_GLOBS
    excludes: tuple[str, ...] = ()  # file or folder name patterns to leave out (--exclude)
    source: str | None = None
    tags: tuple[str, ...] = ()
    dry_run: bool = False
    max_size: int = DEFAULT_MAX_SIZE
    refresh: bool = False  # fetch URLs again even when the archive holds their article
    follow_links: bool = False  # also symbolic links that lead outside the paths given
