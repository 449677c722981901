"""An article as a Markdown document with YAML front matter (`show` and `export` write it)."""

from __future__ import annotations

from typing import Any

# Front-matter keys in the order a person reads them; `import` maps each back to its field.
_FRONT = (
    ("title", "title"), ("date", "published"), ("source", "source"), ("author", "author"),
    ("url", "url"), ("tags", "tags"), ("dateline", "dateline"), ("language", "language"),
    ("slug", "slug"), ("format", "format"),
)


def to_markdown(article: dict[str, Any]) -> str:
    """YAML front matter (meta nested under `meta:` so no key can clash) and the body."""
    import yaml

    front = {key: article.get(name) for key, name in _FRONT if article.get(name) not in (None, "", [])}
    if article.get("meta"):
        front["meta"] = article["meta"]
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    body = article.get("body") or ""
    return f"---\n{header}---\n\n{body}\n"
