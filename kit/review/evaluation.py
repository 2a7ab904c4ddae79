"""Score a duplicate finder against known true groups: precision and recall of duplicate pairs."""

from __future__ import annotations

import pandas as pd

from kit.errors import require_columns

__all__ = ["score_against_truth"]


def _pairs_from_labels(labels) -> set[tuple[int, int]]:
    groups: dict = {}
    for i, g in enumerate(labels):
        groups.setdefault(g, []).append(i)
    pairs = set()
    for members in groups.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                pairs.add((members[a], members[b]))
    return pairs


def score_against_truth(records: pd.DataFrame, duplicates: pd.DataFrame, truth: str = "true_group") -> pd.DataFrame:
    """Precision and recall of a duplicates table against known true groups (pairs of records).

    A *pair* is two records said to be the same study. Precision is the share of the pairs found
    that are true; recall the share of the true pairs that were found (Christen 2012, ch. 7).

    Returns
    -------
    pandas.DataFrame
        One row: 'precision', 'recall', 'f1', 'pairs_found', 'true_pairs', 'correct_pairs'.

    References
    ----------
    Christen, P. (2012). Data Matching: Concepts and Techniques for Record Linkage, Entity
    Resolution, and Duplicate Detection. Springer.

    Examples
    --------
    >>> records = pd.DataFrame({"record_id": [1, 2, 3], "true_group": ["a", "a", "b"]})
    >>> found = pd.DataFrame({"group": [1, 1], "record_id": [1, 2]})
    >>> score_against_truth(records, found)[["precision", "recall"]]
       precision  recall
    0        1.0     1.0
    """
    require_columns(records, [truth])
    ids = records["record_id"].tolist() if "record_id" in records else records.index.tolist()
    position = {rid: i for i, rid in enumerate(ids)}
    predicted = list(range(-1, -len(ids) - 1, -1))  # every record alone ...
    for group, rid in zip(duplicates["group"], duplicates["record_id"]):
        predicted[position[rid]] = group  # ... unless it is in a group
    found = _pairs_from_labels(predicted)
    true = _pairs_from_labels(records[truth].tolist())
    correct = len(found & true)
    precision = correct / len(found) if found else 1.0
    recall = correct / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return pd.DataFrame([{"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                          "pairs_found": len(found), "true_pairs": len(true), "correct_pairs": correct}])
