"""Coder agreement: do two or more coders code alike (Cohen's kappa, Krippendorff's alpha), which codes were used."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, InputError, require_columns, unknown_name
from kit.results import level_text, resolve_confidence, sentence, tidy_row

__all__ = ["cohen_kappa", "krippendorff_alpha", "agreement_table", "code_usage", "LEVELS", "KAPPA_WEIGHTS"]

LEVELS = ("nominal", "ordinal", "interval", "ratio")
KAPPA_WEIGHTS = (None, "linear", "quadratic")


# --------------------------------------------------------------------------------------------
# Codes given by coders: tidy them, check them against a codebook, look for typos
# --------------------------------------------------------------------------------------------
def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _tidy_code(value):
    """Missing for blanks; whole-number floats (2.0, as pandas stores codes next to NaN) become ints."""
    if _is_blank(value):
        return np.nan
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return value


def _as_codes(values, name: str) -> pd.Series:
    """A coder's codes as an object Series (blank text and NaN become missing)."""
    if isinstance(values, pd.DataFrame):
        raise ColumnTypeError(
            f"{name} should be one column of codes (a list or a Series), but got a whole table. "
            "Pick one column, e.g. excerpts['coder_1']."
        )
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise ColumnTypeError(f"{name} should be a list or column of codes, one per excerpt, but got {values!r:.60}.")
    return pd.Series([_tidy_code(v) for v in values], dtype=object)


def _code_order(codes: list[pd.Series], categories) -> list:
    if categories is not None:
        return list(categories)
    found = pd.unique(pd.concat(codes, ignore_index=True).dropna())
    try:
        return sorted(found)
    except TypeError:  # mixed types (numbers and text)
        return sorted(found, key=str)


def code_usage(data, codebook: Sequence | None = None) -> pd.DataFrame:
    """How often each coder used each code, and which codes look wrong.

    Use it before measuring agreement: a code that only one coder used, or that is not in the
    codebook, is often a typo ('Postive' for 'Positive') that would quietly lower agreement.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per excerpt (unit), one column per coder, holding the codes.
    codebook : list, optional
        The valid codes. Without it, a code used by only one coder that looks like another code
        is reported as a likely typo.

    Returns
    -------
    pandas.DataFrame
        One row per code: 'code', one count column per coder, 'total', 'in_codebook'
        (missing when no codebook is given) and 'problem' (plain words, empty when fine).

    Examples
    --------
    >>> import pandas as pd
    >>> coded = pd.DataFrame({"coder_1": ["Positive", "Negative", "Positive"],
    ...                       "coder_2": ["Positive", "Negative", "Postive"]})
    >>> usage = code_usage(coded, codebook=["Positive", "Negative"])
    >>> usage[["code", "coder_1", "coder_2", "in_codebook"]]
           code  coder_1  coder_2  in_codebook
    0  Negative        1        1         True
    1  Positive        2        1         True
    2   Postive        0        1        False
    >>> usage["problem"].iloc[2]
    "not in the codebook (did you mean 'Positive'?); used only by coder_2"
    """
    if not isinstance(data, pd.DataFrame):
        raise ColumnTypeError("code_usage needs a table with one column per coder, e.g. excerpts[['coder_1', 'coder_2']].")
    coders = {str(c): _as_codes(data[c], repr(str(c))) for c in data.columns}
    order = _code_order(list(coders.values()), None)
    counts = pd.DataFrame({c: s.value_counts().reindex(order, fill_value=0) for c, s in coders.items()}).astype(int)
    counts.index.name = "code"
    counts = counts.reset_index()
    counts["total"] = counts[list(coders)].sum(axis=1)
    valid = [str(c) for c in codebook] if codebook is not None else None
    counts["in_codebook"] = [str(c) in valid for c in counts["code"]] if valid is not None else pd.NA
    counts["problem"] = [_code_problem(row, list(coders), valid, order) for row in counts.to_dict("records")]
    return counts


def _code_problem(row: dict, coders: list[str], valid: list[str] | None, order: list) -> str:
    code = str(row["code"])
    problems = []
    if valid is not None and code not in valid:
        close = difflib.get_close_matches(code, valid, n=1, cutoff=0.6)
        problems.append("not in the codebook" + (f" (did you mean {close[0]!r}?)" if close else ""))
    users = [c for c in coders if row[c] > 0]
    if len(coders) > 1 and len(users) == 1:
        problems.append(f"used only by {users[0]}")
        if valid is None:
            others = [str(c) for c in order if str(c) != code]
            close = difflib.get_close_matches(code, others, n=1, cutoff=0.75)
            if close:
                problems[-1] += f" and looks like a misspelling of {close[0]!r}"
    return "; ".join(problems)


