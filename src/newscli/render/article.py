"""One article on a terminal: its fields, its body (Markdown rendered), words marked, paged."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from newscli.render import MATCH_STYLE, clean, stdout_console

BODY_WIDTH = 100  # a comfortable line length for reading on wide terminals



def show_article(article: dict[str, Any], words: set[str], *, pager: bool) -> None:
    """The terminal view of one article: a header of its fields, then the body (Markdown
    rendered, text wrapped), words marked; through a pager when taller than the screen."""
    from rich.console import Group

    console = stdout_console()
    view = Group(*_article_header(article), _Highlighted(_article_body(article), words))
    if not pager:
        console.print(view)
        return
    with console.capture() as captured:
        console.print(view)
    output = captured.get()
    if output.count("\n") > console.height:
        page(output)
    else:
        sys.stdout.write(output)


def _article_header(article: dict[str, Any]) -> list[Any]:
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    imported_on = (article.get("imported_at") or "")[:10]
    imported = " on ".join(filter(None, (article.get("path"), imported_on)))
    for label, value in (
        ("source", article.get("source")),
        ("author", article.get("author")),
        ("published", article.get("published")),
        ("dateline", article.get("dateline")),
        ("url", article.get("url")),
        ("tags", ", ".join(article.get("tags") or [])),
        ("words", f"{article.get('word_count') or 0:,}"),
        ("slug", article.get("slug")),
        ("imported", imported),
    ):
        if value:
            fields.add_row(label, Text(clean(str(value), one_line=True)))
    title = Text(clean(article.get("title") or "", one_line=True), style="bold")
    return [title, fields, Rule(style="dim")]


def _article_body(article: dict[str, Any]) -> Any:
    from rich.constrain import Constrain
    from rich.markdown import Markdown
    from rich.text import Text

    body = clean(article.get("body") or "")
    if article.get("format") == "markdown":
        return Constrain(Markdown(body, hyperlinks=False), BODY_WIDTH)
    return Constrain(Text(body, overflow="fold"), BODY_WIDTH)


class _Highlighted:
    """Any renderable with some words marked: works on rendered segments, so Markdown keeps
    its formatting (Rich's Markdown has no hook for marking words)."""

    def __init__(self, renderable: Any, words: set[str]):
        self.renderable = renderable
        from newscli.searchtext import SPACED_CLASS

        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        # Whole words, where a character of Chinese, Japanese ... is a word by itself.
        other_letter = rf"[^\W{SPACED_CLASS}]"
        self.pattern = re.compile(rf"(?<!{other_letter})(?:{alternatives})(?!{other_letter})",
                                  re.IGNORECASE) if words else None

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.segment import Segment
        from rich.style import Style

        mark = Style.parse(MATCH_STYLE)
        for segment in console.render(self.renderable, options):
            if self.pattern is None or segment.control or not segment.text.strip():
                yield segment
                continue
            text, style, last = segment.text, segment.style, 0
            for found in self.pattern.finditer(text):
                yield Segment(text[last : found.start()], style)
                yield Segment(found.group(), (style or Style()) + mark)
                last = found.end()
            yield Segment(text[last:], style)


def page(text: str) -> None:
    """Text (with its colours) through $PAGER, else `less -FRX` as git does; printed when
    there is no pager to run."""
    import shutil
    import subprocess

    command = os.environ.get("PAGER")
    if command is None:
        command = "less" if shutil.which("less") else ""
    if not command.strip() or command.strip() == "cat":
        sys.stdout.write(text)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit if one screen, keep colours, leave text on exit
    sys.stdout.flush()
    process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env,
                               encoding="utf-8", errors="replace")
    try:
        assert process.stdin is not None
        process.stdin.write(text)
        process.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager early
    while True:
        try:
            process.wait()
            return
        except KeyboardInterrupt:
            pass  # Ctrl-C belongs to the pager while it runs
