"""Small pieces of kit grade: names, judging plain values, capped output, feedback safety, LMS rows, marks."""

from __future__ import annotations

import json

import nbformat
import pytest

from kit.notebooks.capture import evaluate
from kit.errors import GradingError
from kit.grading import collect, feedback, judge, lms, manual
from kit.grading.run import Limits, execute_submission
from kit.grading.sandbox import isolation_available


@pytest.mark.parametrize("name, expected", [
    ("smithjane_12345_6789012_00-getting-started.ipynb", ("12345", "smithjane", "canvas")),
    ("smithjane_LATE_12345_6789012_00-getting-started-1.ipynb", ("12345", "smithjane", "canvas")),
    ("Jane Smith_4711_assignsubmission_file_/00-getting-started.ipynb", ("4711", "Jane Smith", "moodle")),
    ("Jane Smith_4711_assignsubmission_file_00-getting-started.ipynb", ("4711", "Jane Smith", "moodle")),
    ("week1/ali_k.ipynb", ("ali_k", "", "")),
])
def test_student_ids_from_lms_file_names(name, expected):
    info = collect.parse_name(name)
    assert (info["student_id"], info["student_name"], info["lms"]) == expected


def test_student_id_from_notebook_metadata(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kit"] = {"assignment": "00-getting-started", "student_id": "s1234567"}
    (tmp_path / "download (3).ipynb").write_text(nbformat.writes(nb))
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    found = collect.collect(tmp_path)
    assert [s.student_id for s in found] == ["s1234567"]


def test_empty_folder_is_explained(tmp_path):
    with pytest.raises(GradingError, match="No files were found"):
        collect.collect(tmp_path)


TEST = {"expression": "x", "points": 1.0, "hidden": False, "hint": "Look again.", "condition": None,
        "tolerance": None, "expected": {"a": [1, 2.5]}}


def test_judging_uses_plain_values_and_tolerance():
    assert judge.judge_test(TEST, {"status": "ok", "value": {"a": [1, 2.5]}})["passed"]
    assert not judge.judge_test(TEST, {"status": "ok", "value": {"a": [1, 2.6]}})["passed"]
    loose = dict(TEST, tolerance=0.2)
    assert judge.judge_test(loose, {"status": "ok", "value": {"a": [1, 2.6]}})["passed"]
    cond = dict(TEST, condition="0 < value < 1", expected=None)
    assert judge.judge_test(cond, {"status": "ok", "value": 0.5})["passed"]
    assert not judge.judge_test(cond, {"status": "ok", "value": "__import__('os')"})["passed"]


def test_an_always_equal_object_never_reaches_the_judge():
    class Liar:
        def __eq__(self, other):
            return True

    class Sly(float):
        def __eq__(self, other):
            return True

    for value in (Liar(), Sly(2.5), [Liar()], {"a": Sly(1.0)}):
        result = evaluate("x", {"x": value})
        assert result["status"] == "unplain"
        assert not judge.judge_test(TEST, result)["passed"]


def test_hidden_test_failures_reveal_nothing():
    hidden = dict(TEST, hidden=True, hint="SECRET HINT", expression="secret_expr")
    out = judge.judge_test(hidden, {"status": "ok", "value": 3})
    assert out["message"] == judge.HIDDEN_FAILED
    assert "SECRET" not in json.dumps(out) and "secret_expr" not in json.dumps(out)


def test_best_of_region_and_end_captures():
    question = {"points": 1.0, "tests": [TEST]}
    best = judge.judge_question(question, [{"status": "unanswered"}], [{"status": "ok", "value": {"a": [1, 2.5]}}])
    assert best["score"] == 1.0


def test_output_is_capped_as_it_arrives():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("for _ in range(40):\n    print('y' * 500_000)"),
        nbformat.v4.new_code_cell("print('after')"),
    ])
    run = execute_submission(nb, Limits(cell_timeout=20, notebook_timeout=60, output_mb=0.5, memory_mb=1024))
    kept = sum(len(o.get("text", "")) for c in nb.cells for o in c.outputs)
    assert run.output_truncated and kept < 600_000
    assert not any("after" in o.get("text", "") for o in nb.cells[1].outputs)  # the budget is per notebook


@pytest.mark.skipif(not isolation_available(), reason="Linux user namespaces are not available here")
def test_kernel_has_no_network_and_a_read_only_world(tmp_path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "answers.txt").write_text("42")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import socket, os\n"
        "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=2); net = 'open'\nexcept OSError:\n    net = 'closed'\n"
        f"print(net, os.path.exists({str(tmp_path / 'secret')!r}), os.access('/usr', os.W_OK))")])
    execute_submission(nb, Limits(cell_timeout=20, notebook_timeout=60))
    assert nb.cells[0].outputs[0]["text"].strip() == "closed False False"  # allow-list: the folder is not there at all