def _check_codes(coders: dict[str, pd.Series], codebook, *, strict_typos: bool = True) -> None:
    """Raise for codes not in the codebook or likely typos; warn for text codes only one coder used."""
    frame = pd.DataFrame(coders)
    usage = code_usage(frame, codebook)
    if codebook is not None:
        bad = usage[~usage["in_codebook"].astype(bool)]
        if not bad.empty:
            parts = [
                f"{row['code']!r} (used {row['total']} time(s), by "
                f"{', '.join(c for c in coders if row[c] > 0)}"
                + (f"; did you mean {close[0]!r}?" if (close := difflib.get_close_matches(str(row['code']), [str(c) for c in codebook], n=1, cutoff=0.6)) else "")
                + ")"
                for row in bad.to_dict("records")
            ]
            first = bad.iloc[0]
            who = next(c for c in coders if first[c] > 0)
            raise InputError(
                f"Some codes are not in the codebook: {'; '.join(parts)}. The codebook's codes are: "
                f"{', '.join(repr(str(c)) for c in codebook)}. Correct the spelling in the data, e.g. "
                f"data[{who!r}] = data[{who!r}].replace({{{str(first['code'])!r}: ...}}), or add the code "
                "to the codebook if it is a real new code. Nothing was calculated."
            )
    typos = usage[usage["problem"].str.contains("misspelling", regex=False)]
    if strict_typos and not typos.empty:
        parts = [f"{row['code']!r}: {row['problem']}" for row in typos.to_dict("records")]
        raise InputError(
            f"These codes look like typos: {'; '.join(parts)}. Correct them in the data, or pass "
            "codebook=[...] listing every valid code so the kit can check them. Nothing was calculated."
        )
    single = usage[usage["problem"].str.startswith("used only by")]
    text_codes = any(isinstance(c, str) for c in usage["code"])
    if not single.empty and codebook is None and text_codes:
        parts = [f"{row['code']!r} ({row['problem']}, {row['total']} time(s))" for row in single.to_dict("records")]
        warnings.warn(
            f"Some codes were used by only one coder: {'; '.join(parts)}. Check they are real codes, "
            "or pass codebook=[...] to confirm the list of valid codes.",
            UserWarning,
            stacklevel=3,
        )


def _pair(a, b, data) -> tuple[pd.Series, pd.Series, str, str]:
    if data is not None:
        if not isinstance(a, str) or not isinstance(b, str):
            raise InputError("With data=..., give the two coders' column names as text, e.g. cohen_kappa('coder_1', 'coder_2', data=excerpts).")
        require_columns(data, [a, b])
        return _as_codes(data[a], repr(a)), _as_codes(data[b], repr(b)), a, b
    name_a = str(a.name) if isinstance(a, pd.Series) and a.name is not None else "coder_1"
    name_b = str(b.name) if isinstance(b, pd.Series) and b.name is not None else "coder_2"
    if name_a == name_b:
        name_a, name_b = f"{name_a} (first)", f"{name_b} (second)"
    if isinstance(a, str) or isinstance(b, str):
        raise InputError(
            "cohen_kappa got a column name but no table: pass the columns themselves, e.g. "
            "cohen_kappa(excerpts['coder_1'], excerpts['coder_2']), or add data=excerpts."
        )
    sa, sb = _as_codes(a, name_a), _as_codes(b, name_b)
    if len(sa) != len(sb):
        raise InputError(
            f"The two coders have different numbers of codes ({name_a}: {len(sa)}, {name_b}: {len(sb)}). "
            "Each position must be the same excerpt coded by both: line the lists up (e.g. keep them "
            "as two columns of one table) and try again."
        )
    return sa, sb, name_a, name_b


