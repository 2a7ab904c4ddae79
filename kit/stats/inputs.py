"""The numbers a statistic works on: one group's column or list, checked and without missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, require_rows

__all__: list[str] = []


def _values(x, name: str) -> np.ndarray:
    """One group's numbers as a float array without missing values, or a kit error."""
    if isinstance(x, pd.DataFrame):
        raise ColumnTypeError(
            f"{name} is a whole table; pass one column of numbers, for example table['score']."
        )
    if np.isscalar(x) or x is None:
        raise ColumnTypeError(f"{name} should be several numbers (a column or a list), not a single value {x!r}.")
    arr = np.asarray(x)
    if arr.dtype.kind == "b":
        arr = arr.astype(float)
    elif arr.dtype.kind not in "iuf":
        series = pd.Series(np.ravel(arr), dtype=object)
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            raise ColumnTypeError(
                f"{name} should hold numbers but holds text (for example {series[bad].iloc[0]!r}). "
                "Convert it first with pd.to_numeric(..., errors='coerce') and check the values that become missing."
            )
        arr = converted.to_numpy(dtype=float)
    elif arr.dtype.kind != "f":
        arr = arr.astype(float)
    arr = np.ravel(arr)
    missing = np.isnan(arr)
    if missing.any():
        arr = arr[~missing]
    if arr.size == 0:
        raise EmptyDataError(f"{name} has no numbers left after removing missing values. Check the filter that made it.")
    require_rows(arr.size, 2, name)
    return arr
