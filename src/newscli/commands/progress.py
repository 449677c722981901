"""A progress bar on stderr for long imports and exports; nothing at all when it is off."""

from __future__ import annotations

from typing import Any


class ProgressOnStderr:
    """Shows `done` of `total` on stderr, from the first report of at least `smallest` items.

    Used as a context manager: the bar is stopped (and, being transient, wiped) on the way out.
    `rate_unit` adds a live rate ("120 files/s").
    """

    def __init__(self, label: str, *, smallest: int = 0, rate_unit: str | None = None):
        self.label, self.smallest, self.rate_unit = label, smallest, rate_unit
        self.bar: Any = None

    def __enter__(self) -> ProgressOnStderr:
        return self

    def show(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < self.smallest:
                return
            from newscli.render import progress_bar

            self.bar = progress_bar(total, label=self.label)
            self.bar.start()
            self.bar.add_task(self.label, total=total, rate="")
        task = self.bar.task_ids[0]
        self.bar.update(task, completed=done)
        if self.rate_unit:
            speed = self.bar.tasks[0].speed
            self.bar.update(task, rate=f"{speed:,.0f} {self.rate_unit}" if speed else "")

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
