"""An article as a Markdown document with YAML front matter (`show` and `export` write it)."""

from __future__ import annotations

from functools import cache
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
    header = yaml.dump(front, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100)
    body = article.get("body") or ""
    return f"---\n{header}---\n\n{body}\n"


@cache
def _dumper() -> Any:
    import yaml

    # libyaml's emitter is about five times faster, and writes every character so it reads back.
    return yaml.CSafeDumper if getattr(yaml, "__with_libyaml__", False) else python_dumper()


def python_dumper() -> Any:
    """PyYAML's own safe dumper, but text with NEL (U+0085) is double-quoted: in the plain or
    single-quoted style it writes NEL raw, and a YAML reader takes it for a line break."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        style = '"' if "\x85" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper
