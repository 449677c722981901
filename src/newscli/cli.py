"""The command layer: Typer wiring, the --db option, and the one place errors become exit codes."""

import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from newscli import __version__
from newscli.errors import NewscliError

# Search reads every word that starts with "-" as an exclusion (`ukraine -nato`), so search and
# export (and stats and dupes, which take the same QUERY) have no short options but -h and pass
# unknown ones through as query text.
QUERY_CONTEXT = {"ignore_unknown_options": True, "help_option_names": ["-h", "--help"]}

# Every command: name -> (module in newscli.commands, function, context settings), in the order
# --help lists them. Importing a module is left to the run that invokes one of its commands: each
# module brings its own imports, and start-up would grow with every command added.
COMMANDS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "import": ("importing", "import_command", None),
    "list": ("reading", "list_command", None),
    "show": ("reading", "show_command", None),
    "search": ("reading", "search_command", QUERY_CONTEXT),
    "export": ("exporting", "export_command", QUERY_CONTEXT),
    "dupes": ("insight", "dupes_command", QUERY_CONTEXT),
    "related": ("insight", "related_command", None),
    "stats": ("insight", "stats_command", QUERY_CONTEXT),
    "compare": ("insight", "compare_command", None),
    "keywords": ("insight", "keywords_command", QUERY_CONTEXT),
    "tag": ("curation", "tag_command", None),
    "tags": ("curation", "tags_command", None),
    "rm": ("curation", "rm_command", None),
    "edit": ("curation", "edit_command", None),
    "info": ("curation", "info_command", None),
    "feeds": ("feeds", "feeds_app", None),
    "alerts": ("alerts", "alerts_app", None),
}


class _Group(TyperGroup):
    """Maps library errors to a one-line message and an exit code, for every command.

    Builds each command of COMMANDS only when it is looked up (a run needs at most the one it
    invokes; help lists all of them, and builds them then). Plain values skip Typer's pydantic
    conversion (see commands.plain_values).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from newscli.commands.plain_values import use_plain_conversion

        super().__init__(*args, **kwargs)
        use_plain_conversion(self)
        for command in self.commands.values():
            use_plain_conversion(command)

    def get_params(self, ctx: Any) -> list[Any]:
        for param in self.params:  # Typer's completion flags, made to take a shell
            if param.name in _COMPLETION_HELP and param.callback is not _completion:
                param.callback = _completion
                param.help = _COMPLETION_HELP[param.name]
        return super().get_params(ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if "completion" in " ".join(args):
            from newscli.commands.shells import take_shell

            args = take_shell(ctx, args)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: Any) -> list[str]:
        built = super().list_commands(ctx)
        return [*COMMANDS, *(name for name in built if name not in COMMANDS)]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name in COMMANDS and name not in self.commands:
            self.commands[name] = build_command(name)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in COMMANDS:
            for name in COMMANDS:  # a typo: "did you mean" looks among the built ones
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """As Click's, but a usage error is one line in newscli's style (see usage_error_line)."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        from typer._click.exceptions import ClickException, NoArgsIsHelpError
        from typer.exceptions import Abort

        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except ClickException as exc:
            from newscli.render import say

            if getattr(exc, "ctx", True) is None and not hasattr(exc, "command_path"):
                exc.command_path = kwargs.get("prog_name") or "newscli"  # the root's options

            say(usage_error_line(exc))
            sys.exit(exc.exit_code)
        except Abort as exc:
            from newscli.render import say

            # Click turns Ctrl-C (and Ctrl-D) at a prompt into Abort: Ctrl-C is still an
            # interrupt (exit 130); after either, the line the prompt was on is ended first.
            interrupted = isinstance(exc.__context__, KeyboardInterrupt)
            ended = interrupted or isinstance(exc.__context__, EOFError)
            say(("\n" if ended else "") + "aborted; nothing was changed")
            sys.exit(130 if interrupted else 1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        from typer._click.exceptions import UsageError

        try:
            return super().invoke(ctx)
        except UsageError as exc:
            if exc.ctx is None and ctx.invoked_subcommand:  # the parser's own errors carry none
                exc.command_path = f"{ctx.command_path} {ctx.invoked_subcommand}"
            raise
        except NewscliError as exc:
            from newscli.render import error

            error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            # The reader took what it wanted (`newscli list | head`): a success, as for cat or
            # grep, not the failure Typer reports for a closed pipe.
            _silence_stdout()
            raise typer.Exit(0) from None
        except OSError as exc:
            raise _output_failed(exc) from None
        except UnicodeError as exc:
            raise _not_unicode(exc) from None


_COMPLETION_HELP = {
    "install_completion": "Install completion for the shell you are in, or the one named after "
                          "it: bash, zsh, fish or powershell.",
    "show_completion": "Print the completion script of the shell you are in, or of the one "
                       "named after it (--show-completion bash), to install it your own way.",
}


def _completion(ctx: Any, param: Any, value: Any) -> None:
    """--show-completion [SHELL], --install-completion [SHELL]: see commands.shells."""
    if value and not ctx.resilient_parsing:
        from newscli.commands.shells import run

        run(ctx, param)


def usage_error_line(exc: Any) -> str:
    """`newscli: error: --format: 'csv' is not accepted; use table or json (see newscli info -h)`.

    One line in the style of every other error, instead of Click's Usage/Try/Error block.
    """
    from newscli.render import clean

    hint = ""
    param = getattr(exc, "param", None)
    if getattr(exc, "param_hint", None) is not None:
        hint = exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
    elif param is not None:
        hint = " / ".join(getattr(param, "opts", ()) or ()) if param.param_type_name == "option" \
            else (param.metavar or param.name or "").upper()
    message = exc.format_message() if type(exc).__name__ == "NoSuchOption" else exc.message
    message = message.rstrip(".")
    message = message[:1].lower() + message[1:]
    if type(exc).__name__ == "BadOptionUsage" and not hint:  # "Option '--glob' requires ..."
        hint = exc.option_name
        message = re.sub(r"^option '[^']*' (requires an argument|requires \d+ arguments)",
                         r"needs a value", message)
        message = re.sub(r"^option '[^']*' ", "", message)
    if type(exc).__name__ == "MissingParameter":
        line = f"missing {hint or 'a value'}"
    else:
        line = f"{hint}: {message}" if hint else message
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else getattr(exc, "command_path", None)
    where = f" (see {path} -h)" if path else ""
    return f"newscli: error: {clean(line, one_line=True)}{where}"


def command_function(name: str) -> Any:
    """The function behind a command, its module imported now."""
    from importlib import import_module

    module, function, _ = COMMANDS[name]
    return getattr(import_module(f"newscli.commands.{module}"), function)


def build_command(name: str) -> Any:
    """The Click command for one entry of COMMANDS, as `app.command(name)` would have made it."""
    from typer.core import TyperCommand
    from typer.main import get_command_from_info, get_group
    from typer.models import CommandInfo

    from newscli.commands.plain_values import use_plain_conversion

    target = command_function(name)
    if isinstance(target, typer.Typer):  # a group of subcommands (feeds add, feeds list ...)
        group = get_group(target)
        group.name = name
        for command in group.commands.values():
            use_plain_conversion(command)
        return use_plain_conversion(group)
    info = CommandInfo(name, cls=TyperCommand, context_settings=COMMANDS[name][2],
                       callback=target)
    from newscli.commands.helptext import readable_help

    command = get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                    rich_markup_mode=app.rich_markup_mode)
    return readable_help(use_plain_conversion(command))


