"""What students and instructors read: CRLF feedback, NameError inside a function, timeout reasons."""

from __future__ import annotations

import nbformat
import pytest

from kit.grading.judge import judge_test
from kit.grading.run import Execution
from kit.grading.worker import _reason
from tests import grading_fixtures as F


def test_a_name_error_inside_a_function_is_an_error_not_unanswered():
    """On 6ec511b `return hihg` inside band() read "not answered (the answer is still ...)"."""
    test = {"expression": "band(95)", "points": 1.0, "hidden": False, "hint": "", "condition": None,
            "tolerance": None, "expected": "high"}
    out = judge_test(test, {"status": "unanswered", "detail": "name 'hihg' is not defined"})
    assert out["status"] == "error" and "NameError: name 'hihg' is not defined" in out["message"]
    assert "not answered" not in out["message"]
    missing = judge_test(test, {"status": "unanswered", "detail": "name 'band' is not defined"})
    assert "not answered" in missing["message"]
    # a hidden test says it is an error, but never the error's text (it could name the hidden inputs)
    hidden = judge_test({**test, "hidden": True}, {"status": "unanswered", "detail": "name 'hihg' is not defined"})
    assert hidden["status"] == "error" and "hihg" not in hidden["message"] and "not answered" not in hidden["message"]


def _nb():
    cells = [nbformat.v4.new_markdown_cell("### Question q1 (1 point)\nDo it."), nbformat.v4.new_code_cell("x = 1"),
             nbformat.v4.new_code_cell("capture"), nbformat.v4.new_markdown_cell("## 4. Handing in"),
             nbformat.v4.new_code_cell("while True: pass"), nbformat.v4.new_code_cell("import time")]
    cells[2].metadata["kit_capture"] = True
    return nbformat.v4.new_notebook(cells=cells)


LIMITS = {"cell_timeout": 60, "notebook_timeout": 600, "memory_mb": 2048, "output_mb": 1}


def test_timeout_after_the_questions_names_no_question():
    """On 6ec511b a cell after '## 4. Handing in' was 'in Question q3', and numbers counted capture cells."""
    run = Execution(_nb(), timed_out_cells=[4])
    text = _reason(run, _nb(), "timeout", LIMITS)
    assert "Stopped after 60 s: cell 4 (an endless loop" in text and "Question" not in text
    run = Execution(_nb(), timed_out_cells=[1])
    assert "cell 2 (in Question q1)" in _reason(run, _nb(), "timeout", LIMITS)


def test_the_notebook_deadline_is_not_called_a_cell_limit():
    run = Execution(_nb(), timed_out_cells=[1, 5], deadline_hit=True)
    text = _reason(run, _nb(), "timeout", LIMITS)
    assert "ran longer than 600 s and was stopped in cell 5" in text
    assert "Stopped after 60 s: cell 2 (in Question q1)" in text and "cell 5 (an endless" not in text


@pytest.mark.skipif(not F.EXERCISE.exists(), reason="exercise 00 not built")
def test_feedback_of_a_windows_notebook_renders_its_markdown(tmp_path):
    """On 6ec511b every exercise markdown cell of a CRLF notebook showed as raw '### Question' text."""
    import json

    from kit.grading.grade import grade

    nb = json.loads(F.dump(F.answered()))
    for cell in nb["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = text.replace("\n", "\r\n")
    subs, out = tmp_path / "subs", F.seeded_out(tmp_path / "marks")
    subs.mkdir()
    (subs / "windows.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    summary = grade(subs, F.ASSIGNMENT, out, timeout=20, workers=1, progress=False)
    assert summary.results[0]["scores"] == {"q1": 1.0, "q2": 2.0, "q3": None}
    page = (out / "feedback" / "windows.html").read_text()
    assert "### Question" not in page and "<h3" in page
