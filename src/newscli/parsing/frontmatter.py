"""Markdown and text files with YAML (`---`) or TOML (`+++`) front matter."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from newscli.errors import ParseError
from newscli.models import Article
from newscli.parsing.fields import article_from_mapping
from newscli.parsing.text import clean_body
from newscli.parsing.titles import bounded_title

_HEADING = re.compile(r"^#{1,2}\s+(?P<title>.+?)\s*#*\s*$")


def has_front_matter(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip()
    return first in ("---", "+++") or (len(first) > 3 and set(first) in ({"-"}, {"+"}))


def parse_front_matter(text: str, *, fmt: str) -> Article:
    """Parse a front-matter document; a title missing from it comes from the first heading."""
    metadata, content = _split(text.lstrip("\ufeff"))
    article = article_from_mapping(metadata, clean_body(content), fmt=fmt)
    if not article.title:
        article.title, article.body = title_from_body(article.body)
    return article


def title_from_body(body: str) -> tuple[str, str]:
    """Take the first Markdown heading (or else the first line) as the title."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        heading = _HEADING.match(line)
        title = heading.group("title") if heading else line.strip()
        return bounded_title(title), clean_body("\n".join(lines[index + 1 :]))
    raise ParseError("no title: front matter has none and the body is empty")


def _split(text: str) -> tuple[dict[str, Any], str]:
    import frontmatter

    handler = _toml_handler() if text.startswith("+") else frontmatter.YAMLHandler()
    try:
        fm, content = handler.split(text)
    except ValueError:
        raise ParseError("front matter is never closed (no ending --- line)") from None
    metadata = _load(handler, fm)
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ParseError("front matter is not a list of key: value lines")
    return metadata, content


def _load(handler: Any, fm: str) -> Any:
    """The front matter's values; ParseError with the parser's reason when it cannot read them."""
    import yaml

    try:
        return handler.load(fm, **_fast_yaml(handler))
    except RecursionError:
        raise ParseError("front matter is nested too deeply") from None
    # yaml.YAMLError: bad YAML syntax. ValueError: tomllib's TOMLDecodeError, and PyYAML's reading
    # of a value (`date: 2024-02-30`, `!!int 0x`). LookupError and AttributeError: PyYAML's
    # reading of an empty tagged value (`!!float ''`, `!!bool ''`, `!!timestamp`).
    except (yaml.YAMLError, ValueError, LookupError, AttributeError) as exc:
        raise ParseError(f"invalid front matter: {_one_line(exc)}") from None


def _fast_yaml(handler: Any) -> dict[str, Any]:
    """libyaml's safe loader when PyYAML has it: the same documents, several times faster."""
    import frontmatter
    import yaml

    if isinstance(handler, frontmatter.YAMLHandler):
        return {"Loader": _yaml_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))}
    return {}


@lru_cache(maxsize=2)
def _yaml_loader(base: type) -> type:
    """The safe loader, but a date Python cannot hold (`0000-01-01`, `2024-02-30`) stays text:
    the article imports, and its date is kept in meta with a note, like any unreadable date."""
    import yaml

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _toml_loads(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)


def _toml_handler() -> Any:
    from frontmatter.default_handlers import BaseHandler

    class TomlHandler(BaseHandler):  # type: ignore[misc]
        """TOML front matter with the standard library's reader (python-frontmatter's needs `toml`)."""

        FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
        START_DELIMITER = END_DELIMITER = "+++"

        def load(self, fm: str, **kwargs: object) -> Any:
            return _toml_loads(fm)

    return TomlHandler()
