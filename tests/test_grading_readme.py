"""The README's worked master example builds as described and grades end to end."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import nbformat
import pytest

from kit.notebooks.build import build
from kit.grading.grade import grade
from kit.notebooks.text import convert

ROOT = Path(__file__).resolve().parents[1]
NAME = "90-reading-results"


def _example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    found = [b for b in blocks if "# # 90 Reading a school's results" in b]
    assert found, "the README's instructors' worked example (# # 90 Reading a school's results) is missing"
    return found[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("readme")
    (base / "solutions").mkdir()
    draft = base / "draft.py"
    draft.write_text(_example(), encoding="utf-8")
    convert(draft, base / "solutions" / f"{NAME}.ipynb")
    build(solutions=base / "solutions", exercises=base / "exercises", names=[NAME], workers=1)
    return base


def test_build_makes_what_the_readme_says(built):
    exercise = nbformat.read(built / "exercises" / f"{NAME}.ipynb", as_version=4)
    sources = [c.source for c in exercise.cells]
    assert "# Your answer to q1\n...\ngap = ...\ngap" in sources
    text = "\n".join(sources)
    for secret in ("HIDDEN TEST", "RUBRIC", "max(scores.values())", "intake (for example"):
        assert secret not in text
    assert exercise.metadata["kit"] == {"assignment": NAME}
    checks = (built / "exercises" / "checks" / f"{NAME}.json").read_text()
    assert '"hidden_tests": 1' in checks and "15.5" not in checks and "Use max(...)" not in checks


def test_the_example_grades_from_master_to_gradebook(built):
    exercise = nbformat.read(built / "exercises" / f"{NAME}.ipynb", as_version=4)
    subs = built / "submissions"
    subs.mkdir()
    for who, answer in (("ana", "gap = max(scores.values()) - min(scores.values())\ngap"),
                        ("ben", "gap = min(scores.values()) - max(scores.values())\ngap")):
        nb = nbformat.from_dict(nbformat.reads(nbformat.writes(exercise), as_version=4))
        cell = next(c for c in nb.cells if c.source == "# Your answer to q1\n...\ngap = ...\ngap")
        cell.source = answer
        nbformat.write(nb, subs / f"{who}.ipynb")
    grade(subs, NAME, built / "marks", solutions=built / "solutions", timeout=20, workers=2, progress=False)
    with open(built / "marks" / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert (rows["ana"]["q1"], rows["ben"]["q1"]) == ("2", "0")
    html = (built / "marks" / "feedback" / "ben.html").read_text()
    assert "subtract the lowest score from the highest" in html and "Use max(...)" not in html
