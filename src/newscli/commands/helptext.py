"""Help that reads as a person's words: placeholders name what to type, usage lines one style.

Typer shows a parameter without a metavar by its Python type (`--tag <list[str]>`, `--limit
<int range>`) and writes usage lines its own way (`{paths}...`, `[[QUERY]]...`). Here every
value gets a placeholder (`--tag TAG`, `--limit N`) and every usage line Click's style:
`PATH...` when required, `[QUERY]...` when not.
"""

from __future__ import annotations

import types
from typing import Any

# Placeholders by parameter name; any other takes its name in capitals.
PLACEHOLDERS = {
    "paths": "PATH", "words": "QUERY", "query": "QUERY", "ref": "SLUG", "refs": "SLUG",
    "source": "NAME", "tag": "TAG", "add": "TAG", "remove": "TAG", "author": "TEXT",
    "since": "DATE", "until": "DATE", "limit": "N", "offset": "N", "threshold": "0.4-1",
    "glob": "GLOB", "exclude": "GLOB", "max_size": "SIZE", "db": "PATH", "output": "FILE",
    "directory": "DIR", "dir": "DIR",
}


# Parameters whose values the archive knows, completed by newscli.commands.completion.
COMPLETED_FROM_ARCHIVE = {
    "ref": "complete_slugs", "refs": "complete_slugs", "source": "complete_sources",
    "tag": "complete_tags", "add": "complete_tags", "remove": "complete_tags",
}


def readable_help(command: Any) -> Any:
    """Give the command's parameters placeholders and Click-style usage names, and shell
    completion of the values the archive holds (the module doing it is imported only then)."""
    for param in getattr(command, "params", ()):
        if param.name in COMPLETED_FROM_ARCHIVE and param._custom_shell_complete is None:
            param._custom_shell_complete = _completer(COMPLETED_FROM_ARCHIVE[param.name])
        if param.param_type_name == "argument":
            _readable_argument(param)
        elif not getattr(param, "is_flag", False) and not _is_choice(param):
            if param.metavar is None:
                param.metavar = PLACEHOLDERS.get(param.name, (param.name or "VALUE").upper())
    return command


def _is_choice(param: Any) -> bool:
    descriptor = getattr(param, "type_descriptor", None)
    return bool(descriptor is not None and descriptor.is_choice)


def _readable_argument(param: Any) -> None:
    given = (param.metavar or "").strip("[]{}.").rstrip(".").strip("[]")
    param.metavar = given or PLACEHOLDERS.get(param.name, (param.name or "ARG").upper())
    dots = "..." if param.nargs != 1 else ""
    usage = f"{param.metavar}{dots}" if param.required else f"[{param.metavar}]{dots}"
    param._usage_display_name = types.MethodType(lambda self: usage, param)
    param._rich_display_name = types.MethodType(lambda self: f"{self.metavar}{dots}", param)
    param.display_type_rich = types.MethodType(lambda self, ctx: None, param)


def _completer(name: str) -> Any:
    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        from newscli.commands import completion

        return list(getattr(completion, name)(ctx, incomplete))

    return complete
