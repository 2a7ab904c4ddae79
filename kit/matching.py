"""Matched comparison groups: nearest-neighbour matching on a few covariates, and the balance it achieves.

To judge a partnership, compare its schools with similar schools that were not in it. Matching
pairs each member school with the non-member school closest to it on the things that drive
attainment anyway (disadvantage, prior attainment). Distances are Euclidean on standardised
covariates (each divided by its standard deviation across all schools), so a point of
attainment and a percentage point of disadvantage are put on a common footing.

>>> import pandas as pd
>>> units = pd.DataFrame({"school_id": ["A", "B", "C", "D", "E"],
...                       "member": [True, True, False, False, False],
...                       "fsm": [0.40, 0.10, 0.12, 0.38, 0.25]})
>>> match(units, "member", ["fsm"], id="school_id")[["treated", "control"]]
  treated control
0       A       D
1       B       C
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kit.errors import EmptyDataError, InputError, require_columns, require_numeric

__all__ = ["match", "balance", "matched_sample"]

MAX_PAIRS = 20_000_000  # treated x comparison distances held at once (about 160 MB)


def _treated_mask(units: pd.DataFrame, treatment: str) -> np.ndarray:
    col = units[treatment]
    values = set(pd.unique(col.dropna()).tolist())
    if col.isna().any():
        raise InputError(f"Column {treatment!r} has missing values; say for every unit whether it is treated (True/False).")
    if not values <= {0, 1, True, False}:
        shown = ", ".join(repr(v) for v in sorted(values, key=str)[:5])
        raise InputError(
            f"Column {treatment!r} should say True/False (or 1/0) for each unit, but holds {shown}. "
            f"Make it first, e.g. units['member'] = units['group'] == 'partnership'."
        )
    return col.astype(bool).to_numpy()


def _prepare(units, treatment, on, id):
    if isinstance(on, str):
        on = [on]
    on = list(on)
    if not on:
        raise InputError("Name at least one covariate to match on, e.g. on=['disadvantaged_share'].")
    require_columns(units, [treatment, *on] + ([id] if id else []))
    require_numeric(units, on)
    missing = units[on].isna().any(axis=1)
    if missing.any():
        who = units.loc[missing, id].tolist()[:5] if id else units.index[missing].tolist()[:5]
        raise InputError(
            f"{int(missing.sum())} unit(s) have a missing value in {on}, e.g. {who}. Matching cannot place them; "
            "fill the values or remove those units first and report how many."
        )
    if id is not None and units[id].duplicated().any():
        dup = units.loc[units[id].duplicated(), id].iloc[0]
        raise InputError(
            f"{id!r} should name each unit once, but {dup!r} appears more than once. Match on a table with one row "
            "per unit (e.g. per school): summarise a panel first with groupby(...).mean()."
        )
    treated = _treated_mask(units, treatment)
    if treated.sum() == 0 or (~treated).sum() == 0:
        raise EmptyDataError(
            f"Matching needs treated and comparison units; column {treatment!r} has {int(treated.sum())} treated "
            f"and {int((~treated).sum())} comparison unit(s)."
        )
    x = units[on].to_numpy(dtype=float)
    sd = x.std(axis=0, ddof=1)
    sd[~np.isfinite(sd) | (sd == 0)] = 1.0
    return on, treated, x / sd


def match(
    units: pd.DataFrame,
    treatment: str,
    on: Sequence[str] | str,
    id: str | None = None,
    k: int = 1,
    replace: bool = False,
    caliper: float | None = None,
) -> pd.DataFrame:
    """Pair each treated unit with its nearest comparison unit(s) on standardised covariates.

    Parameters
    ----------
    units : DataFrame
        One row per unit (e.g. school), with the treatment column and the covariates.
    treatment : str
        Column that is True/1 for treated units (e.g. partnership members).
    on : list of str
        Numeric covariates to match on, e.g. ``["disadvantaged_share", "prior_attainment"]``.
    id : str, optional
        Column naming each unit; by default the row labels are used.
    k : int
        Comparison units per treated unit (default 1).
    replace : bool
        If False (default) each comparison unit is used at most once: pairs are made greedily,
        closest pair first, so the result does not depend on the order of the rows. If True,
        each treated unit simply takes its k nearest.
    caliper : float, optional
        Largest allowed distance (in standard deviations). Treated units with no comparison unit
        that close are left unmatched: they are listed in ``result.attrs["unmatched"]`` and a
        warning says how many, because dropping them changes who the estimate is about.

    Returns
    -------
    DataFrame
        One row per matched pair:

        * ``treated``: id of the treated unit
        * ``control``: id of its matched comparison unit
        * ``distance``: standardised Euclidean distance between them
        * ``rank``: 1 for the nearest match, 2 for the second (when k > 1)

        ``attrs["unmatched"]`` lists treated units left without a match.

    Notes
    -----
    Nearest-neighbour matching as described by Stuart (2010) and Rosenbaum (2020, ch. 3),
    on a standardised Euclidean distance instead of a propensity score (with two or three
    covariates the two give similar pairs, and distances are easier to explain). Pure NumPy;
    the tests compare the pairs with a brute-force search written independently.

    References
    ----------
    Stuart, E. A. (2010). Matching methods for causal inference: a review and a look forward.
    *Statistical Science*, 25(1), 1-21.
    Rosenbaum, P. R. (2020). *Design of observational studies* (2nd ed.). Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"member": [1, 0, 0, 1], "fsm": [0.3, 0.31, 0.9, 0.315]})
    >>> match(units, "member", "fsm")  # school 3 is closer to school 1 (0.005) than school 0 is (0.01), so takes it first
       treated  control  distance  rank
    0        0        2  2.027...     1
    1        3        1  0.016...     1
    """
    if int(k) != k or k < 1:
        raise InputError(f"k is the number of comparison units per treated unit (1, 2, ...), not {k!r}.")
    on, treated, z = _prepare(units, treatment, on, id)
    ids = units[id].to_numpy() if id is not None else units.index.to_numpy()
    t_idx, c_idx = np.flatnonzero(treated), np.flatnonzero(~treated)
    if not replace and k * len(t_idx) > len(c_idx):
        raise InputError(
            f"There are {len(t_idx)} treated and only {len(c_idx)} comparison units, too few to give each treated "
            f"unit {k} different match(es). Use replace=True, or a smaller k."
        )
    if len(t_idx) * len(c_idx) > MAX_PAIRS:
        raise InputError(
            f"Comparing {len(t_idx):,} treated with {len(c_idx):,} comparison units means {len(t_idx) * len(c_idx):,} "
            f"distances, more than the {MAX_PAIRS:,} this function holds in memory. Match within smaller groups "
            "(for example one region at a time) or draw a sample of comparison units first."
        )
    dist = np.sqrt(((z[t_idx, None, :] - z[None, c_idx, :]) ** 2).sum(axis=2))  # treated x control
    limit = np.inf if caliper is None else float(caliper)
    rows = []
    if replace:
        order = np.argsort(dist, axis=1, kind="stable")[:, :k]
        for i in range(len(t_idx)):
            for r, j in enumerate(order[i], start=1):
                if dist[i, j] <= limit:
                    rows.append((i, j, dist[i, j], r))
    else:
        work = dist.copy()
        work[work > limit] = np.inf
        taken = np.zeros(len(t_idx), dtype=int)
        flat = np.argsort(work, axis=None, kind="stable")
        used_c = np.zeros(len(c_idx), dtype=bool)
        for pos in flat:
            i, j = divmod(int(pos), len(c_idx))
            if not np.isfinite(work[i, j]):
                break
            if used_c[j] or taken[i] >= k:
                continue
            taken[i] += 1
            used_c[j] = True
            rows.append((i, j, dist[i, j], taken[i]))
    result = pd.DataFrame(
        [(ids[t_idx[i]], ids[c_idx[j]], float(d), int(r)) for i, j, d, r in rows],
        columns=["treated", "control", "distance", "rank"],
    )
    # present in the treated units' row order
    position = {v: n for n, v in enumerate(ids[t_idx])}
    result = result.sort_values(by=["treated", "rank"], key=lambda s: s.map(position) if s.name == "treated" else s,
                                kind="stable").reset_index(drop=True)
    matched = set(result["treated"].tolist())
    unmatched = [v for v in ids[t_idx].tolist() if v not in matched]
    result.attrs["unmatched"] = unmatched
    result.attrs["on"] = on
    if unmatched:
        warnings.warn(
            f"{len(unmatched)} treated unit(s) had no comparison unit within the caliper of {caliper} SD and are "
            f"left out: {unmatched[:10]}. Report this: the estimate is then about the matched units only.",
            UserWarning,
            stacklevel=2,
        )
    return result


def balance(
    units: pd.DataFrame,
    treatment: str,
    on: Sequence[str] | str,
    pairs: pd.DataFrame | None = None,
    id: str | None = None,
) -> pd.DataFrame:
    """How similar treated and comparison units are on each covariate, before (and after) matching.

    Parameters
    ----------
    units : DataFrame
        One row per unit with the treatment column and covariates (as given to :func:`match`).
    treatment : str
        The treatment column (True/1 = treated).
    on : list of str
        Covariates to compare.
    pairs : DataFrame, optional
        The result of :func:`match`; adds the balance of the matched sample (comparison units
        counted as often as they were used).
    id : str, optional
        The id column used in :func:`match` (default: row labels).

    Returns
    -------
    DataFrame
        One row per covariate:

        * ``covariate``
        * ``mean_treated``, ``mean_comparison``: means before matching
        * ``smd``: standardised mean difference before matching
        * with ``pairs``: ``mean_treated_matched``, ``mean_comparison_matched``, ``smd_matched``

    Notes
    -----
    SMD = (mean treated - mean comparison) / sqrt((var treated + var comparison) / 2), with
    the variances of the unmatched groups in both columns so that before and after are on one
    scale (Austin, 2011; Stuart, 2010). An absolute SMD below 0.1 is the usual sign of good balance.
    Checked against a hand computation in the tests.

    References
    ----------
    Austin, P. C. (2011). An introduction to propensity score methods for reducing the effects of
    confounding in observational studies. *Multivariate Behavioral Research*, 46(3), 399-424.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"member": [1, 1, 0, 0, 0], "fsm": [0.4, 0.3, 0.1, 0.2, 0.35]})
    >>> balance(units, "member", "fsm").round(2)
      covariate  mean_treated  mean_comparison   smd
    0       fsm          0.35             0.22  1.31
    """
    on, treated, _ = _prepare(units, treatment, on, id)
    rows = []
    ids = units[id] if id is not None else pd.Series(units.index, index=units.index)
    for col in on:
        t = units.loc[treated, col].to_numpy(dtype=float)
        c = units.loc[~treated, col].to_numpy(dtype=float)
        v_t = t.var(ddof=1) if len(t) > 1 else 0.0
        v_c = c.var(ddof=1) if len(c) > 1 else 0.0
        pooled = np.sqrt((v_t + v_c) / 2)
        row = {"covariate": col, "mean_treated": float(t.mean()), "mean_comparison": float(c.mean()),
               "smd": float((t.mean() - c.mean()) / pooled) if pooled > 0 else np.nan}
        if pairs is not None:
            require_columns(pairs, ["treated", "control"], table="The matched pairs")
            lookup = pd.Series(units[col].to_numpy(dtype=float), index=ids.to_numpy())
            try:
                mt = lookup.loc[pd.unique(pairs["treated"])].to_numpy()
                mc = lookup.loc[pairs["control"].to_numpy()].to_numpy()
            except KeyError:
                raise InputError(
                    "The pairs name units that are not in this table. Pass the same table (and the same id=) "
                    "that you gave to match()."
                ) from None
            row.update({"mean_treated_matched": float(mt.mean()), "mean_comparison_matched": float(mc.mean()),
                        "smd_matched": float((mt.mean() - mc.mean()) / pooled) if pooled > 0 else np.nan})
        rows.append(row)
    return pd.DataFrame(rows)


def matched_sample(data: pd.DataFrame, pairs: pd.DataFrame, id: str) -> pd.DataFrame:
    """The rows of ``data`` (e.g. a school-year panel) for the matched treated and comparison units.

    Parameters
    ----------
    data : DataFrame
        Any table with the unit id column, e.g. the panel of attainment by school and year.
    pairs : DataFrame
        The result of :func:`match`.
    id : str
        The unit id column of ``data``.

    Returns
    -------
    DataFrame
        The treated units' rows and their matched comparison units' rows, with a column
        ``matched_group`` (the treated unit's id) so each pair can be told apart. A comparison
        unit used twice (``replace=True``) appears twice, which weights it correctly.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"school": list("AABBCC"), "year": [1, 2] * 3, "y": [1, 2, 3, 4, 5, 6]})
    >>> pairs = pd.DataFrame({"treated": ["A"], "control": ["C"], "distance": [0.1], "rank": [1]})
    >>> matched_sample(panel, pairs, "school")
      school  year  y matched_group
    0      A     1  1             A
    1      A     2  2             A
    2      C     1  5             A
    3      C     2  6             A
    """
    require_columns(data, [id])
    require_columns(pairs, ["treated", "control"], table="The matched pairs")
    if len(pairs) == 0:
        raise EmptyDataError("There are no matched pairs, so there is no matched sample.")
    known = set(data[id].tolist())
    absent = [v for v in pd.unique(pd.concat([pairs["treated"], pairs["control"]])).tolist() if v not in known]
    if absent:
        raise InputError(
            f"{len(absent)} matched unit(s) are not in the table's {id!r} column, e.g. {absent[:3]}. "
            "Use the table with the same units that you matched."
        )
    treated = data[data[id].isin(set(pairs["treated"].tolist()))].assign(matched_group=lambda d: d[id])
    parts = [treated]
    for t, c in zip(pairs["treated"].tolist(), pairs["control"].tolist()):
        parts.append(data[data[id] == c].assign(matched_group=t))
    out = pd.concat(parts, ignore_index=True)
    order = {v: n for n, v in enumerate(pd.unique(pairs["treated"]).tolist())}
    out = out.assign(_o=out["matched_group"].map(order), _c=(out[id] != out["matched_group"]).astype(int))
    return out.sort_values(["_o", "_c"], kind="stable").drop(columns=["_o", "_c"]).reset_index(drop=True)
