"""Submissions from different students that are identical or nearly so, listed for the instructor.

Nothing here changes a mark: each submission keeps its own result and its own written marks.
``OUT/similar.csv`` lists each pair of *different students* whose files are byte-identical, or
whose own writing (every cell they added or changed, all questions together, with runs of
spaces and blank lines collapsed) is at least :data:`THRESHOLD` alike on rapidfuzz's
``fuzz.ratio`` (0-100, the normalised Levenshtein similarity), provided they wrote at least
:data:`MIN_CHARS` characters. ``same_questions`` names the questions whose answers are at
least as alike, so a shared short correct line (``n = len(df)``) alone never flags a pair.

>>> a = {"student_id": "1", "name": "a.ipynb", "sha256": "x"}
>>> b = {"student_id": "2", "name": "b.ipynb", "sha256": "x"}
>>> pairs = similar_pairs([(a, {"q1": "n = 1"}), (b, {"q1": "n = 1"})])
>>> pairs[0]["how_alike"], pairs[0]["identical_file"], pairs[0]["same_questions"]
(100, 'yes', 'q1 (100)')
"""

from __future__ import annotations

import json
import re

__all__ = ["answers_of", "similar_pairs", "HEADER", "THRESHOLD", "MIN_CHARS"]

THRESHOLD = 90
MIN_CHARS = 80
HEADER = ["student_a", "name_a", "submission_a", "student_b", "name_b", "submission_b", "how_alike",
          "identical_file", "same_questions"]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\r\n", "\n")).strip()


def answers_of(data: bytes, spec: dict) -> dict[str, str]:
    """What the student wrote in each question's region (cells not in the exercise), normalised.

    Cells outside any question count under ``""``. An unreadable file gives ``{}``.
    """
    import nbformat

    from kit.notebooks.run import locate_questions

    try:
        nb = nbformat.from_dict(json.loads(data.decode("utf-8-sig")))
        cells = [(c.get("cell_type"), "".join(c.source) if isinstance(c.source, list) else str(c.source))
                 for c in nb.cells]
    except Exception:  # not a notebook: nothing to compare
        return {}
    given = {_normal(src) for _, src in spec["exercise_cells"]}
    shell = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(s) if k == "markdown"
                                            else nbformat.v4.new_code_cell(s) for k, s in cells])
    owner = [""] * len(cells)
    for name, (start, end) in locate_questions(shell).items():
        for i in range(start, end + 1):
            owner[i] = name
    out: dict[str, list[str]] = {}
    for (kind, src), name in zip(cells, owner):
        text = _normal(src)
        if text and text not in given:
            out.setdefault(name, []).append(text)
    return {name: "\n".join(parts) for name, parts in out.items()}


def similar_pairs(items: list[tuple[dict, dict[str, str]]], threshold: int = THRESHOLD,
                  min_chars: int = MIN_CHARS) -> list[dict]:
    """Rows of ``similar.csv`` for ``items`` = [(result, answers_of(...)), ...], most alike first."""
    from rapidfuzz import fuzz

    rows = []
    for i, (a, answers_a) in enumerate(items):
        for b, answers_b in items[i + 1:]:
            if a["student_id"] == b["student_id"]:
                continue
            identical = a["sha256"] == b["sha256"]
            text_a = "\n".join(answers_a[k] for k in sorted(answers_a))
            text_b = "\n".join(answers_b[k] for k in sorted(answers_b))
            if identical:
                score = 100
            elif min(len(text_a), len(text_b)) < min_chars:
                continue
            else:
                score = round(fuzz.ratio(text_a, text_b))
                if score < threshold:
                    continue
            same = []
            for q in sorted(set(answers_a) & set(answers_b)):
                if not q:
                    continue
                alike = round(fuzz.ratio(answers_a[q], answers_b[q]))
                if alike >= threshold:
                    same.append(f"{q} ({alike})")
            rows.append({"student_a": a["student_id"], "name_a": a.get("student_name", ""), "submission_a": a["name"],
                         "student_b": b["student_id"], "name_b": b.get("student_name", ""), "submission_b": b["name"],
                         "how_alike": score, "identical_file": "yes" if identical else "no",
                         "same_questions": ", ".join(same)})
    return sorted(rows, key=lambda r: (-r["how_alike"], r["student_a"], r["student_b"]))
