"""What an import did: counts by outcome, the files that failed and why, notes on the rest."""

from __future__ import annotations

from dataclasses import dataclass, field

OUTCOMES = ("imported", "updated", "unchanged", "duplicates", "failed")


@dataclass
class Failure:
    """A file or record that could not be imported, and the reason in words."""

    path: str
    error: str


@dataclass
class Report:
    """Counts by outcome (see OUTCOMES), failures, notes, and whether Ctrl-C ended the import."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interrupted: bool = False
    skipped: list[Failure] = field(default_factory=list)  # files left out on purpose, and why
    headline_only: int = 0  # articles saved with a title and no text (wire headlines)
    stopped: str | None = None  # why the archive took no more (a full disk), if it stopped
    not_stored: int = 0  # articles parsed but rolled back when it stopped

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def fail(self, path: str, error: str) -> None:
        self.failed += 1
        self.failures.append(Failure(path, error))

    def skip(self, path: str, reason: str) -> None:
        self.skipped.append(Failure(path, reason))

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {name: getattr(self, name) for name in OUTCOMES}
        data["failures"] = [{"path": f.path, "error": f.error} for f in self.failures]
        data["headline_only"] = self.headline_only
        data["skipped"] = [{"path": f.path, "reason": f.error} for f in self.skipped]
        if self.stopped:
            data["stopped"] = self.stopped
            data["not_stored"] = self.not_stored
            data["finish"] = FINISH
        return data


FINISH = ("the counts are what is stored; the articles of the batch being written and every "
          "file after it were not: make room and run the same import again to finish (what is "
          "stored is skipped)")
