"""check() and the error explainer in a real kernel: feedback follows the answer cell's latest run.

Each test runs a small notebook from exercises/ (so the real checks files are used) with nbclient,
keeping going after errors, and reads the outputs as a student would see them.
"""

import html
import re

import nbformat
import pytest

from kit.notebooks.run import run_notebook
from tests.notebooks import ROOT

SETUP = 'import kit.data\nfrom kit.checks import checker\ncheck = checker("00-getting-started")\n' \
        'schools = kit.data.load("schools_panel")'


def run(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    run_notebook(nb, cwd=ROOT / "exercises", timeout=120, allow_errors=True)
    return nb


def said(cell) -> str:
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("display_data", "execute_result"):
            parts.append(out.data.get("text/html", "") or out.data.get("text/plain", ""))
        elif out.output_type == "error":
            parts.append("\n".join(out.traceback))
    return "\n".join(parts)


def errors(cell):
    return [o for o in cell.outputs if o.output_type == "error"]


def test_after_keyerror_check_says_the_cell_failed_and_gives_no_stale_hint():
    """00 q1: quotes first (hint about quotes), then "Year": the check must not repeat the quotes hint."""
    nb = run(SETUP,
             '# Your answer to q1\nschools_2014 = schools[schools["year"] == "2014"]\nn_2014 = len(schools_2014)',
             'check("q1")',
             '# Your answer to q1\nschools_2014 = schools[schools["Year"] == 2014]\nn_2014 = len(schools_2014)',
             'check("q1")',
             '# Your answer to q1\nschools_2014 = schools[schools["year"] == 2014]\nn_2014 = len(schools_2014)',
             'check("q1")')
    first, stale, fixed = said(nb.cells[2]), said(nb.cells[4]), said(nb.cells[6])
    assert "quotation marks" in first
    assert errors(nb.cells[3]) and errors(nb.cells[3])[0].ename == "KeyError"
    assert "stopped with an error" in stale and "KeyError: 'Year'" in stale and "did you mean 'year'" in stale
    assert "quotation marks" not in stale and "Hint" not in stale
    assert "stopped with an error" not in fixed and "pass" in fixed


def test_a_value_typed_in_is_not_praised_where_the_model_computes_it():
    nb = run(SETUP, '# Your answer to q1\nschools_2014 = schools[schools["year"] == 2014]\nn_2014 = 1000 + 2',
             'check("q1")', '# Your answer to q1\nschools_2014 = schools[schools["year"] == 2014]\n'
             'n_2014 = len(schools_2014)', 'check("q1")')
    assert "types the value of" not in said(nb.cells[4])
    typed = said(nb.cells[2])
    assert "Well done" not in typed and "types the value of n_2014 in" in typed


def test_a_check_that_fails_on_its_own_says_so_honestly(tmp_path):
    from kit.notebooks.checks import run_check

    spec = {"questions": {"q4": {"points": 1, "hidden_tests": 0, "tests": [
        {"expression": "list(fixed.columns)", "hint": "Keep the whole table.", "points": 1, "condition": "len(value) > 0",
         "tolerance": None, "fingerprint": None}]}}}
    import pandas as pd

    message = run_check(spec, "q4", {"fixed": pd.Series([1, 2], name="coder_2")}).message
    assert "Your code raised an error" not in message
    assert "could not read your answer" in message and "one column (a Series), not a table" in message


MISTAKES = [
    ("KeyError for a column", 'schools["Year"]', "KeyError", "did you mean 'year'"),
    ("KeyError for a True/False label", 'by = schools.groupby(schools["year"] > 2014)["attainment"].mean()\nby["False"]',
     "KeyError", "without quotation marks"),
    ("NameError after a skipped cell", "n_2015 + 1", "NameError", "has not been run yet"),
    ("ambiguous truth value of a Series", 'schools[schools["year"] == 2014 and schools["attainment"] > 50]',
     "ValueError", "& (and) or | (or), with each condition in its own brackets"),
    ("string-dtype reduction", "schools.mean()", "TypeError", "arithmetic (such as a mean or a sum) on text"),
    ("a method without brackets", 'schools["attainment"].mean * 2', "TypeError", "without its round brackets"),
    ("unhashable list", 'counts = {["London", "North"]: 2}', "TypeError", "A list was used where one label"),
    ("= for ==", 'schools[schools["year"] = 2014]', "SyntaxError", "two == compare"),
    ("length mismatch", 'schools["flag"] = [1, 2, 3]', "ValueError", "different numbers of rows"),
    ("linearmodels absorbed effect",
     "import numpy as np, pandas as pd\nfrom linearmodels.panel import PanelOLS\n"
     "idx = pd.MultiIndex.from_product([range(5), range(4)], names=['school', 'year'])\n"
     "df = pd.DataFrame({'y': np.arange(20.0) % 7, 'size': np.repeat([1.0, 2, 3, 4, 5], 4)}, index=idx)\n"
     "PanelOLS(df['y'], df[['size']], entity_effects=True).fit()", "AbsorbingEffectError", "fixed effects take out"),
]


@pytest.fixture(scope="module")
def mistakes_run():
    return run(SETUP, *[code for _, code, _, _ in MISTAKES])


@pytest.mark.parametrize("what, code, ename, words", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_novice_error_is_explained_above_a_folded_traceback(mistakes_run, what, code, ename, words):
    cell = mistakes_run.cells[1 + [m[0] for m in MISTAKES].index(what)]
    error = errors(cell)
    assert error and error[0].ename == ename  # the cell still fails (the grader and nbclient see it)
    assert len(error[0].traceback) == 1  # the error itself is one line...
    shown = next(o.data["text/html"] for o in cell.outputs if o.output_type == "display_data")
    text = html.unescape(shown)
    assert "What went wrong:" in text and words in text
    assert "<details" in shown and "Show Python's full error message" in text  # ...the traceback one click away
    if ename != "SyntaxError":
        assert re.search(r"Traceback|File |Cell In|line \d", text)


def test_errors_the_explainer_does_not_know_keep_pythons_own_traceback(mistakes_run):
    nb = run(SETUP, "1 / 0")
    error = errors(nb.cells[1])[0]
    assert error.ename == "ZeroDivisionError" and len(error.traceback) > 1
    assert not [o for o in nb.cells[1].outputs if o.output_type == "display_data"]
