"""Coder agreement: do two or more coders code alike, and which codes did they use?

One module a question, all of it importable from here (``from kit import agreement``,
``kit.agreement.cohen_kappa``):

* :mod:`kit.agreement.codes` -- :func:`code_usage`: how often each coder used each code, and
  which codes look like typos or are missing from the codebook (run it first);
* :mod:`kit.agreement.kappa` -- :func:`cohen_kappa` (two coders, unweighted or weighted) and
  :func:`agreement_table`, the two coders' confusion table;
* :mod:`kit.agreement.krippendorff` -- :func:`krippendorff_alpha`: any number of coders,
  missing codes allowed, nominal to ratio codes.

``kit.report(result)`` describes any of their results in a sentence.

>>> import kit
>>> a = ["yes"] * 25 + ["no"] * 25
>>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
>>> print(kit.report(cohen_kappa(a, b)))
Cohen's kappa = 0.40 (95% CI 0.15 to 0.65) for 50 excerpts coded by coder_1 and coder_2: they gave the same code to 70% of them, against 50% expected by chance; by Landis and Koch's (1977) rough benchmarks that is fair agreement.
"""

from kit.agreement.codes import code_usage
from kit.agreement.kappa import KAPPA_WEIGHTS, agreement_table, cohen_kappa
from kit.agreement.krippendorff import LEVELS, krippendorff_alpha

__all__ = ["cohen_kappa", "krippendorff_alpha", "agreement_table", "code_usage", "LEVELS", "KAPPA_WEIGHTS"]
