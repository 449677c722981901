"""Command-line values converted without pydantic when nothing needs it.

Typer 0.29 converts every non-flag parameter through a pydantic TypeAdapter: importing pydantic
and building the adapters cost about 90 ms a run, more than the rest of `newscli show` or
`newscli search` together. Most values need no validation at all (a string stays a string, a
default enum member stays itself) or only Typer's own pydantic-free helpers (a choice, a path);
those are converted here, anything else (and any value these helpers reject, so the error message
stays Typer's) is handed to Typer's own conversion.
"""

import re
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

try:  # Typer's internals: without them (another Typer version) nothing changes.
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover
    RuntimeParam = None  # type: ignore[assignment,misc]

_INTEGER = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Text parameters that name files: their bytes are the file's name, whatever the encoding.
FILE_NAME_PARAMETERS = frozenset({"paths", "glob"})
# What Python makes of an argument's byte that is not UTF-8 (PEP 383: surrogateescape).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
# Returned by the converters below for a value they leave to Typer's own (pydantic) conversion.
_FOR_TYPER = object()


def use_plain_conversion(command: Any) -> Any:
    """Give the command's parameters (help option included) the plain conversion."""
    if RuntimeParam is None:
        return command  # pragma: no cover
    for param in getattr(command, "params", ()):
        _convert_plainly(param)
    original = command.get_params

    def get_params(ctx: Any) -> list[Any]:
        params = original(ctx)  # the help option is made here, on demand
        for param in params:
            _convert_plainly(param)
        return params

    command.get_params = get_params
    return command


def _convert_plainly(param: Any) -> None:
    if isinstance(param, _TyperParameter) and getattr(param, "_runtime_param", 0) is None:
        descriptor = param.type_descriptor
        param._runtime_param = PlainConversion(
            parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
        )


if RuntimeParam is not None:

    class PlainConversion(RuntimeParam):
        """Converts the plain cases itself and hands the rest to Typer's pydantic conversion."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            result = _plain(self.annotation, value, self.parameter_info, param, ctx)
            if result is _FOR_TYPER:
                runtime = build_runtime_param(param.type_descriptor)
                try:
                    return runtime._coerce_value(value, param=param, ctx=ctx)
                except BadParameter as exc:
                    worded = refusal(self.annotation, value, self.parameter_info)
                    if worded is None:
                        raise
                    raise BadParameter(worded, ctx=ctx, param=param) from exc
            return result


def refusal(annotation: Any, value: Any, info: Any) -> str | None:
    """Why a value was refused, in newscli's words: what was wrong and what is accepted.

    None leaves Typer's wording (for kinds newscli does not declare). Pydantic's ("Input should
    be greater than or equal to 0.4", "Value error, ...") never reaches a user.
    """
    origin = get_origin(annotation)
    if origin is list:
        (item,) = get_args(annotation) or (Any,)
        return refusal(item, value[0] if isinstance(value, (list, tuple)) and value else value,
                       info)
    if origin in (Union, UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return refusal(inner[0], value, info) if len(inner) == 1 else None
    choices: list[Any] | None = None
    if origin is Literal:
        choices = list(get_args(annotation))
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        choices = [member.value for member in annotation]
    if choices is not None:
        return f"{value!r} is not accepted; use {_either(choices)}"
    if annotation in (int, float):
        kind = "a whole number" if annotation is int else "a number"
        if info.min is not None and info.max is not None:
            return f"{value!r} is not accepted; use {kind} from {info.min:g} to {info.max:g}"
        if info.min is not None:
            return f"{value!r} is not accepted; use {kind} of at least {info.min:g}"
        return f"{value!r} is not {kind}"
    return None


def _either(choices: list[Any]) -> str:
    words = [str(choice) for choice in choices]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _plain(annotation: Any, value: Any, info: Any, param: Any, ctx: Any) -> Any:
    """The value converted for its annotation, or _FOR_TYPER."""
    if info.parser is not None or info.path_type is not None:
        return _FOR_TYPER
    origin = get_origin(annotation)
    if origin is list and isinstance(value, (list, tuple)):
        (item,) = get_args(annotation) or (Any,)
        items = [_plain(item, v, info, param, ctx) for v in value]
        return _FOR_TYPER if any(i is _FOR_TYPER for i in items) else items
    if origin in (Union, UnionType) and type(None) in get_args(annotation):
        if value is None:
            return None
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return _plain(inner[0], value, info, param, ctx) if len(inner) == 1 else _FOR_TYPER
    if annotation is str and isinstance(value, str) and param.name not in FILE_NAME_PARAMETERS:
        return as_the_shell_meant(value)
    if annotation in (str, bool):
        return value if isinstance(value, annotation) else _FOR_TYPER
    if annotation in (int, float):
        return _number(annotation, value, info)
    if origin is Literal:
        return _choice(list(get_args(annotation)), value, info, ctx)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(list(annotation), value, info, ctx)
    if isinstance(annotation, type) and issubclass(annotation, Path) and isinstance(value, (str, Path)):
        # Typer's own checks (exists, dir_okay ...); given a Path it never calls pydantic.
        return coerce_cli_path(annotation(value), info, path_type=annotation, param=param, ctx=ctx)
    return _FOR_TYPER


def as_the_shell_meant(value: str) -> str:
    """An argument with bytes that are not UTF-8 - what a Latin-1 terminal sends for `café` -
    read as that terminal meant them: its UTF-8 runs kept, each other byte as cp1252."""
    if not _NOT_UTF8.search(value):
        return value
    from newscli.parsing.decode import as_cp1252

    return _NOT_UTF8.sub(lambda m: as_cp1252(bytes([ord(m.group()) - 0xDC00])), value)


def _choice(choices: list[Any], value: Any, info: Any, ctx: Any) -> Any:
    """One of an Enum's members or a Literal's values, matched as Typer matches them."""
    try:
        return coerce_cli_choice(value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
    except ValueError:
        return _FOR_TYPER  # Typer words the error


def _number(kind: type, value: Any, info: Any) -> Any:
    """An int or float within its bounds; anything else (an error to word) goes to Typer."""
    if isinstance(value, bool):
        return _FOR_TYPER
    if isinstance(value, (int, float)) and (kind is float or isinstance(value, int)):
        number: Any = kind(value)
    elif isinstance(value, str) and kind is int and _INTEGER.fullmatch(value):
        number = int(value)
    elif isinstance(value, str) and kind is float and _FLOAT.fullmatch(value):
        number = float(value)
    else:
        return _FOR_TYPER
    if (info.min is not None and number < info.min) or (info.max is not None and number > info.max):
        return _FOR_TYPER
    return number