def test_feedback_escapes_everything_the_student_controls():
    spec = {"assignment": "00-getting-started", "max_points": 1.0, "exercise_cells": [("markdown", "# Title")],
            "questions": [{"name": "q1", "points": 1.0, "written": False, "tests": [TEST]}]}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("### Question q1 (1 point)\n<script>alert(1)</script>"),
        nbformat.v4.new_markdown_cell("[x](javascript:alert(2)) <img src=x onerror=alert(3)>"),
        nbformat.v4.new_raw_cell("<script>alert(4)</script>", metadata={"raw_mimetype": "text/html"}),
        nbformat.v4.new_code_cell("x", outputs=[
            nbformat.v4.new_output("display_data", data={"text/html": "<script>alert(5)</script>",
                                                         "application/javascript": "alert(6)",
                                                         "image/png": "\" onerror=\"alert(7)",
                                                         "text/plain": "<b>plain</b>"}),
            nbformat.v4.new_output("error", ename="E", evalue="<script>", traceback=["<script>alert(8)</script>"])]),
    ])
    result = {"student_id": "<script>alert(9)</script>", "student_name": "", "name": "a<b>.ipynb", "status": "graded",
              "reason": "<i>", "total": 0, "scores": {"q1": 0.0},
              "tests": {"q1": [judge.judge_test(TEST, {"status": "error", "detail": "<script>alert(10)</script>"})]},
              "executed": nbformat.writes(feedback.clean_for_feedback(nb))}
    page = feedback.render(result, spec)
    import re

    assert "<script" not in page.lower()
    assert not re.search(r"<[^>]*(onerror|href=.javascript)", page, re.IGNORECASE)
    assert "&lt;b&gt;plain&lt;/b&gt;" in page and "Question q1: 0 of 1 points" in page


def test_lms_rows_leave_unmarked_blank():
    rows = [{"student_id": "4711", "student_name": "Jane Smith", "lms": "moodle", "total": "", "status": "crashed",
             "submission": "a.ipynb"}]
    header, out = lms.moodle_rows(rows, 5)
    assert out[0]["Identifier"] == "Participant 4711" and out[0]["Grade"] == ""
    header, out = lms.canvas_rows(rows, "Week 1 (987)", 5)
    assert header[-1] == "Week 1 (987)" and out[1]["SIS Login ID"] == "4711"


@pytest.mark.parametrize("row, message", [
    ({"question": "q9", "marks": "1", "sha256": "ab", "submission": "a.ipynb"}, "not a written question"),
    ({"question": "q3", "marks": "lots", "sha256": "ab", "submission": "a.ipynb"}, "not a number"),
    ({"question": "q3", "marks": "-1", "sha256": "ab", "submission": "a.ipynb"}, "outside 0 to 2"),
    ({"question": "q3", "marks": "1", "sha256": "zz", "submission": "a.ipynb"}, "not in the latest gradebook"),
])
def test_bad_marks_are_refused_with_the_row(row, message):
    with pytest.raises(GradingError, match=message):
        manual.read_marks([row], {"q3": 2.0}, {("a.ipynb", "ab"): "abcdef"})


def test_marks_with_decimal_comma_and_blank_rows():
    rows = [{"question": "q3", "marks": "1,5", "sha256": "ab", "submission": "a.ipynb"},
            {"question": "q3", "marks": "", "sha256": "ab", "submission": "a.ipynb"}]
    assert manual.read_marks(rows, {"q3": 2.0}, {("a.ipynb", "ab"): "abcdef"}) == {
        "abcdef": {"q3": {"marks": 1.5, "comment": ""}}}


@pytest.mark.parametrize("student, master, tolerance", [
    (0.12345649, 0.12345651, None),   # the review's case: check() refused it, the grader gave full marks
    (0.1234, 0.1235, None), (2.6, 2.5, 0.2), (2.75, 2.5, 0.2), (1.000001, 0.9999995, None), (-0.0, 1e-12, None),
    (15, 15.0, None), (3.14159, 3.1416, 0.001),
])
def test_check_and_the_grader_agree_on_every_number(student, master, tolerance):
    """One meaning of correct: what check() tells the student is what the grader marks."""
    from kit.notebooks.checks import question_entry, run_check

    cheap = {"method": "scrypt", "n": 2, "r": 1, "p": 1}
    meta = {"name": "q1", "points": 1.0, "tests": [{"expression": "x", "hint": "Look again.", "points": 1.0,
                                                    "hidden": False, "condition": None, "tolerance": tolerance}]}
    entry = question_entry(meta, [{"status": "ok", "value": master}], salt="agree", params=cheap)
    said = run_check({"questions": {"q1": entry}, "fingerprint": cheap}, "q1", {"x": student}).all_passed
    marked = judge.judge_test(dict(meta["tests"][0], expected=master), {"status": "ok", "value": student})["passed"]
    assert said == marked, (student, master, tolerance, said, marked)


def test_a_course_under_tmp_is_refused_with_where_to_put_it(monkeypatch):
    """Each room mounts a fresh /tmp, so a .venv under /tmp vanished inside it ('execvp ... No such file'),
    and the grader blamed user namespaces."""
    from kit.grading import sandbox

    monkeypatch.setattr(sandbox, "view_paths", lambda: [("ro", "/usr"), ("ro", "/tmp/course/.venv")])
    monkeypatch.setattr(sandbox, "_PROBE", [])
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "/usr/bin/bwrap")
    problem = sandbox.isolation_problem()
    assert "/tmp/course/.venv is under /tmp" in problem and "another folder" in problem
    assert "user namespaces" not in problem
