"""One result contract for every analysis function, and one :func:`report` that describes any result.

Every test or estimate in the kit returns a tidy table whose rows carry the same core columns,
in this order: ``measure`` (what was computed, e.g. ``"Hedges' g"``), ``estimate``, ``ci_low``,
``ci_high``, ``n`` and ``confidence`` (the confidence level, e.g. 0.95), then the columns of its
family (``se``, ``p_value``, ``df``...). Nothing the user needs travels in ``DataFrame.attrs``
(they vanish on ``to_csv`` and do not print); second tables come back as named tuples.

:func:`report` writes the plain-language sentence for any of these tables: each module
registers the writer of its measures with :func:`sentence`, and ``report`` looks the measure up
(importing the module that owns it if needed, so a result read back from a CSV file works too).

>>> row = one_row("mean difference", 1.5, 0.5, 2.5, 40, 0.95, se=0.5)
>>> list(row.columns)
['measure', 'estimate', 'ci_low', 'ci_high', 'n', 'confidence', 'se']
>>> resolve_confidence(0.95, alpha=0.1)     # the old policy keyword: alpha = 1 - confidence
0.9
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from kit.errors import InputError

__all__ = ["CORE_COLUMNS", "one_row", "tidy_row", "resolve_confidence", "sentence", "report"]

CORE_COLUMNS = ("measure", "estimate", "ci_low", "ci_high", "n", "confidence")

# measure -> writer(result, **options) -> str; filled by @sentence in each module.
_WRITERS: dict[str, Callable[..., str]] = {}

# Which module writes the sentence for a measure (imported on first use). A prefix ends in "*".
_OWNERS = {
    "Cohen's d": "kit.stats", "Hedges' g": "kit.stats", "ICC(1)": "kit.stats", "bootstrap*": "kit.stats",
    "power analysis": "kit.stats",
    "Cohen's kappa": "kit.agreement", "weighted kappa*": "kit.agreement", "Krippendorff*": "kit.agreement",
    "Cronbach's alpha": "kit.scales",
    "difference-in-differences": "kit.policy", "before-after": "kit.policy", "two-way fixed effects": "kit.policy",
    "event study": "kit.policy", "interrupted time series": "kit.policy", "staggered difference-in-differences": "kit.policy",
    "wave comparison": "kit.survey", "segregation indices": "kit.segregation",
}


def one_row(measure: str, estimate, ci_low, ci_high, n, confidence, **family) -> pd.DataFrame:
    """A one-row result: the six core columns in contract order, then the family's own columns.

    Built from one-element arrays (the cheapest way pandas offers, so wrapping a library call
    costs microseconds). Text values keep object dtype; everything else keeps its own.

    >>> one_row("Cohen's d", 0.2, 0.1, 0.3, 100, 0.95, se=0.05).iloc[0].to_dict()["se"]
    0.05
    """
    columns = {"measure": measure, "estimate": estimate, "ci_low": ci_low, "ci_high": ci_high, "n": n,
               "confidence": confidence, **family}
    return pd.DataFrame({k: np.array([v], dtype=object if isinstance(v, str) or v is pd.NA else None)
                         for k, v in columns.items()}, index=pd.RangeIndex(1), copy=False)


def tidy_row(columns: dict, confidence: float) -> pd.DataFrame:
    """:func:`one_row` from a dict of one-element lists (or scalars) holding the core columns and others.

    >>> list(tidy_row({"n": [5], "measure": ["x"], "estimate": [1.0], "ci_low": [0.0], "ci_high": [2.0], "k": [3]}, 0.9))
    ['measure', 'estimate', 'ci_low', 'ci_high', 'n', 'confidence', 'k']
    """
    row = {k: (v[0] if isinstance(v, list) else v) for k, v in columns.items()}
    core = [row.pop(k) for k in ("measure", "estimate", "ci_low", "ci_high", "n")]
    return one_row(*core, confidence, **row)


def contract_order(table: pd.DataFrame) -> pd.DataFrame:
    """The same table with the core columns first (those it has), in contract order."""
    first = [c for c in CORE_COLUMNS if c in table.columns]
    return table[first + [c for c in table.columns if c not in first]]


def resolve_confidence(confidence: float | None = 0.95, *, alpha: float | None = None, ci: float | None = None,
                       level: float | None = None) -> float:
    """The confidence level from ``confidence=`` or one of the older keyword names, checked.

    The kit used to call it ``ci=`` (reliability), ``level=`` (survey) and ``alpha=`` (policy,
    meaning 1 - level); those still work, so older notebooks keep running.

    >>> resolve_confidence(level=0.9), resolve_confidence(ci=0.99)
    (0.9, 0.99)
    >>> resolve_confidence(1.5)
    Traceback (most recent call last):
        ...
    kit.errors.InputError: confidence should be between 0 and 1 (for example 0.95), not 1.5.
    """
    if alpha is not None:
        confidence = 1 - alpha
    elif ci is not None:
        confidence = ci
    elif level is not None:
        confidence = level
    if confidence is None:
        confidence = 0.95
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.number)) or not 0 < confidence < 1:
        raise InputError(f"confidence should be between 0 and 1 (for example 0.95), not {confidence!r}.")
    return round(float(confidence), 12)


def sentence(*measures: str):
    """Register a function as the sentence writer for results whose ``measure`` is one of ``measures``.

    A measure ending in ``*`` matches every measure that starts with the rest.
    """
    def register(writer):
        for m in measures:
            _WRITERS[m] = writer
        return writer
    return register


def _matches(key: str, measure: str) -> bool:
    return key == measure or (key.endswith("*") and measure.startswith(key[:-1]))


def _lookup(measure: str):
    return next((w for k, w in _WRITERS.items() if _matches(k, measure)), None)


def _writer(measure: str):
    writer = _lookup(measure)
    if writer is None:
        owner = next((m for k, m in _OWNERS.items() if _matches(k, measure)), None)
        if owner is not None:
            importlib.import_module(owner)
            writer = _lookup(measure)
    return writer


def report(result, **options) -> str:
    """One plain-language sentence (or one per row, for tables) for any kit result.

    Works for every analysis result of the kit: effect sizes, ICC, bootstrap, power, kappa,
    Krippendorff's and Cronbach's alpha, difference-in-differences, fixed effects, event studies,
    interrupted time series, survey wave comparisons and segregation indices. Options (such as
    ``unit="points"``) are passed to the module's writer when it takes them.

    >>> import kit.stats
    >>> print(report(kit.stats.cohens_d([5, 6, 7, 8], [4, 5, 6, 7])))  # doctest: +ELLIPSIS
    Cohen's d = 0.77, 95% CI [...]...
    >>> report(pd.DataFrame({"x": [1]}))
    Traceback (most recent call last):
        ...
    kit.errors.InputError: report() describes a result of a kit function (a table with a 'measure' column, such as the output of kit.stats.hedges_g or kit.policy.did); this table has the columns 'x'.
    """
    if isinstance(result, tuple) and hasattr(result, "_fields") and len(result) and isinstance(result[0], pd.DataFrame):
        result = result[0]  # a named tuple whose first table is the result (e.g. a match's pairs)
    if not isinstance(result, pd.DataFrame):
        raise InputError(f"report() needs a result table from a kit function, not {type(result).__name__}.")
    measure = _measure_of(result)
    writer = _writer(measure) if measure else None
    if writer is None:
        cols = ", ".join(repr(str(c)) for c in result.columns)
        if measure:
            raise InputError(f"report() does not know how to describe a result whose measure is {measure!r}.")
        raise InputError(
            "report() describes a result of a kit function (a table with a 'measure' column, such as the output of "
            f"kit.stats.hedges_g or kit.policy.did); this table has the columns {cols}."
        )
    import inspect

    accepted = inspect.signature(writer).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
        options = {k: v for k, v in options.items() if k in accepted}
    return writer(result, **options)


def _measure_of(result: pd.DataFrame) -> str | None:
    """The measure a table reports: its ``measure`` column, or (for tables made before the
    contract, e.g. read back from an old CSV file) a guess from its columns."""
    if "measure" in result.columns and len(result):
        return str(result["measure"].iloc[0])
    cols = set(result.columns)
    if "solved_for" in cols:
        return "power analysis"
    if {"dissimilarity", "gorard", "isolation"} <= cols:
        return "segregation indices"
    if {"mean_first", "mean_second", "hedges_g"} <= cols:
        return "wave comparison"
    if "treated_change" in cols:
        return "difference-in-differences"
    if "event_time" in cols:
        return "event study"
    if "term" in cols and "level_change" in set(result["term"]):
        return "interrupted time series"
    return None


def level_text(result: pd.DataFrame, default: float = 0.95) -> str:
    """``"95%"`` from a result's ``confidence`` column."""
    level = float(result["confidence"].iloc[0]) if "confidence" in result.columns and len(result) else default
    return f"{level * 100:g}%"


def ci_text(result: pd.DataFrame, row) -> str:
    """`` (95% CI 0.15 to 0.65)`` for a result row, or ``""`` when the row has no interval.

    >>> r = one_row("x", 0.4, 0.15, 0.65, 50, 0.95)
    >>> ci_text(r, r.iloc[0]), ci_text(r, r.iloc[0].replace(0.15, np.nan))
    (' (95% CI 0.15 to 0.65)', '')
    """
    has_ci = np.isfinite(row["ci_low"]) and np.isfinite(row["ci_high"])
    return f" ({level_text(result)} CI {row['ci_low']:.2f} to {row['ci_high']:.2f})" if has_ci else ""