def agreement_table(a, b=None, *, data: pd.DataFrame | None = None, categories: Sequence | None = None,
                    margins: bool = True) -> pd.DataFrame:
    """The confusion table of two coders: rows are the first coder's codes, columns the second's.

    The diagonal holds the excerpts both coded alike; everything off the diagonal is a
    disagreement worth discussing. Missing codes are left out and counted in
    ``table.attrs["n_missing"]``.

    Returns
    -------
    pandas.DataFrame
        Counts with the first coder's codes as rows and the second's as columns (in the order of
        ``categories``, else sorted), plus a 'Total' row and column when ``margins`` is True.

    Examples
    --------
    >>> agreement_table(["yes", "yes", "no", "no"], ["yes", "no", "no", "no"])
    coder_2   no  yes  Total
    coder_1
    no         2    0      2
    yes        1    1      2
    Total      3    1      4
    """
    sa, sb, name_a, name_b = _pair(a, b, data)
    both = sa.notna() & sb.notna()
    order = _code_order([sa, sb], categories)
    table = pd.crosstab(
        pd.Categorical(sa[both], categories=order), pd.Categorical(sb[both], categories=order),
        dropna=False,
    )
    table = table.reindex(index=order, columns=order, fill_value=0).astype(int)
    table.index.name, table.columns.name = name_a, name_b
    if margins:
        table["Total"] = table.sum(axis=1)
        table.loc["Total"] = table.sum(axis=0)
    table.attrs["n_missing"] = int((~both).sum())
    return table


