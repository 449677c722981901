"""Timelines as pictures (SVG or PNG) for a report: `stats --chart` and `compare --chart`.

The only module that imports matplotlib, and only when a picture is asked for (it is an
optional extra: `pip install 'newscli[chart]'`); the Agg backend draws without a display.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newscli.errors import NewscliError, QueryError

FORMATS = (".svg", ".png")
MISSING = "--chart needs matplotlib: pip install 'newscli[chart]'"
PERIOD_NAMES = {"year": "Year", "month": "Month", "week": "ISO week", "day": "Day"}


class ChartError(NewscliError):
    """A picture that cannot be drawn or written."""


def check_target(path: Path, by: str) -> None:
    """Refuse, before anything is counted, a chart that could not be made."""
    if by not in PERIOD_NAMES:
        raise QueryError("--chart draws a timeline: use it with --by year, month, week or day")
    if path.suffix.lower() not in FORMATS:
        raise QueryError(f"--chart {path}: the file name must end in .svg or .png")
    if not _installed("matplotlib"):
        raise ChartError(MISSING)


def _installed(name: str) -> bool:
    """Whether the module can be imported, without importing it."""
    from importlib.util import find_spec

    try:
        return find_spec(name) is not None
    except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules
        return False


def timeline(
    path: Path,
    series: Sequence[tuple[str, Sequence[dict[str, Any]]]],
    by: str,
    *,
    title: str,
    counts: bool = True,
) -> None:
    """Write a timeline of each series' rows ({"key", "count", "share"}; undated rows left out).

    One series: its counts as bars, its share as a line on a second axis. Several: one line a
    series, counts (or, with `counts` off, shares) on one axis.
    """
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(9, 4.2), layout="constrained")
    try:
        keys = [row["key"] for row in series[0][1] if row["key"] is not None] if series else []
        places = range(len(keys))
        if len(series) == 1:
            _one(axis, places, series[0], by)
        else:
            _several(axis, places, series, counts)
        axis.set_title(title)
        axis.set_xlabel(PERIOD_NAMES[by])
        _ticks(axis, keys)
        _save(figure, path)
    finally:
        plt.close(figure)


def _save(figure: Any, path: Path) -> None:
    """The picture appears under its name only when completely written (an older one is replaced)."""
    import os
    import secrets

    temp = path.with_name(f".{path.name[:100]}.{secrets.token_hex(4)}.tmp")
    try:
        figure.savefig(temp, format=path.suffix.lower().lstrip("."), metadata=_metadata(path))
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ChartError(f"cannot write {path}: {exc.strerror or exc}") from None


def _one(axis: Any, places: range, series: tuple[str, Sequence[dict[str, Any]]], by: str) -> None:
    label, rows = series
    dated = [row for row in rows if row["key"] is not None]
    bars = axis.bar(places, [row["count"] for row in dated], color="#4c72b0",
                    label=f"{label}: articles")
    axis.set_ylabel("Matching articles")
    _whole_numbers(axis)
    share_axis = axis.twinx()
    (line,) = share_axis.plot(places, [_percent(row["share"]) for row in dated], color="#dd8452",
                              marker="o", markersize=3, label=f"{label}: share of all articles")
    share_axis.set_ylabel("Share of all articles (%)")
    share_axis.set_ylim(bottom=0)
    axis.legend(handles=[bars, line], loc="upper left", frameon=False)


def _several(axis: Any, places: range, series: Sequence[tuple[str, Sequence[dict[str, Any]]]],
             counts: bool) -> None:
    for label, rows in series:
        dated = [row for row in rows if row["key"] is not None]
        values = [row["count"] if counts else _percent(row["share"]) for row in dated]
        axis.plot(places, values, marker="o", markersize=3, label=label)
    axis.set_ylabel("Matching articles" if counts else "Share of all articles (%)")
    axis.set_ylim(bottom=0)
    if counts:
        _whole_numbers(axis)
    axis.legend(loc="upper left", frameon=False)


def _whole_numbers(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.yaxis.set_major_locator(MaxNLocator(integer=True))


def _percent(share: float | None) -> float:
    # A period without any article has no share: drawn as a gap (NaN), not as a fall to zero.
    return float("nan") if share is None else 100 * share


def _ticks(axis: Any, keys: list[str]) -> None:
    """At most about a dozen labels along the time axis, whatever the number of periods."""
    step = max(1, -(-len(keys) // 12))
    shown = list(range(0, len(keys), step))
    axis.set_xticks(shown, [keys[i] for i in shown], rotation=45 if len(keys) > 6 else 0,
                    ha="right" if len(keys) > 6 else "center")
    axis.margins(x=0.01)


def _metadata(path: Path) -> dict[str, Any]:
    """The same picture from the same data: no creation date in the file."""
    if path.suffix.lower() == ".svg":
        return {"Date": None, "Creator": "newscli"}
    return {"Software": "newscli"}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ChartError(MISSING) from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # labels stay text: searchable, selectable
    matplotlib.rcParams["svg.hashsalt"] = "newscli"
    import matplotlib.pyplot as plt

    return plt
