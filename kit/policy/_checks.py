"""Input checks shared by the policy estimators: 0/1 columns, usable rows, clusters, panels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, InputError, require_columns, require_numeric


def _floats(series: pd.Series) -> np.ndarray:
    """The values as a float array, missing values (also pandas' NA) as NaN."""
    if isinstance(series.dtype, np.dtype):
        return series.to_numpy(dtype=float)
    return series.to_numpy(dtype=float, na_value=np.nan)


def _as_binary(data: pd.DataFrame, column: str, role: str) -> np.ndarray:
    """A 0/1 float array (NaN where missing) from a bool or 0/1 column; otherwise a kit error saying how to make one."""
    series = data[column]
    if not (pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series)):
        example = series.dropna().iloc[0] if series.notna().any() else None
        raise ColumnTypeError(
            f"Column {column!r} ({role}) should be True/False or 0/1 but holds text (for example {example!r}). "
            f"Make a 0/1 column first, e.g. df[{column!r}] = (df[{column!r}] == {example!r}).astype(int)."
        )
    values = _floats(series)
    if pd.api.types.is_bool_dtype(series):
        return values
    bad = (values != 0.0) & (values != 1.0) & ~np.isnan(values)
    if bad.any():
        raise InputError(
            f"Column {column!r} ({role}) should hold only 0 and 1 (or True/False) but holds {values[bad][0]:g}. "
            + ("Make it from the year, e.g. df['post'] = (df['year'] >= 2008).astype(int)."
               if role.startswith("after") else
               "Make it from the group, e.g. df['treated'] = (df['group'] == 'programme').astype(int).")
        )
    return values


def _usable(data, columns: list[str], may_be_missing: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = data[columns]
    keep = frame[[c for c in columns if c not in may_be_missing]].notna().all(axis=1).to_numpy()
    if not keep.all():
        frame = frame.loc[keep]
    return frame


def _cluster_codes(frame: pd.DataFrame, cluster: str | None) -> np.ndarray | None:
    if cluster is None:
        return None
    codes, uniques = pd.factorize(frame[cluster], sort=False)
    if len(uniques) < 2:
        raise InputError(
            f"Clustering by {cluster!r} needs at least 2 clusters, but there is {len(uniques)}. "
            "Cluster by the unit that was treated (school, university), or leave cluster=None."
        )
    return codes



def _panel_frame(data, outcome, unit, time, extra, may_be_missing=()):
    columns = list(dict.fromkeys([outcome, unit, time] + [c for c in extra if c is not None]))
    require_columns(data, columns)
    require_numeric(data, [outcome, time])
    frame = _usable(data, columns, may_be_missing)
    if len(frame) == 0:
        raise EmptyDataError(f"No row has values in all of {', '.join(map(repr, columns))}. Check for missing values.")
    if frame.duplicated([unit, time]).any():
        dup = frame.loc[frame.duplicated([unit, time]), [unit, time]].iloc[0].tolist()
        raise InputError(
            f"{unit!r} {dup[0]!r} appears more than once in {time} {dup[1]!r}. A panel needs one row per unit and "
            "period: aggregate first, e.g. df.groupby([unit, time], as_index=False)[outcome].mean()."
        )
    return frame