app = typer.Typer(
    cls=_Group,
    help="A command-line archive for news articles: import, search, show and export them.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"newscli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="Archive database file [default: NEWSCLI_DB, else archive.db in the user data folder]",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """A command-line archive for news articles: import, search, show and export them."""
    ctx.obj = {"db": db}


def main() -> None:
    """Console entry point: quiet on a closed pipe, 130 on Ctrl-C, 1 when stdout fails."""
    try:
        app(prog_name="newscli")
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)
    except OSError as exc:
        sys.exit(_output_failed(exc).exit_code)
    finally:
        _flush_stdout()


def _flush_stdout() -> None:
    """What is left in stdout's buffer written now, where a failure can still be reported."""
    try:
        sys.stdout.flush()
    except ValueError:
        pass  # closed already, by a writer that wrapped its buffer (the error was reported then)
    except BrokenPipeError:
        _silence_stdout()
    except OSError as exc:
        sys.exit(_output_failed(exc).exit_code)


def _output_failed(exc: OSError) -> typer.Exit:
    """An error writing stdout (`> /dev/full`): one line on stderr and exit 1, no traceback.

    Errors about files carry their name; a write to stdout has none.
    """
    from newscli.errors import os_reason
    from newscli.render import error

    reason = os_reason(exc)
    error(f"cannot write the output: {reason}" if exc.filename is None else
          f"{exc.filename}: {reason}")
    _silence_stdout()
    return typer.Exit(1)


def _not_unicode(exc: UnicodeError) -> typer.Exit:
    """Text that is no valid Unicode (a file name's bytes that are not UTF-8) where only text
    can go: one line and exit 1. Arguments are decoded before (commands.plain_values)."""
    from newscli.render import error

    error(f"cannot handle text that is not valid UTF-8 ({exc.reason}); "
          "use UTF-8 file names and a UTF-8 terminal")
    return typer.Exit(1)


def _silence_stdout() -> None:
    # The reader went away (`newscli list | head`), or stdout failed: drop what is left,
    # without a traceback.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout has no file descriptor (a test runner's): nothing is left to flush
