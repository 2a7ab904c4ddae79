"""The kit's exceptions: plain-language messages that say what is wrong and what to do.

Every error a user of the kit can cause on purpose or by mistake is a :class:`KitError`,
so notebooks, apps and the grader can catch one type. Messages are written for a teacher
new to code: name the problem, list the valid choices, say what to do next.

>>> import pandas as pd
>>> df = pd.DataFrame({"school": ["A", "B"], "fsm": [0.2, 0.4]})
>>> require_columns(df, ["school", "attainment"])
Traceback (most recent call last):
    ...
kit.errors.MissingColumnError: Column 'attainment' was not found. The table has these columns: 'school', 'fsm'. Check the spelling (capitals matter), or choose one of those. If an earlier cell makes this column, run that cell first, and check that you used the right table.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = [
    "KitError",
    "InputError",
    "MissingColumnError",
    "ColumnTypeError",
    "EmptyDataError",
    "UnknownNameError",
    "AuthoringError",
    "GradingError",
    "SessionError",
    "ReverseKeyedWarning",
    "require_columns",
    "require_numeric",
    "require_rows",
    "unknown_name",
    "friendly_pandas_errors",
]


class KitError(Exception):
    """Base class of every error the kit raises on purpose.

    The message (``str(err)``) is for people; the facts behind it are fields on the error
    (``err.column``, ``err.available``, ``err.code``...), so code that catches an error reads the
    fields and never has to match the wording.
    """


class InputError(KitError, ValueError):
    """The data or arguments given to a kit function cannot be used as they are.

    Optional fields: ``parameter`` (the argument at fault), ``value`` (what was given) and
    ``choices`` (the valid values, when there is a list).
    """

    def __init__(self, message: str = "", *, parameter: str | None = None, value: object = None,
                 choices: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.parameter, self.value, self.choices = parameter, value, list(choices)


class MissingColumnError(InputError, KeyError):
    """A column the function needs is not in the table.

    Fields: ``column`` (the missing one), ``available`` (the table's columns), ``suggestion``
    (a close match or None) and ``table`` (which table, in words).

    >>> err = MissingColumnError("Column 'scor' was not found.", column="scor", available=["score"])
    >>> err.column, err.available
    ('scor', ['score'])
    """

    def __init__(self, message: str = "", *, column: object = None, available: Sequence[object] = (),
                 suggestion: str | None = None, table: str = "The table") -> None:
        super().__init__(message, parameter="column", value=column, choices=available)
        self.column, self.available, self.suggestion, self.table = column, list(available), suggestion, table

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0]) if self.args else ""


class ColumnTypeError(InputError, TypeError):
    """A column holds the wrong kind of values (for example text where numbers are needed).

    Optional fields: ``column`` and ``example`` (a value of the wrong kind).
    """

    def __init__(self, message: str = "", *, column: object = None, example: object = None) -> None:
        super().__init__(message, parameter="column", value=column)
        self.column, self.example = column, example


class EmptyDataError(InputError):
    """There are no usable rows (or too few) for the calculation."""


class UnknownNameError(InputError, KeyError):
    """A name (dataset, question, assignment, level...) is not one the kit knows.

    Fields: ``kind`` (what sort of name), ``name`` (the one given), ``choices`` (the valid ones).
    """

    def __init__(self, message: str = "", *, kind: str | None = None, name: object = None,
                 choices: Sequence[object] = ()) -> None:
        super().__init__(message, parameter=kind, value=name, choices=choices)
        self.kind, self.name = kind, name

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class AuthoringError(KitError):
    """A master notebook in solutions/ breaks the authoring format; the message names file and cell."""


class GradingError(KitError):
    """The grader was asked to do something it cannot do (bad folder, unknown assignment...)."""


class SessionError(KitError):
    """A workshop session is unknown, closed, or the facilitator key is wrong.

    Optional fields: ``code`` (the session's join code) and ``status`` (e.g. ``"closed"``,
    ``"unknown"``, ``"wrong key"``).
    """

    def __init__(self, message: str = "", *, code: str | None = None, status: str | None = None) -> None:
        super().__init__(message)
        self.code, self.status = code, status


class ReverseKeyedWarning(UserWarning):
    """Some items of a scale correlate negatively with the rest: are they reverse-keyed?

    Field: ``items`` (their names), for code that reacts to the warning.
    """

    def __init__(self, message: str = "", items: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.items = list(items)


def _quote_list(names: Iterable[object]) -> str:
    return ", ".join(repr(str(n)) for n in names)


def unknown_name(kind: str, name: object, valid: Sequence[object]) -> UnknownNameError:
    """Build an :class:`UnknownNameError` that lists the valid choices and a close match.

    >>> print(unknown_name("dataset", "school_panel", ["schools_panel", "pupils"]))
    There is no dataset called 'school_panel'. Did you mean 'schools_panel'? The choices are: 'schools_panel', 'pupils'.
    """
    valid_str = [str(v) for v in valid]
    close = difflib.get_close_matches(str(name), valid_str, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return UnknownNameError(
        f"There is no {kind} called {str(name)!r}.{hint} The choices are: {_quote_list(valid_str)}.",
        kind=kind, name=name, choices=list(valid),
    )


def require_columns(data, columns: Iterable[str], *, table: str = "The table") -> None:
    """Raise :class:`MissingColumnError` naming the first missing column and the ones there are."""
    if not hasattr(data, "columns"):
        raise ColumnTypeError(
            f"Expected a table (a pandas DataFrame) but got {type(data).__name__}. "
            "Pass the whole DataFrame, for example `schools`, not one column of it."
        )
    have = [str(c) for c in data.columns]
    for col in columns:
        if col not in data.columns:
            close = difflib.get_close_matches(str(col), have, n=1, cutoff=0.6)
            where = "Column" if table == "The table" else f"{table}: column"
            # A name that only adds to an existing one ('random_disadvantaged' when there is 'disadvantaged')
            # is usually a column an earlier cell makes: suggesting the existing one would send the student
            # to the wrong column.
            if close and len(str(col)) - len(close[0]) >= 3 and close[0] in str(col):
                raise MissingColumnError(
                    f"{where} {col!r} was not found. It looks like a column that an earlier cell makes (it is not "
                    f"the column {close[0]!r}): run the cell that makes {col!r} first (Shift+Enter), then this one "
                    f"again, and check that you used the right table. The table has these columns: {_quote_list(have)}.",
                    column=col, available=list(data.columns), suggestion=None, table=table,
                )
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise MissingColumnError(
                f"{where} {col!r} was not found.{hint} The table has these columns: "
                f"{_quote_list(have)}. Check the spelling (capitals matter), or choose one of those. If an earlier cell makes this column, run that cell first, and check that you used the right table.",
                column=col, available=list(data.columns), suggestion=close[0] if close else None, table=table,
            )


def require_numeric(data, columns: Iterable[str]) -> None:
    """Raise :class:`ColumnTypeError` if a column is not numbers (after :func:`require_columns`).

    >>> import pandas as pd
    >>> require_numeric(pd.DataFrame({"score": ["12", "x"]}), ["score"])
    Traceback (most recent call last):
        ...
    kit.errors.ColumnTypeError: Column 'score' should hold numbers but holds text (for example 'x'). Convert it first, e.g. df['score'] = pd.to_numeric(df['score'], errors='coerce'), and check the values that become missing.
    """
    import pandas as pd

    columns = list(columns)
    require_columns(data, columns)
    for col in columns:
        series = data[col]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            continue
        bad = pd.to_numeric(series, errors="coerce").isna() & series.notna()
        example = series[bad].iloc[0] if bad.any() else series.dropna().iloc[0] if series.notna().any() else None
        if bad.all() or not series.notna().any():  # no value is a number: names or ids, so a column given in the wrong place
            raise ColumnTypeError(
                f"Column {col!r} should hold numbers but holds text (for example {example!r}), and none of its values "
                "is a number: it looks like a column of names or labels. Check that you gave the columns in the order "
                "the function expects (help(function) shows it); do not convert this column to numbers.",
                column=col, example=example,
            )
        raise ColumnTypeError(
            f"Column {col!r} should hold numbers but holds text (for example {example!r}). "
            f"Convert it first, e.g. df[{col!r}] = pd.to_numeric(df[{col!r}], errors='coerce'), "
            "and check the values that become missing.",
            column=col, example=example,
        )


def require_rows(n: int, minimum: int, what: str) -> None:
    """Raise :class:`EmptyDataError` when fewer than ``minimum`` usable rows remain.

    >>> require_rows(1, 2, "group 'treated'")
    Traceback (most recent call last):
        ...
    kit.errors.EmptyDataError: group 'treated' has 1 usable value(s) after removing missing ones; at least 2 are needed.
    """
    if n < minimum:
        raise EmptyDataError(
            f"{what} has {n} usable value(s) after removing missing ones; at least {minimum} are needed."
        )


class friendly_pandas_errors:  # noqa: N801  (used as a context manager: `with friendly_pandas_errors(df):`)
    """Turn the commonest pandas mistakes inside the block into kit errors a novice can act on.

    A ``KeyError`` for a missing column becomes :class:`MissingColumnError` (listing the columns
    and a close match); a ``TypeError`` from arithmetic on text becomes :class:`ColumnTypeError`.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"attainment": [50.0, 52.5]})
    >>> with friendly_pandas_errors(df):
    ...     df["atainment"].mean()
    Traceback (most recent call last):
        ...
    kit.errors.MissingColumnError: Column 'atainment' was not found. Did you mean 'attainment'? The table has these columns: 'attainment'. Check the spelling (capitals matter), or choose one of those. If an earlier cell makes this column, run that cell first, and check that you used the right table.
    """

    def __init__(self, data=None):
        self.data = data

    def __enter__(self):
        return self

    def __exit__(self, kind, err, tb):
        if err is None or isinstance(err, KitError):
            return False
        if isinstance(err, KeyError) and self.data is not None and hasattr(self.data, "columns"):
            missing = err.args[0] if err.args else None
            if isinstance(missing, str):
                try:
                    require_columns(self.data, [missing])
                except MissingColumnError as friendly:
                    raise friendly from None
        if isinstance(err, TypeError) and ("str" in str(err) or "unsupported operand" in str(err)):
            raise ColumnTypeError(
                f"A calculation met text where it needed numbers ({err}). Check the column types with "
                "`df.dtypes` and convert text columns with pd.to_numeric(...)."
            ) from None
        return False
