"""Reliability (kept for the notebooks): scale reliability lives in :mod:`kit.scales`, coder agreement in :mod:`kit.agreement`.

``import kit.reliability`` still gives every function it used to, and :func:`report` (the same as
``kit.report``) describes any of their results.

>>> a = ["yes"] * 25 + ["no"] * 25
>>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
>>> print(report(cohen_kappa(a, b)))
Cohen's kappa = 0.40 (95% CI 0.15 to 0.65) for 50 excerpts coded by coder_1 and coder_2: they gave the same code to 70% of them, against 50% expected by chance; by Landis and Koch's (1977) rough benchmarks that is fair agreement.
"""

from __future__ import annotations

from kit.agreement import KAPPA_WEIGHTS, LEVELS, agreement_table, code_usage, cohen_kappa, krippendorff_alpha
from kit.scales import cronbach_alpha, item_statistics, reverse_score

__all__ = [
    "cohen_kappa",
    "krippendorff_alpha",
    "cronbach_alpha",
    "item_statistics",
    "reverse_score",
    "agreement_table",
    "code_usage",
    "report",
    "LEVELS",
    "KAPPA_WEIGHTS",
]


def report(result) -> str:
    """One plain-language sentence for a result (kappa, Krippendorff's or Cronbach's alpha, or any kit result)."""
    from kit.results import report as _report

    return _report(result)
