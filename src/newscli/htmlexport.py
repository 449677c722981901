"""Static HTML: one self-contained page (an index of the articles, then each in full), or a folder
a browser opens quickly at any size (index pages of INDEX_PAGE articles, one page an article).

Every page loads nothing: its style and its small filter script are inline, and a Content Security
Policy forbids everything else, so even a link that slipped through could not fetch. All article text
is escaped; Markdown bodies are rendered by pulldown-cmark and their HTML sanitized by nh3, images
shown as links.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TextIO
from urllib.parse import quote

# Characters HTML does not allow in text: C0 and C1 controls but tab, newline, form feed and
# carriage return, which HTML reads as white space. Not render.TERMINAL_CONTROLS: a page has no
# cursor to move, so form feed and return stay, and what goes is replaced, not spelled out.
NOT_HTML_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
LINK_SCHEMES = ("http://", "https://")

STYLE = """
:root { color-scheme: light dark; }
body { font: 1.05rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 46rem; margin: 0 auto; padding: 1rem; }
[hidden] { display: none !important; }
h1 { font-size: 1.6rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem;
         border-bottom: 1px solid rgba(128, 128, 128, .3); }
td:first-child { white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot td { border: 0; opacity: .75; }
article { border-top: 2px solid rgba(128, 128, 128, .45); margin-top: 2.5rem; padding-top: .5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; font-size: .9rem;
     opacity: .85; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.text p { white-space: pre-line; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.body { overflow-wrap: break-word; }
input[type="search"] { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem .6rem; }
.back, .pages { font-size: .85rem; }
.pages a { margin-left: .6rem; }
@media print {
  #_filter, #_shown, .back, .pages { display: none !important; }
  body { max-width: none; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  h2, dl { break-after: avoid; }
  tr, dl { break-inside: avoid; }
}
""".strip()

SCRIPT = """
(function () {
  var box = document.getElementById("_filter");
  var shown = document.getElementById("_shown");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#_index tbody tr"));
  var texts = rows.map(function (row) {
    return (row.textContent + " " + (row.getAttribute("data-text") || "")).toLowerCase();
  });
  box.hidden = false;
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row, i) {
      var hit = words.every(function (word) { return texts[i].indexOf(word) !== -1; });
      var article = document.getElementById(row.getAttribute("data-id"));
      row.hidden = !hit;
      if (article) { article.hidden = !hit; }
      if (hit) { count += 1; }
    });
    shown.textContent = words.length ? count + " of " + rows.length + " shown" : "";
  });
})();
""".strip()


def write_html(index: Iterable[dict[str, Any]], records: Iterable[dict[str, Any]], out: TextIO
               ) -> int:
    """The page, streamed: the index rows first, then the articles (both in the same order)."""
    out.write(_head())
    count = 0
    for row in index:
        out.write(_index_row(row))
        count += 1
    noun = "article" if count == 1 else "articles"
    out.write(f'</tbody>\n<tfoot><tr><td colspan="3">{count:,} {noun}</td></tr></tfoot>\n'
              "</table>\n</nav>\n<main>\n")
    render = markdown_renderer()
    for record in records:
        out.write(_article(record, render))
    out.write(f"</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n")
    return count


# Articles on one index page of a folder export: a page of about 200 KB, quick to open.
INDEX_PAGE = 1000
ARTICLES_FOLDER = "articles"


class Site:
    """The pages of a folder export of `total` articles: index pages of INDEX_PAGE rows, linked
    first/previous/next/last, and one page an article, linked to its neighbours and back to its
    index page. Plain relative links only, so the folder works from file:// and copied anywhere."""

    def __init__(self, total: int):
        self.total = total
        self.pages = max(1, -(-total // INDEX_PAGE))
        self.render = markdown_renderer()

    @staticmethod
    def page_name(number: int) -> str:
        return "index.html" if number == 1 else f"index-{number}.html"

    def page_names(self) -> list[str]:
        return [self.page_name(n) for n in range(1, self.pages + 1)]

    def index_page(self, number: int, rows: list[tuple[str, dict[str, Any]]]) -> str:
        """Index page `number` (from 1): `rows` are (article file name, row), in export order."""
        first = (number - 1) * INDEX_PAGE + 1
        pager = self._pager(number, first, first + len(rows) - 1)
        body = "".join(_index_row(row, f"{ARTICLES_FOLDER}/{quote(name)}") for name, row in rows)
        return (_head(f"page {number:,} of {self.pages:,}" if self.pages > 1 else "", pager)
                + body + "</tbody>\n</table>\n</nav>\n<footer>\n" + pager
                + f"</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n")

    def _pager(self, number: int, first: int, last: int) -> str:
        noun = "article" if self.total == 1 else "articles"
        links = [("First", 1), ("Previous", number - 1)] if number > 1 else []
        links += [("Next", number + 1), ("Last", self.pages)] if number < self.pages else []
        shown = "".join(f' <a href="{self.page_name(n)}">{label}</a>' for label, n in links)
        where = f"page {number:,} of {self.pages:,}: " if self.pages > 1 else ""
        return (f'<p class="pages">{where}articles {first:,}-{last:,} of {self.total:,} {noun}'
                f"{shown}</p>\n")

    def article_page(self, record: dict[str, Any], position: int, previous: str | None,
                     following: str | None) -> str:
        """The page of the article at `position` (from 0) in the export, between its
        neighbours' files."""
        page = self.page_name(position // INDEX_PAGE + 1)
        around = "".join(f' · <a href="{quote(name)}" rel="{rel}">{label}</a>' for label, name, rel in
                         (("Earlier", previous, "prev"), ("Later", following, "next")) if name)
        back = f"../{page}#{quote(record['slug'], safe='')}"
        return (_document(f"{text(record['title'])} - News archive", script=False)
                + _article(record, self.render, back=back, around=around) + "</body>\n</html>\n")


def text(value: Any) -> str:
    """User text made safe for HTML: escaped, quotes included, controls shown as U+FFFD."""
    return html.escape(NOT_HTML_TEXT.sub("\ufffd", str(value)), quote=True)


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _policy(script: bool) -> str:
    scripts = _csp_hash(SCRIPT) if script else "'none'"
    return (f"default-src 'none'; style-src {_csp_hash(STYLE)}; "
            f"script-src {scripts}; base-uri 'none'; form-action 'none'")


def _document(title: str, *, script: bool) -> str:
    """Everything up to and including <body>: the policy, the style, the title."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{_policy(script)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="newscli">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    )


def _head(what: str = "", pager: str = "") -> str:
    """The top of a page with the index: the filter box (shown when scripts run), the table."""
    return (
        _document("News archive" + (f" - {what}" if what else ""), script=True)
        + "<header>\n<h1>News archive</h1>\n" + pager
        + '<input type="search" id="_filter" placeholder="Filter by title, source, author, tag or '
        f'date{" (this page)" if pager else ""}" aria-label="Filter the articles" hidden>\n'
        '<p id="_shown" aria-live="polite"></p>\n'
        "</header>\n<nav>\n<table id=\"_index\">\n"
        "<thead><tr><th>Date</th><th>Source</th><th>Title</th></tr></thead>\n<tbody>\n"
    )


def _index_row(row: dict[str, Any], href: str | None = None) -> str:
    """A row of the index: a link down the page, or (`href`) to the article's own file, the
    row then the target of the article page's way back."""
    extra = " ".join([row.get("author") or "", *row.get("tags", [])])
    link = href if href is not None else "#" + quote(row["slug"], safe="")
    anchor = f' id="{text(row["slug"])}"' if href is not None else ""
    return (
        f'<tr{anchor} data-id="{text(row["slug"])}" data-text="{text(extra)}">'
        f'<td>{_date(row["published"], short=True)}</td><td>{text(row["source"] or "")}</td>'
        f'<td><a href="{text(link)}">{text(row["title"])}</a></td></tr>\n'
    )


def _date(value: str | None, *, short: bool = False) -> str:
    if not value:
        return ""
    shown = value[:10] if short else value
    return f'<time datetime="{text(value)}">{text(shown)}</time>'


def _article(record: dict[str, Any], render: Any, back: str = "#_index", around: str = "") -> str:
    language = record.get("language") or ""
    lang = f' lang="{text(language)}"' if _LANGUAGE.match(language) else ""
    kind = "markdown" if record.get("format") == "markdown" else "text"
    body = render(record["body"] or "") if kind == "markdown" else _paragraphs(record["body"] or "")
    return (
        f'<article id="{text(record["slug"])}"{lang}>\n<h2>{text(record["title"])}</h2>\n'
        f"{_facts(record)}{_meta(record.get('meta') or {})}"
        f'<div class="body {kind}">\n{body}</div>\n'
        f'<p class="back"><a href="{text(back)}">Back to the index</a>{around}</p>\n</article>\n'
    )


def _facts(record: dict[str, Any]) -> str:
    url = record["url"] or ""
    link = (f'<a href="{text(url)}" rel="noreferrer">{text(url)}</a>'
            if url.lower().startswith(LINK_SCHEMES) else text(url))
    facts = [
        ("Date", _date(record["published"])), ("Source", text(record["source"] or "")),
        ("Author", text(record["author"] or "")), ("Dateline", text(record["dateline"] or "")),
        ("Link", link), ("Tags", text(", ".join(record["tags"]))),
    ]
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts if value)
    return f"<dl>{items}</dl>\n" if items else ""


def _meta(meta: dict[str, Any]) -> str:
    if not meta:
        return ""
    dump = json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True)
    return f"<details><summary>More metadata</summary><pre>{text(dump)}</pre></details>\n"


def _paragraphs(body: str) -> str:
    """Plain text: paragraphs at blank lines, line breaks kept inside them (by the style)."""
    parts = [p.strip("\n") for p in _PARAGRAPHS.split(body) if p.strip()]
    return "".join(f"<p>{text(p)}</p>\n" for p in parts)


# Tags a Markdown body's own HTML may keep: nh3's (Ammonia's) safe defaults, less images and
# image maps (the page loads nothing: an image becomes a link) and the elements of the page's own
# frame, so an article cannot pose as the index or another article.
_BODY_TAGS_DROPPED = frozenset({"img", "area", "map", "article", "aside", "nav", "header", "footer",
                                "hgroup"})
_IMAGE = re.compile(r"""<img\b((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def markdown_renderer() -> Callable[[str], str]:
    """Markdown to safe HTML: CommonMark by pulldown-cmark (Rust, through pyromark), then every
    tag and attribute sanitized by nh3 (Ammonia, Rust); images become links, headings go below
    the article's own.

    pulldown-cmark renders the body's own HTML as written (an HTML comment, `<sup>`, a `<div>`
    around a table ...), and nh3 keeps only the harmless part of it: no script, style, event
    handler, form, frame, id or class survives, no link but to a safe scheme, and unclosed or
    stray tags are balanced, so the body cannot reach the rest of the page.
    """
    import nh3
    import pyromark

    cleaner = nh3.Cleaner(tags=set(nh3.ALLOWED_TAGS) - _BODY_TAGS_DROPPED, link_rel="noreferrer")

    def render(body: str) -> str:
        rendered = pyromark.html(NOT_HTML_TEXT.sub("\ufffd", body))
        shaped = _HEADING.sub(_lower_heading, _IMAGE.sub(_image_link, rendered))
        return str(cleaner.clean(shaped))

    return render


def _image_link(match: re.Match[str]) -> str:
    """An image as a link to it, its alternative text (or "image") in brackets: the page loads
    nothing, and the reader can still follow the link."""
    # One of the three value groups matched (double-quoted, single-quoted, bare); the others are "".
    attributes = {name.lower(): html.unescape("".join(values))
                  for name, *values in _ATTRIBUTE.findall(match.group(1))}
    return (f'<a href="{text(attributes.get("src", ""))}">'
            f'[{text(attributes.get("alt") or "image")}]</a>')


def _lower_heading(match: re.Match[str]) -> str:
    return f"<{match.group(1)}h{min(6, int(match.group(2)) + 2)}"
