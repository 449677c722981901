"""`--install-completion [SHELL]` and `--show-completion [SHELL]`: the shell named, else the one
newscli runs in.

Typer's two options are flags that take the shell only from shellingham's look at the parent
processes: `--show-completion fish` printed the script of whatever shell that found, and where it
found none (a container, a sandbox, a job started without a shell) both failed with "Shell None
is not supported". Here a shell named after the option is used as named; without one,
shellingham's answer, else the login shell `$SHELL` names, and when neither is a shell with
completion, a one-line usage error that says how to name one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
DETECT = "detect"  # no shell named after the option
FLAGS = ("--install-completion", "--show-completion")
_NAMED = "newscli.shell"  # ctx.meta key of the shell named after the option
_VALUED = ("--db",)  # root options that take a value: the word after one is no command


def take_shell(ctx: Any, args: list[str]) -> list[str]:
    """`args` without the shell named after a completion flag, which goes to `ctx.meta`.

    Typer's flags take no value, so "fish" in `--show-completion fish` would be left to be
    read as a command. Only the root's own options are looked at: the scan stops at the
    command's name.
    """
    args = list(args)
    i = 0
    while i < len(args):
        word = args[i]
        flag, equals, value = word.partition("=")
        if flag in FLAGS and equals:
            ctx.meta[_NAMED] = value
            args[i] = flag
        elif word in FLAGS and i + 1 < len(args) and not args[i + 1].startswith("-"):
            ctx.meta[_NAMED] = args.pop(i + 1)
        elif word in _VALUED:
            i += 1
        elif word == "--" or not word.startswith("-"):
            break
        i += 1
    return args


def chosen_shell(ctx: Any, param: Any, value: str) -> str:
    """The shell `value` names, or the one detected; a usage error when there is none."""
    from typer._click.exceptions import BadParameter

    usage = f"name one, as in `{param.opts[0]} bash` ({', '.join(SHELLS[:4])})"
    if value != DETECT:
        if value.lower() not in SHELLS:
            raise BadParameter(f"{value!r} is not a shell with completion; {usage}",
                               ctx=ctx, param=param)
        return value.lower()
    shell = detected_shell()
    if shell is None:
        raise BadParameter(f"cannot tell which shell you are in; {usage}", ctx=ctx, param=param)
    return shell


def detected_shell() -> str | None:
    """The shell newscli runs in, if it has completion: shellingham's, else `$SHELL`'s."""
    import shellingham

    try:
        name = str(shellingham.detect_shell()[0]).lower()
    except (shellingham.ShellDetectionFailure, RuntimeError, OSError):
        name = ""
    if name in SHELLS:
        return name
    login = Path(os.environ.get("SHELL", "")).name.lower()
    return login if login in SHELLS else None


def run(ctx: Any, param: Any) -> None:
    """Print or install the script of the chosen shell, and exit."""
    shell = chosen_shell(ctx, param, ctx.meta.pop(_NAMED, DETECT))
    prog = "newscli"  # the command the script completes, whatever Click was told
    complete_var = "_{}_COMPLETE".format(prog.replace("-", "_").upper())
    if param.name == "show_completion":
        from typer._completion_shared import get_completion_script

        print(get_completion_script(prog_name=prog, complete_var=complete_var, shell=shell))
    else:
        from typer._completion_shared import install

        from newscli.render import say

        try:
            shell, path = install(shell=shell, prog_name=prog, complete_var=complete_var)
        except FileNotFoundError as exc:  # powershell's profile is asked of the program itself
            from typer._click.exceptions import ClickException  # exit 1, one line (cli._Group)

            raise ClickException(f"cannot install completion for {shell}: the program "
                                 f"{exc.filename or shell} is not installed") from None
        say(f"{shell} completion installed in {path}; it takes effect in a new shell")
    ctx.exit(0)
