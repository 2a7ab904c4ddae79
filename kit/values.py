"""Plain values: turn an answer into data that cannot pretend, then compare or fingerprint it.

Checks and the grader never trust an answer object. :func:`to_plain` accepts only exact
built-in types (and pandas/numpy containers, converted to lists), so an object whose
``__eq__`` always says True is refused, not believed. Comparison happens on the plain copy.

>>> to_plain({"gap": 9.25, "schools": ("A", "B")})
{'gap': 9.25, 'schools': ['A', 'B']}
>>> same(to_plain(0.1 + 0.2), 0.3)
True
>>> fingerprint(12.3456789) == fingerprint(12.34567891)
True
"""

from __future__ import annotations

import hashlib
import json
import math

__all__ = ["NotPlainError", "to_plain", "same", "fingerprint", "describe_difference"]

_FRAME = "__frame__"
_SERIES = "__series__"


class NotPlainError(TypeError):
    """The value is not made of plain data (numbers, text, lists, dicts, tables)."""


def _scalar(x):
    """Exact built-in scalars, numpy scalars and pandas missing values; else raise."""
    t = type(x)
    if x is None or t is bool or t is int or t is str:
        return x
    if t is float:
        return None if math.isnan(x) else (x if math.isfinite(x) else ("Infinity" if x > 0 else "-Infinity"))
    module = t.__module__ or ""
    if module.startswith("numpy"):
        import numpy as np

        try:  # numpy's own scalar classes only: a subclass may lie in __float__ or __int__
            if np.dtype(t).type is not t:
                raise NotPlainError(t.__name__)
        except TypeError:
            raise NotPlainError(t.__name__) from None
        if isinstance(x, np.bool_):
            return bool(x)
        if isinstance(x, np.integer):
            return int(x)
        if isinstance(x, np.floating):
            return _scalar(float(x))
        if isinstance(x, np.str_):
            return str(x)
        if isinstance(x, np.datetime64):
            return str(x)
    if module.startswith("pandas"):
        import pandas as pd

        if x is pd.NA or x is pd.NaT:
            return None
        if isinstance(x, pd.Timestamp):
            return x.isoformat()
        if isinstance(x, pd.Interval):
            return [_scalar(x.left), _scalar(x.right)]
    raise NotPlainError(type(x).__name__)


def to_plain(value, _depth: int = 0):
    """Convert ``value`` to JSON-ready plain data, refusing anything that is not plain.

    DataFrames become ``{"__frame__": {"columns": [...], "index": [...], "data": [[...]]}}``
    and Series ``{"__series__": {"name": ..., "index": [...], "data": [...]}}``.
    """
    if _depth > 50:
        raise NotPlainError("nesting deeper than 50 levels")
    t = type(value)
    if t is list or t is tuple:
        return [to_plain(v, _depth + 1) for v in value]
    if t is set or t is frozenset:
        items = [to_plain(v, _depth + 1) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if t is dict:
        return {str(_scalar(k)): to_plain(v, _depth + 1) for k, v in value.items()}
    module = t.__module__ or ""
    if module.startswith("pandas"):
        import pandas as pd

        if t is pd.DataFrame:
            return {_FRAME: {
                "columns": [to_plain(c, _depth + 1) for c in value.columns],
                "index": [to_plain(i, _depth + 1) for i in value.index],
                "data": [[_scalar(v) for v in row] for row in value.itertuples(index=False, name=None)],
            }}
        if t is pd.Series:
            return {_SERIES: {
                "name": to_plain(value.name, _depth + 1),
                "index": [to_plain(i, _depth + 1) for i in value.index],
                "data": [_scalar(v) for v in value.tolist()],
            }}
        if t is pd.Index or issubclass(t, pd.Index):
            return [to_plain(v, _depth + 1) for v in value.tolist()]
    if module.startswith("numpy"):
        import numpy as np

        if t is np.ndarray:
            return [to_plain(v, _depth + 1) for v in value.tolist()]
    return _scalar(value)


def _numbers(a, b) -> bool:
    return type(a) in (int, float) and type(b) in (int, float)


def same(student, expected, tolerance: float | None = None, rel: float = 1e-6) -> bool:
    """True when two plain values agree; numbers within ``tolerance`` (absolute) or ``rel``.

    >>> same([1, 2.0000000001], [1, 2])
    True
    >>> same({"a": 1}, {"a": 1, "b": 2})
    False
    >>> same(10.4, 10, tolerance=0.5)
    True
    """
    return describe_difference(student, expected, tolerance, rel) is None


def describe_difference(student, expected, tolerance=None, rel=1e-6, where="the answer"):
    """``None`` when equal, else a short sentence naming where the values differ (no expected value)."""
    if _numbers(student, expected) and type(student) is not bool and type(expected) is not bool:
        abs_tol = 1e-9 if tolerance is None else float(tolerance)
        ok = math.isclose(student, expected, rel_tol=0 if tolerance is not None else rel, abs_tol=abs_tol)
        return None if ok else f"{where} is not the expected number"
    if type(student) is not type(expected):
        names = {dict: "a table or dictionary", list: "a list", str: "text", bool: "True/False",
                 int: "a number", float: "a number", type(None): "missing (None/NaN)"}
        return f"{where} is {names.get(type(student), type(student).__name__)}, but {names.get(type(expected), 'something else')} was expected"
    if type(student) is list:
        if len(student) != len(expected):
            return f"{where} has {len(student)} items, but {len(expected)} were expected"
        for i, (s, e) in enumerate(zip(student, expected)):
            diff = describe_difference(s, e, tolerance, rel, f"item {i + 1} of {where}")
            if diff:
                return diff
        return None
    if type(student) is dict:
        for kind, label in ((_FRAME, "table"), (_SERIES, "series")):
            if kind in expected:
                if kind not in student:
                    return f"{where} should be a {label}"
                s, e = student[kind], expected[kind]
                if kind == _FRAME and s["columns"] != e["columns"]:
                    return f"the columns of {where} are {s['columns']}, but {e['columns']} were expected"
                if len(s["data"]) != len(e["data"]):
                    return f"{where} has {len(s['data'])} rows, but {len(e['data'])} were expected"
                if describe_difference(s["index"], e["index"], tolerance, rel):
                    return f"the rows of {where} are not labelled as expected (check the index / sort order)"
                return describe_difference(s["data"], e["data"], tolerance, rel, f"the values of {where}")
        if set(student) != set(expected):
            missing = sorted(set(expected) - set(student))
            extra = sorted(set(student) - set(expected))
            parts = ([f"missing {missing}"] if missing else []) + ([f"unexpected {extra}"] if extra else [])
            return f"{where} has the wrong keys ({'; '.join(parts)})"
        for k in expected:
            diff = describe_difference(student[k], expected[k], tolerance, rel, f"{where}[{k!r}]")
            if diff:
                return diff
        return None
    return None if student == expected else f"{where} is not the expected value"


def _rounded(value, tolerance):
    if type(value) is float or type(value) is int:  # bool is not int here: type() is exact
        if tolerance:
            return round(value / tolerance)
        return float(f"{float(value):.6g}")
    if type(value) is list:
        return [_rounded(v, tolerance) for v in value]
    if type(value) is dict:
        return {k: _rounded(v, tolerance) for k, v in value.items()}
    return value


def fingerprint(plain, tolerance: float | None = None) -> str:
    """A SHA-256 of a plain value rounded to ``tolerance`` (or 6 significant figures).

    Stored in exercises instead of the answer, so a student's notebook never holds it.
    """
    text = json.dumps(_rounded(plain, tolerance), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
