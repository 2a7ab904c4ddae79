"""Cohen's kappa for two coders, and their confusion table (:func:`agreement_table`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kit.agreement.codes import _as_codes, _check_codes, _code_order
from kit.errors import EmptyDataError, InputError, require_columns, unknown_name
from kit.results import ci_text, resolve_confidence, sentence, tidy_row

__all__ = ["agreement_table", "cohen_kappa", "KAPPA_WEIGHTS"]

KAPPA_WEIGHTS = (None, "linear", "quadratic")


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


def _landis_koch(k: float) -> str:
    # Landis & Koch (1977): benchmarks for kappa, to be used with care.
    for cut, word in ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
        if k <= cut:
            return word
    return "almost perfect"


@sentence("Cohen's kappa", "weighted kappa*")
def _kappa_sentence(result: pd.DataFrame) -> str:
    row = result.iloc[0]
    est = float(row["estimate"])
    missing = f" ({row['n_missing']} excerpt(s) without a code from both were left out)" if row["n_missing"] else ""
    return (
        f"{row['measure']} = {est:.2f}{ci_text(result, row)} for {row['n']} excerpts coded by {row['coders']}{missing}: "
        f"they gave the same code to {row['agreement']:.0%} of them, against {row['chance_agreement']:.0%} "
        f"expected by chance; by Landis and Koch's (1977) rough benchmarks that is {_landis_koch(est)} agreement."
    )
