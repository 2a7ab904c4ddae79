"""Notebooks are committed without outputs, and exercises/ is exactly what `kit build` makes."""

import json
import subprocess
import sys

import nbformat
import pytest

from kit.notebooks.format import read_master
from kit.notebooks.build import build
from tests.notebooks import ROOT, ids, notebooks

ALL = notebooks("solutions") + notebooks("exercises") + notebooks("workshops")


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i + 1 for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them (Edit > Clear Outputs of All Cells) and save"


def test_exercises_are_up_to_date():
    report = build(check=True, prove=False)  # the proofs run per master in test_wrong_answers.py
    assert report.ok, "exercises/ is stale; run `kit build`: " + ", ".join(map(str, report.stale))


def test_kit_build_check_command_exits_zero_when_up_to_date():
    done = subprocess.run([sys.executable, "-m", "kit.cli", "build", "--check", "--no-prove"], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", notebooks("solutions"), ids=ids(notebooks("solutions")))
def test_no_solution_or_hidden_test_reaches_students(path):
    """Every line of every solution region, hidden test and rubric is absent from what students get."""
    master = read_master(path)
    exercise = (ROOT / "exercises" / path.name).read_text(encoding="utf-8")
    checks = (ROOT / "exercises" / "checks" / f"{path.stem}.json").read_text(encoding="utf-8")
    student_text = exercise + checks
    student_lines = {line.strip() for c in nbformat.reads(exercise, 4).cells for line in c.source.splitlines()}
    original = nbformat.read(path, as_version=4)
    for q in master.questions.values():
        for t in q.tests:
            if t.hidden:
                assert t.hint not in student_text, f"hidden test hint of {q.name} leaked"
        if q.rubric:
            for line in q.rubric.splitlines():
                if len(line.strip()) > 12:
                    assert line.strip() not in student_text, f"rubric of {q.name} leaked"
        for line in q.model_answer.splitlines():
            if len(line.strip()) > 12:
                assert line.strip() not in student_text, f"model answer of {q.name} leaked"
    secret, shown = set(), set()
    for cell in original.cells:
        inside = False
        for line in cell.source.splitlines():
            s = line.strip()
            if s in ("### BEGIN SOLUTION", "### END SOLUTION"):
                inside = s == "### BEGIN SOLUTION"
                continue
            if inside or s.endswith("# SOLUTION"):
                secret.add(s.replace("# SOLUTION", "").strip())
            else:
                shown.add(s)
    leaked = sorted(s for s in secret - shown if len(s) > 5 and s in student_lines)
    assert not leaked, f"solution lines reached the exercise: {leaked}"
