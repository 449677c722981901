"""The command layer: Typer wiring, the --db option, and the one place errors become exit codes."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from newscli import __version__
from newscli.errors import NewscliError


class _Group(TyperGroup):
    """Maps library errors to a one-line message and an exit code, for every command.

    Under main(), also builds each command only when it is looked up (see _build_lazily).
    Plain values skip Typer's pydantic conversion (see commands.plain_values).
    """

    pending: dict[str, Any] = {}  # command name -> Typer CommandInfo, not yet built

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from newscli.commands.plain_values import lighten

        super().__init__(*args, **kwargs)
        lighten(self)
        for command in self.commands.values():
            lighten(command)

    def list_commands(self, ctx: Any) -> list[str]:
        built = super().list_commands(ctx)
        return [*self.pending, *(name for name in built if name not in self.pending)]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name in self.pending and name not in self.commands:
            from typer.main import get_command_from_info

            from newscli.commands.plain_values import lighten

            self.commands[name] = lighten(
                get_command_from_info(
                    self.pending[name],
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                )
            )
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.pending:
            for name in self.pending:  # a typo: "did you mean" looks among the built ones
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except NewscliError as exc:
            from newscli.render import error

            error(str(exc))
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=_Group,
    help="A command-line archive for news articles: import, search, show and export them.",
    no_args_is_help=True,
    add_completion=False,
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


def _register() -> None:
    from newscli.commands import curation, exporting, importing, insight, reading

    app.command("import")(importing.import_command)
    app.command("list")(reading.list_command)
    app.command("show")(reading.show_command)
    app.command("search", context_settings=reading.SEARCH_CONTEXT)(reading.search_command)
    app.command("export", context_settings=reading.SEARCH_CONTEXT)(exporting.export_command)
    app.command("dupes")(insight.dupes_command)
    app.command("related")(insight.related_command)
    app.command("stats")(insight.stats_command)
    app.command("tag")(curation.tag_command)
    app.command("tags")(curation.tags_command)
    app.command("rm")(curation.rm_command)
    app.command("edit")(curation.edit_command)
    app.command("info")(curation.info_command)


_register()


@contextmanager
def _build_lazily() -> Iterator[None]:
    """Hand the registered commands to the group to build on demand.

    Typer builds every registered command on each start, reading every parameter annotation:
    start-up would grow with each command added. A run needs at most the one it invokes (help
    lists all of them, and builds them then).
    """
    from typer.main import get_command_name

    registered = app.registered_commands
    _Group.pending = {
        info.name or get_command_name(info.callback.__name__): info for info in registered
    }
    app.registered_commands = []
    try:
        yield
    finally:
        app.registered_commands, _Group.pending = registered, {}


def main() -> None:
    """Console entry point: quiet on a closed pipe, 130 on Ctrl-C."""
    try:
        with _build_lazily():
            app(prog_name="newscli")
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()


def _silence_stdout() -> None:
    # The reader went away (`newscli list | head`): drop what is left, without a traceback.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
