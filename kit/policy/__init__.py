"""Evaluating a policy: before-after, difference-in-differences, event studies, fixed effects, time series.

Every function wraps statsmodels (:mod:`kit.policy.did`) or pyfixest (:mod:`kit.policy.panel`,
:mod:`kit.policy.staggered`) and returns a tidy table in the kit's result contract
(:mod:`kit.results`); :func:`report` (the same as ``kit.report``) turns a result into one
plain-language sentence.

>>> import pandas as pd
>>> toy = pd.DataFrame({"score": [10, 11, 10, 12, 20, 21, 24, 26],
...                     "treated": [0, 0, 0, 0, 1, 1, 1, 1],
...                     "post": [0, 0, 1, 1, 0, 0, 1, 1]})
>>> float(did(toy, "score", "treated", "post")["estimate"].iloc[0])
4.0
"""

from kit.policy.did import before_after, did, interrupted_time_series, newey_west_lags
from kit.policy.panel import SMALL_SAMPLE, event_study, fixed_effects, plot_event_study
from kit.policy.report import report
from kit.policy.staggered import staggered_did

__all__ = [
    "did",
    "before_after",
    "event_study",
    "plot_event_study",
    "fixed_effects",
    "staggered_did",
    "interrupted_time_series",
    "newey_west_lags",
    "SMALL_SAMPLE",
    "report",
]