def cohen_kappa(a, b=None, *, data: pd.DataFrame | None = None, weights: str | None = None,
                codebook: Sequence | None = None, categories: Sequence | None = None,
                confidence: float = 0.95, ci: float | None = None) -> pd.DataFrame:
    """Cohen's kappa: how far two coders agree beyond the agreement expected by chance.

    Kappa is 1 for perfect agreement, 0 for agreement no better than chance (given how often each
    coder used each code) and negative for worse than chance. With ordered codes (e.g. 'low',
    'medium', 'high') a *weighted* kappa gives partial credit to near misses.

    Parameters
    ----------
    a, b : list or pandas.Series
        The two coders' codes, one per excerpt, in the same order. Or two column names with ``data``.
    data : pandas.DataFrame, optional
        A table holding the columns named by ``a`` and ``b``.
    weights : {None, 'linear', 'quadratic'}
        None (default) for the unweighted kappa of nominal codes; 'linear' or 'quadratic' for ordered
        codes, in the order given by ``categories`` (or ``codebook``, or sorted).
    codebook : list, optional
        The valid codes: any other code raises an error naming it (typos such as 'Postive').
        Without a codebook, a code used by only one coder that looks like another code raises.
    categories : list, optional
        The order of the codes for the table and for weights (defaults to the codebook's order).
    confidence : float
        Confidence level (0.95).

    Returns
    -------
    pandas.DataFrame
        One row with columns:

        * 'measure': "Cohen's kappa" (or "weighted kappa (linear)" / "(quadratic)")
        * 'estimate': kappa
        * 'ci_low', 'ci_high': asymptotic interval, kappa +/- z * ASE (Fleiss, Cohen & Everitt, 1969),
          cut at -1 and 1 (the limits of kappa)
        * 'se': asymptotic standard error (ASE)
        * 'n': excerpts coded by both coders
        * 'n_missing': excerpts left out because a coder gave no code
        * 'n_categories': number of codes
        * 'agreement': proportion of excerpts given exactly the same code
        * 'chance_agreement': proportion expected to agree by chance (unweighted)
        * 'coders': the two coders' names

    Notes
    -----
    Computed with :func:`statsmodels.stats.inter_rater.cohens_kappa` (tested there against SAS
    PROC FREQ and R ``irr::kappa2``). The kit's tests reproduce the SAS example (kappa 0.4842,
    ASE 0.1380), R ``irr::kappa2`` on the ``anxiety`` data and a textbook 2 x 2 example.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
    Psychological Measurement*, 20(1), 37-46.
    Cohen, J. (1968). Weighted kappa. *Psychological Bulletin*, 70(4), 213-220.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa and
    weighted kappa. *Psychological Bulletin*, 72(5), 323-327.
    Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for categorical
    data. *Biometrics*, 33(1), 159-174.

    Examples
    --------
    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> cohen_kappa(a, b)[["estimate", "agreement", "chance_agreement", "n"]]
       estimate  agreement  chance_agreement   n
    0       0.4        0.7               0.5  50
    """
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    if weights not in KAPPA_WEIGHTS:
        raise unknown_name("kind of kappa weights", weights, ["None (unweighted)", "linear", "quadratic"])
    confidence = resolve_confidence(confidence, ci=ci)
    sa, sb, name_a, name_b = _pair(a, b, data)
    if categories is None and codebook is not None:
        categories = list(codebook)
    both = sa.notna() & sb.notna()
    if both.sum() == 0:
        raise EmptyDataError("No excerpt has a code from both coders, so agreement cannot be measured.")
    if weights and categories is None and any(isinstance(v, str) for v in pd.concat([sa[both], sb[both]])):
        raise InputError(
            f"A {weights} weighted kappa needs the order of the codes, and text codes have none: pass "
            "categories=['low', 'medium', 'high'] (lowest first) or a codebook in that order."
        )
    _check_codes({name_a: sa[both], name_b: sb[both]}, codebook if codebook is not None else categories)
    if categories is not None:
        extra = sorted({str(v) for v in pd.concat([sa[both], sb[both]])} - {str(c) for c in categories})
        if extra:
            raise InputError(f"The codes {', '.join(map(repr, extra))} are not among categories={list(categories)!r}; add them or correct the data.")
    table = agreement_table(sa[both], sb[both], categories=categories, margins=False)
    counts = table.to_numpy(dtype=float)
    n = int(counts.sum())
    if n < 2:
        raise EmptyDataError(f"Only {n} excerpt has codes from both coders; kappa needs many more.")
    p = counts / n
    p_o, p_e = float(np.trace(p)), float(p.sum(axis=1) @ p.sum(axis=0))
    if np.isclose(p_e, 1.0):
        raise InputError(
            "Both coders gave every excerpt the same single code, so kappa is not defined "
            "(there is nothing to agree or disagree about beyond chance). Code more varied excerpts."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        res = sm_kappa(counts, wt=weights) if weights else sm_kappa(counts)
    from scipy import stats

    z = stats.norm.isf((1 - confidence) / 2)
    kappa, se = float(res.kappa), float(res.std_kappa)
    label = "Cohen's kappa" if weights is None else f"weighted kappa ({weights})"
    return tidy_row(
        {
            "measure": [label],
            "estimate": [kappa],
            "ci_low": [max(-1.0, kappa - z * se)],
            "ci_high": [min(1.0, kappa + z * se)],
            "se": [se],
            "n": [n],
            "n_missing": [int((~both).sum())],
            "n_categories": [counts.shape[0]],
            "agreement": [p_o],
            "chance_agreement": [p_e],
            "coders": [f"{name_a} and {name_b}"],
        },
        confidence,
    )


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------
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




def _landis_koch(k: float) -> str:
    # Landis & Koch (1977): benchmarks for kappa, to be used with care.
    for cut, word in ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
        if k <= cut:
            return word
    return "almost perfect"



def _krippendorff_words(a: float) -> str:
    if a >= 0.800:
        return "good enough to rely on (Krippendorff's threshold is 0.800)"
    if a >= 0.667:
        return "enough only for tentative conclusions (between Krippendorff's 0.667 and 0.800)"
    return "too low to rely on (below Krippendorff's minimum of 0.667)"



def _ci_text(result: pd.DataFrame, row) -> str:
    has_ci = np.isfinite(row["ci_low"]) and np.isfinite(row["ci_high"])
    return f" ({level_text(result)} CI {row['ci_low']:.2f} to {row['ci_high']:.2f})" if has_ci else ""


@sentence("Cohen's kappa", "weighted kappa*")
def _kappa_sentence(result: pd.DataFrame) -> str:
    row = result.iloc[0]
    est = float(row["estimate"])
    missing = f" ({row['n_missing']} excerpt(s) without a code from both were left out)" if row["n_missing"] else ""
    return (
        f"{row['measure']} = {est:.2f}{_ci_text(result, row)} for {row['n']} excerpts coded by {row['coders']}{missing}: "
        f"they gave the same code to {row['agreement']:.0%} of them, against {row['chance_agreement']:.0%} "
        f"expected by chance; by Landis and Koch's (1977) rough benchmarks that is {_landis_koch(est)} agreement."
    )


@sentence("Krippendorff*")
def _krippendorff_sentence(result: pd.DataFrame) -> str:
    row = result.iloc[0]
    est = float(row["estimate"])
    left = (f" ({row['n_unpairable']} unit(s) coded by fewer than two coders were left out)"
            if row["n_unpairable"] else "")
    return (
        f"{row['measure']} = {est:.3f}{_ci_text(result, row)} from {row['n_coders']} coders and {row['n']} units{left}: "
        f"{_krippendorff_words(est)}."
    )
