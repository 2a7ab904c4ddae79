"""Krippendorff's alpha: agreement among any number of coders, with missing codes and any level of measurement."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kit.agreement.codes import _check_codes, _code_order, _tidy_code
from kit.errors import ColumnTypeError, EmptyDataError, InputError, unknown_name
from kit.results import ci_text, resolve_confidence, sentence, tidy_row

__all__ = ["krippendorff_alpha", "LEVELS"]

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _reliability_matrix(data, coders: str) -> pd.DataFrame:
    if coders not in ("rows", "columns"):
        raise unknown_name("layout", coders, ["rows", "columns"])
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
    else:
        try:
            array = np.asarray(data, dtype=object)
        except Exception:  # noqa: BLE001
            raise ColumnTypeError(f"Expected a table of codes (coders x units), got {type(data).__name__}.") from None
        if array.ndim != 2:
            raise ColumnTypeError(
                "Krippendorff's alpha needs a table: one row per coder and one column per unit "
                "(excerpt), e.g. [[1, 2, 1], [1, 2, 2]]."
            )
        frame = pd.DataFrame(array)
    if coders == "columns":
        frame = frame.T
    elif frame.shape[0] > 20 and frame.shape[0] > frame.shape[1]:
        raise InputError(
            f"The table has {frame.shape[0]} rows and {frame.shape[1]} columns, so with coders='rows' it would "
            f"mean {frame.shape[0]} coders and only {frame.shape[1]} units. If each column is a coder (one row "
            "per excerpt), add coders='columns'."
        )
    if frame.shape[0] < 2:
        raise InputError(
            f"Krippendorff's alpha needs at least two coders; the table has {frame.shape[0]} row(s). "
            "Each row is a coder (use coders='columns' if each column is a coder)."
        )
    frame.index = [str(i) for i in frame.index]
    cells = [[_tidy_code(v) for v in row] for row in frame.to_numpy(dtype=object)]
    return pd.DataFrame(cells, index=frame.index, columns=frame.columns, dtype=object)


def krippendorff_alpha(data, level: str = "nominal", *, coders: str = "rows", codebook: Sequence | None = None,
                       categories: Sequence | None = None, n_boot: int = 1000, confidence: float = 0.95, ci: float | None = None,
                       seed: int = 0) -> pd.DataFrame:
    """Krippendorff's alpha: agreement among any number of coders, with missing codes allowed.

    Alpha is 1 for perfect agreement and 0 when coders agree no better than chance. Unlike kappa it
    works for several coders, for units some coders skipped, and for ordered and numeric codes
    (``level``). Krippendorff suggests relying on data with alpha >= 0.800 and drawing only
    tentative conclusions from 0.667 to 0.800.

    Parameters
    ----------
    data : pandas.DataFrame or 2-D list
        A reliability data matrix: one row per coder, one column per unit (excerpt); missing codes
        as NaN/None/blank. With ``coders='columns'`` the table is one row per unit, one column per
        coder (the usual layout of a spreadsheet).
    level : {'nominal', 'ordinal', 'interval', 'ratio'}
        The level of measurement of the codes: decides how much a disagreement counts.
    coders : {'rows', 'columns'}
        Whether the coders are the rows (default) or the columns of ``data``.
    codebook : list, optional
        The valid codes (and, for ordinal text codes, their order): any other code raises.
    categories : list, optional
        The order of text codes for level 'ordinal' (low to high), when there is no codebook.
    n_boot : int
        Bootstrap resamples of units for the interval (0 for none: then 'ci_low'/'ci_high' are NaN).
    confidence : float
        Confidence level (0.95).
    seed : int
        Seed of the bootstrap, so the interval is the same every time.

    Returns
    -------
    pandas.DataFrame
        One row with columns:

        * 'measure': "Krippendorff's alpha (<level>)"
        * 'estimate': alpha
        * 'ci_low', 'ci_high': percentile bootstrap interval over units
        * 'n': pairable units (coded by at least two coders)
        * 'n_coders': coders
        * 'n_values': pairable codes (values) used
        * 'n_unpairable': units left out because fewer than two coders coded them
        * 'level': the level of measurement

    Notes
    -----
    The estimate comes from the ``krippendorff`` package (Castro, 2017), which the kit's tests
    check against the worked examples of Krippendorff (2011): nominal 0.743, ordinal 0.815,
    interval 0.849 and ratio 0.797 for the 4-coder, 12-unit example with missing data, and 0.095
    for the binary two-coder example. The interval resamples units with replacement (as in Zapf
    et al., 2016), not Krippendorff's own bootstrap of pairable values.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Departmental Papers
    (ASC), University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
    Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology* (2nd ed.).
    Sage.
    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability measure
    for coding data. *Communication Methods and Measures*, 1(1), 77-89.
    Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring inter-rater reliability for
    nominal data - which coefficients and confidence intervals are appropriate? *BMC Medical
    Research Methodology*, 16, 93.

    Examples
    --------
    >>> coders = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...           [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...           [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...           [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    >>> krippendorff_alpha(coders, n_boot=0)[["estimate", "n", "n_values", "n_unpairable"]].round(3)
       estimate   n  n_values  n_unpairable
    0     0.743  11        40             1
    """
    import krippendorff

    if level not in LEVELS:
        raise unknown_name("level of measurement", level, LEVELS)
    confidence = resolve_confidence(confidence, ci=ci)
    matrix = _reliability_matrix(data, coders)
    if matrix.notna().sum().sum() == 0:
        raise EmptyDataError("Every code in the table is missing: there is nothing to compare.")
    values = pd.Series(matrix.to_numpy().ravel()).dropna()
    numeric = pd.to_numeric(values, errors="coerce").notna().all() and not values.map(lambda v: isinstance(v, str)).any()
    if categories is None and codebook is not None:
        categories = list(codebook)
    if numeric and codebook is None:
        numbers = matrix.apply(pd.to_numeric).to_numpy(dtype=float)
    else:
        if level in ("interval", "ratio"):
            bad = values[pd.to_numeric(values, errors="coerce").isna()].iloc[0]
            raise ColumnTypeError(
                f"Level {level!r} needs numbers, but the codes include text (for example {bad!r}). "
                "Use level='nominal' for unordered categories or level='ordinal' with categories=[...] in order."
            )
        if level == "ordinal" and categories is None:
            raise InputError(
                "Ordinal codes given as text need their order: pass categories=['low', 'medium', 'high'] "
                "(lowest first) or a codebook in that order."
            )
        rows = {name: matrix.loc[name].reset_index(drop=True) for name in matrix.index}
        _check_codes(rows, codebook if codebook is not None else categories)
        order = _code_order(list(rows.values()), categories)
        missing_from_order = sorted({str(v) for v in values} - {str(c) for c in order})
        if missing_from_order:
            raise InputError(f"The codes {', '.join(map(repr, missing_from_order))} are not among categories={list(order)!r}; add them or correct the data.")
        position = {str(c): i for i, c in enumerate(order)}
        numbers = matrix.map(lambda v: np.nan if pd.isna(v) else position[str(v)]).to_numpy(dtype=float)
    if level == "ratio" and np.nanmin(numbers) < 0:
        raise InputError("Level 'ratio' needs values of zero or more (a true zero); use level='interval' for these values.")
    coded = (~np.isnan(numbers)).sum(axis=0)
    pairable = coded >= 2
    if not pairable.any():
        raise EmptyDataError("No unit was coded by at least two coders, so there is nothing to compare.")
    domain = np.unique(numbers[~np.isnan(numbers)])
    if len(domain) < 2:
        raise InputError(
            "Every coder used the same single code for every unit, so alpha is not defined: "
            "agreement beyond chance cannot be measured without variation. Code more varied units."
        )
    kept = numbers[:, pairable]
    alpha = float(krippendorff.alpha(reliability_data=kept, level_of_measurement=level, value_domain=domain))
    low = high = np.nan
    if n_boot:
        counts = np.stack([(kept == v).sum(axis=0) for v in domain], axis=1)  # units x values
        rng = np.random.default_rng(seed)
        boots = []
        m = counts.shape[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            for _ in range(int(n_boot)):
                sample = counts[rng.integers(0, m, m)]
                if (sample.sum(axis=0) > 0).sum() < 2:
                    continue
                boots.append(krippendorff.alpha(value_counts=sample, level_of_measurement=level, value_domain=domain))
        boots = np.asarray(boots, dtype=float)
        boots = boots[np.isfinite(boots)]
        if len(boots):
            low, high = np.quantile(boots, [(1 - confidence) / 2, 1 - (1 - confidence) / 2])
    return tidy_row(
        {
            "measure": [f"Krippendorff's alpha ({level})"],
            "estimate": [alpha],
            "ci_low": [float(low)],
            "ci_high": [float(high)],
            "n": [int(pairable.sum())],
            "n_coders": [int(numbers.shape[0])],
            "n_values": [int(coded[pairable].sum())],
            "n_unpairable": [int((~pairable).sum())],
            "level": [level],
        },
        confidence,
    )


def _krippendorff_words(a: float) -> str:
    if a >= 0.800:
        return "good enough to rely on (Krippendorff's threshold is 0.800)"
    if a >= 0.667:
        return "enough only for tentative conclusions (between Krippendorff's 0.667 and 0.800)"
    return "too low to rely on (below Krippendorff's minimum of 0.667)"


@sentence("Krippendorff*")
def _krippendorff_sentence(result: pd.DataFrame) -> str:
    row = result.iloc[0]
    est = float(row["estimate"])
    left = (f" ({row['n_unpairable']} unit(s) coded by fewer than two coders were left out)"
            if row["n_unpairable"] else "")
    return (
        f"{row['measure']} = {est:.3f}{ci_text(result, row)} from {row['n_coders']} coders and {row['n']} units{left}: "
        f"{_krippendorff_words(est)}."
    )
