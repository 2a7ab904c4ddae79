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

__all__ = ["NotPlainError", "to_plain", "same", "matches", "neighbours", "fingerprint", "fingerprint_matches",
           "describe_difference", "SCRYPT", "judge_condition", "passes"]

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


SIGNIFICANT = 6  # numbers without a tolerance are compared at 6 significant figures
ZERO = 1e-9  # below this, a number counts as zero (float noise such as 1.2e-17)


def _grid(x, tolerance):
    """The rounding step a number falls on: ``round(x / tolerance)``, or ``x`` at 6 significant figures."""
    if tolerance:
        return round(x / tolerance)
    x = float(x)
    return 0.0 if abs(x) < ZERO else float(f"{x:.{SIGNIFICANT}g}")


def neighbours(x, tolerance=None) -> list:
    """The rounding steps a student's number may match: its own first, then the ones either side.

    This is the one meaning of "close enough" for a number, used by ``check()`` (which only has a
    fingerprint of the expected step) and by the grader (which has the value): a number is right
    when the expected value's step is among these. Near a power of ten the steps of the decade
    below count too, so 1.000001 and 0.9999995 agree.

    >>> neighbours(0.12345649)
    [0.123456, 0.123455, 0.123457]
    >>> neighbours(9.8, tolerance=0.5)
    [20, 19, 21]
    """
    g = _grid(x, tolerance)
    if tolerance:
        return [g, g - 1, g + 1]
    if g == 0.0:
        return [0.0]
    out = [g]
    exponent = math.floor(math.log10(abs(g)))
    for e in (exponent, exponent - 1):
        step = 10.0 ** (e - SIGNIFICANT + 1)
        for c in (g - step, g + step):
            c = _grid(c, None)
            if c not in out:
                out.append(c)
    return out


def _is_number(x) -> bool:
    return type(x) in (int, float)  # exact types: bool is not a number here


def _rounded(value, tolerance):
    if _is_number(value):
        return _grid(value, tolerance)
    if type(value) is list:
        return [_rounded(v, tolerance) for v in value]
    if type(value) is dict:
        return {k: _rounded(v, tolerance) for k, v in value.items()}
    return value


def _canonical(rounded) -> str:
    return json.dumps(rounded, sort_keys=True, separators=(",", ":"))


def matches(student, expected, tolerance: float | None = None) -> bool:
    """The one meaning of "correct" for a plain value, shared by ``check()`` and the grader.

    A number matches when the expected value's rounding step is one of the student's
    :func:`neighbours`; lists, dictionaries and tables match when they have the same shape and
    every number in them matches so; text and True/False when equal. (``check()`` holds only a
    fingerprint of a table, so it compares every number rounded to its step: on a table whose
    numbers sit on a rounding boundary it can be stricter than the grader, never more lenient.)

    >>> matches(0.12345649, 0.12345651)
    True
    >>> matches(0.1234, 0.1235)
    False
    >>> matches({"a": [1, 2.0000001]}, {"a": [1.0, 2]})
    True
    >>> matches({"a": [1, 2.6]}, {"a": [1, 2.5]}, tolerance=0.2), matches([0.7, "x"], [0.5, "x"], tolerance=0.1)
    (True, False)
    """
    if _is_number(student) and _is_number(expected):
        return _grid(expected, tolerance) in neighbours(student, tolerance)
    if type(student) is list and type(expected) is list:
        return len(student) == len(expected) and all(matches(s, e, tolerance) for s, e in zip(student, expected))
    if type(student) is dict and type(expected) is dict:
        return student.keys() == expected.keys() and all(matches(student[k], expected[k], tolerance) for k in expected)
    return _canonical(_rounded(student, tolerance)) == _canonical(_rounded(expected, tolerance))


# Fingerprints: a memory-hard hash (scrypt) of the rounded value, salted per course and per test,
# so that a table of precomputed answers is useless and each guess costs about 50 ms.
SCRYPT = {"method": "scrypt", "n": 2 ** 14, "r": 8, "p": 1}


def _digest(canonical: str, salt: str | None, params: dict | None) -> str:
    data = canonical.encode("utf-8")
    if not params or params.get("method") != "scrypt":  # format 2 checks files: plain SHA-256
        return hashlib.sha256(data).hexdigest()
    return hashlib.scrypt(data, salt=(salt or "").encode("utf-8"), n=int(params["n"]), r=int(params["r"]),
                          p=int(params["p"]), maxmem=2 ** 27, dklen=32).hex()


def fingerprint(plain, tolerance: float | None = None, salt: str | None = None, params: dict | None = None) -> str:
    """A hash of a plain value rounded to its step (6 significant figures, or ``tolerance``).

    Stored in exercises instead of the answer, so a student's notebook never holds it. With
    ``params`` (e.g. :data:`SCRYPT`) and a ``salt`` the hash is scrypt; without, SHA-256.
    """
    return _digest(_canonical(_rounded(plain, tolerance)), salt, params)


def fingerprint_matches(student, print_: str, tolerance: float | None = None, salt: str | None = None,
                        params: dict | None = None) -> bool:
    """Whether ``student`` :func:`matches` the value behind the fingerprint ``print_``.

    >>> fp = fingerprint(0.12345651)
    >>> fingerprint_matches(0.12345649, fp), fingerprint_matches(0.1234, fp)
    (True, False)
    """
    if _is_number(student):
        return any(_digest(_canonical(c), salt, params) == print_ for c in neighbours(student, tolerance))
    return fingerprint(student, tolerance, salt, params) == print_


_SAFE_BUILTINS = {name: getattr(__import__("builtins"), name)
                  for name in ("len", "abs", "min", "max", "sum", "round", "sorted", "set", "all", "any",
                               "list", "dict", "str", "int", "float", "bool", "isinstance", "range", "tuple")}


def judge_condition(condition: str, value) -> bool:
    """Whether a plain ``value`` meets a test's ``# check:`` condition (False if the condition fails).

    >>> judge_condition("0 < value < 1", 0.4), judge_condition("value > 0", "text")
    (True, False)
    """
    try:
        return bool(eval(condition, {"__builtins__": _SAFE_BUILTINS}, {"value": value}))
    except Exception:
        return False


def passes(test: dict, result: dict | None, expected=None) -> bool:
    """Whether one test passes: the grader's rule, and (through fingerprints) ``check()``'s.

    ``test`` has ``condition`` and ``tolerance``; ``result`` is a captured result
    (``{"status": "ok", "value": ...}``); ``expected`` the master's plain value.

    >>> passes({"condition": None, "tolerance": None}, {"status": "ok", "value": 0.12345649}, 0.12345651)
    True
    >>> passes({"condition": "value > 0", "tolerance": None}, {"status": "error", "detail": "..."})
    False
    """
    if not result or result.get("status") != "ok":
        return False
    if test.get("condition"):
        return judge_condition(test["condition"], result["value"])
    return matches(result["value"], expected, test.get("tolerance"))
