"""Effect sizes, intraclass correlation, bootstrap intervals, power and plain-language reports.

Every function returns a tidy one-row :class:`pandas.DataFrame` with at least ``measure``,
``estimate``, ``ci_low``, ``ci_high`` (where defined) and ``n``; :func:`report` turns any of
them into a sentence a headteacher can read. scipy and statsmodels do the heavy work (bootstrap,
power, distributions); what they do not provide (the EEF months conversion, ICC(1) for groups of unequal
size, the interval around d) is written here from the cited source.

One module a question, all of it importable from here (``import kit.stats as ks; ks.hedges_g(...)``):

* :mod:`kit.stats.effect_sizes` -- :func:`cohens_d`, :func:`hedges_g`, and :func:`months_progress`
  with its table :data:`EEF_MONTHS`;
* :mod:`kit.stats.intraclass` -- :func:`icc`, the intraclass correlation ICC(1) and design effect;
* :mod:`kit.stats.bootstrap` -- :func:`bootstrap_ci`;
* :mod:`kit.stats.power` -- :func:`power_analysis`;
* :func:`report` -- the sentence for any of their results (each module registers its own writer).
"""

from __future__ import annotations

import pandas as pd

from kit.stats.bootstrap import bootstrap_ci
from kit.stats.effect_sizes import CI_METHODS, EEF_MONTHS, cohens_d, hedges_g, months_progress  # noqa: F401
from kit.stats.intraclass import icc
from kit.stats.power import power_analysis

__all__ = [
    "cohens_d",
    "hedges_g",
    "months_progress",
    "EEF_MONTHS",
    "icc",
    "bootstrap_ci",
    "power_analysis",
    "report",
]


def report(result: pd.DataFrame) -> str:
    """A plain-language, APA-style sentence for a result (the same as ``kit.report``; any kit result works).

    >>> print(report(hedges_g([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], [9, 6, 7, 8, 7, 9, 8, 8, 7, 7])))
    Hedges' g = 1.17, 95% CI [0.24, 2.08], comparing 10 and 10 values (means 8.70 and 7.60). A large difference on Cohen's (1988) rough guide; the interval excludes zero. On the EEF scale that is about +12 months' progress, but the interval runs from +3 to +12 months.
    """
    from kit.results import report as _report

    return _report(result)
