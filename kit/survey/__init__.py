"""Survey scales: score Likert items (with reverse-keyed items), check reliability, aggregate, compare waves.

A *scale* is a few survey items that measure one idea together, such as the trust, shared
goals and participation that Dhillon (2007, 2009) found sustain partnerships. Score a scale
by averaging its items after turning the reverse-keyed ones round; check that the items hang
together (Cronbach's alpha) before trusting the score.

One module a job, all of it importable from here (``kit.survey.score_scales``):

* :mod:`kit.survey.scoring` -- :func:`score_scales` (and the :class:`ScaleScores` it returns);
* :mod:`kit.survey.summaries` -- :func:`aggregate` (mean per school, trio or wave) and
  :func:`compare_waves` (change between two waves);
* :func:`report` -- a sentence for each row of a wave comparison.

Cronbach's alpha, item statistics and reverse scoring themselves live in :mod:`kit.scales`.

>>> import pandas as pd
>>> answers = pd.DataFrame({"school_id": ["NLC01", "NLC02", "NLC03"],
...                         "t1": [4, 2, 5], "t2": [5, 2, 4], "t3": [2, 4, 1]})
>>> scores, reliability = score_scales(answers, {"trust": ["t1", "t2", "-t3"]})
>>> scores
  school_id  scale     score  items_answered
0     NLC01  trust  4.333333               3
1     NLC02  trust  2.000000               3
2     NLC03  trust  4.666667               3
"""

from __future__ import annotations

import pandas as pd

from kit.survey.scoring import MISSING_POLICIES, OUT_OF_RANGE_POLICIES, ScaleScores, score_scales  # noqa: F401
from kit.survey.summaries import aggregate, compare_waves

__all__ = ["ScaleScores", "score_scales", "aggregate", "compare_waves", "report"]


def report(result: pd.DataFrame) -> str:
    """A plain-language sentence for each row of :func:`compare_waves` (the same as ``kit.report``).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"wave": [1] * 4 + [2] * 4, "scale": "trust",
    ...                   "score": [3.0, 3.5, 2.5, 3.0, 4.0, 3.5, 4.5, 4.0]})
    >>> print(report(compare_waves(s, 1, 2)))
    trust: the mean score rose from 3.00 to 4.00 (difference 1.00 points, 95% CI 0.29 to 1.71; Hedges' g = 2.13, n = 8).
    """
    from kit.results import report as _report

    return _report(result)
