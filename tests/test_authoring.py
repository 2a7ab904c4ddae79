"""The master-notebook format: what kit build makes, and what it refuses (with file, cell, fix)."""

import json
import subprocess
import sys

import nbformat
import pytest

from kit.notebooks.format import ANSWER_PROMPT, parse_master
from kit.notebooks.build import build
from kit.errors import AuthoringError
from kit.notebooks.text import from_text

GOOD = '''# %% [markdown]
# # Demo

# %%
from kit.checks import checker
check = checker("demo")
data = [3, 5, 10]

# %% [markdown]
# ### Question q1 (2 points)
# Store the mean of `data` in `mean_value`.

# %%
### BEGIN SOLUTION
total_secret_sum = sum(data)
mean_value = total_secret_sum / len(data)
### END SOLUTION

# %%
# TEST q1 (1 point)
# hint: The mean is positive here.
# check: value > 0
mean_value

# %%
# HIDDEN TEST q1 (1 point)
# hint: SECRET-HIDDEN-HINT add the values and divide by how many there are.
mean_value

# %%
check("q1")

# %% [markdown]
# ### Question q2 (1 point)

# %%
largest = max(data)  # SOLUTION

# %%
# TEST q2 (1 point)
# hint: Use max(...).
largest

# %%
check("q2")

# %% [markdown]
# ### Question q3 (2 points, written)
# Why?

# %% [markdown]
# ### BEGIN SOLUTION
# MODEL-ANSWER-TEXT because averages hide spread.
# ### END SOLUTION

# %% [markdown]
# ### RUBRIC
# - 1 point: RUBRIC-LINE-ONE mentions spread.
# - 1 point: gives an example.

# %% [markdown]
# ## Summary
'''


def nb(text):
    return from_text(text, "demo")


def refuse(text, *fragments):
    with pytest.raises(AuthoringError) as err:
        parse_master(nb(text), "solutions/demo.ipynb")
    message = str(err.value)
    assert "solutions/demo.ipynb" in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_good_master_gives_a_student_version_without_solutions_tests_or_rubric():
    master = parse_master(nb(GOOD), "solutions/demo.ipynb")
    text = nbformat.writes(master.notebook)
    assert set(master.questions) == {"q1", "q2", "q3"}
    assert [t.hidden for t in master.questions["q1"].tests] == [False, True]
    assert master.questions["q3"].written and "RUBRIC-LINE-ONE" in master.questions["q3"].rubric
    for secret in ("total_secret_sum", "SECRET-HIDDEN-HINT", "MODEL-ANSWER-TEXT", "RUBRIC-LINE-ONE", "max(data)",
                   "BEGIN SOLUTION", "# TEST", "HIDDEN TEST"):
        assert secret not in text, secret
    sources = [c.source for c in master.notebook.cells]
    assert "# Your answer to q2\nlargest = ..." in sources
    assert "# Your answer to q1\n..." in sources
    assert ANSWER_PROMPT in sources
    assert master.notebook.metadata["kit"] == {"assignment": "demo"}
    answers = [c.source for c in master.answers.cells]
    assert "largest = max(data)" in answers and any("total_secret_sum / len(data)" in s for s in answers)


@pytest.mark.parametrize("bad, fragments", [
    (GOOD.replace("### END SOLUTION\n\n# %%\n# TEST q1", "\n# %%\n# TEST q1", 1), ("cell 4", "never closed", "### END SOLUTION")),
    (GOOD.replace("### BEGIN SOLUTION\ntotal", "### BEGIN SOLUTIONS\ntotal"), ("cell 4", "not exactly")),
    (GOOD.replace("### BEGIN SOLUTION\ntotal", "# BEGIN SOLUTION\ntotal"), ("not exactly",)),
    (GOOD.replace("### Question q2 (1 point)", "### Question q1 (1 point)"), ("defined twice",)),
    (GOOD.replace("### Question q1 (2 points)", "### Question q1 (two points)"), ("cell 3", "not one")),
    (GOOD.replace("# TEST q2 (1 point)", "# TEST q9 (1 point)"), ("q9", "inside question 'q2'")),
    (GOOD.replace("# %% [markdown]\n# ### Question q1 (2 points)", "# %% [markdown]\n# Intro"), ("outside any question",)),
    (GOOD.replace("# HIDDEN TEST q1 (1 point)", "# HIDDEN TEST q1 (3 points)"), ("add up", "worth 2")),
    (GOOD.replace("# hint: Use max(...).\n", ""), ("no hint",)),
    (GOOD.replace("# %% [markdown]\n# ### RUBRIC", "# %% [markdown]\n# Not a rubric"), ("no rubric",)),
    (GOOD.replace('check("q2")', 'print("no check")'), ("no check cell",)),
    (GOOD.replace("largest = max(data)  # SOLUTION", "max(data)  # SOLUTION"), ("not 'name = value  # SOLUTION'",)),
    (GOOD.replace("# TEST q2 (1 point)", "# TEST q2 (1 pt)"), ("looks like a test header",)),
    (GOOD.replace("# check: value > 0", "# check: value >"), ("not valid Python",)),
])
def test_ambiguous_or_malformed_masters_are_refused_with_file_cell_and_fix(bad, fragments):
    refuse(bad, *fragments)


def test_adds_up_message_names_the_fix():
    message = refuse(GOOD.replace("# HIDDEN TEST q1 (1 point)", "# HIDDEN TEST q1 (3 points)"), "add up")
    assert "Make the test points add up" in message


@pytest.fixture
def course(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    path = tmp_path / "solutions" / "demo.ipynb"
    path.write_text(nbformat.writes(nb(GOOD)))
    return tmp_path


def test_build_writes_exercise_and_fingerprinted_checks_then_check_mode_agrees(course):
    report = build(course / "solutions", course / "exercises")
    assert {p.name for p in report.written} == {"demo.ipynb", "demo.json"}
    checks = json.loads((course / "exercises" / "checks" / "demo.json").read_text())
    q1 = checks["questions"]["q1"]
    assert q1["hidden_tests"] == 1 and len(q1["tests"]) == 1  # hidden test not shipped
    assert "SECRET-HIDDEN-HINT" not in json.dumps(checks)
    q2 = checks["questions"]["q2"]["tests"][0]
    shown = {k: v for k, v in q2.items() if k not in ("fingerprint", "salt")}
    assert q2["fingerprint"] and "10" not in json.dumps(shown)  # a fingerprint, not the value
    assert checks["fingerprint"]["method"] == "scrypt" and q2["salt"].startswith(checks["salt"] + "/demo/q2/")
    assert build(course / "solutions", course / "exercises", check=True).ok
    again = build(course / "solutions", course / "exercises")
    assert again.written == []  # nothing changed: nothing executed or written


def test_check_mode_names_stale_and_orphaned_files_and_cli_exits_1(course):
    build(course / "solutions", course / "exercises")
    master = course / "solutions" / "demo.ipynb"
    master.write_text(master.read_text().replace("Why?", "Why not?"))
    (course / "exercises" / "old.ipynb").write_text("{}")
    report = build(course / "solutions", course / "exercises", check=True)
    assert {p.name for p in report.stale} == {"demo.ipynb", "demo.json", "old.ipynb"}
    done = subprocess.run([sys.executable, "-m", "kit.cli", "build", "--check", "--solutions", str(course / "solutions"),
                           "--exercises", str(course / "exercises")], capture_output=True, text=True)
    assert done.returncode == 1
    assert "demo.ipynb" in done.stdout and "old.ipynb" in done.stdout and "kit build" in done.stdout


def test_build_stops_on_a_test_that_fails_on_the_master(course):
    path = course / "solutions" / "demo.ipynb"
    path.write_text(nbformat.writes(nb(GOOD.replace("# check: value > 0\nmean_value", "# check: value > 0\nmean_valu"))))
    with pytest.raises(AuthoringError, match="could not be evaluated on the master"):
        build(course / "solutions", course / "exercises")


def test_tolerance_applies_to_tables_as_well_as_numbers(course):
    """Values captured from the master are plain dicts, so tables are rounded before fingerprinting."""
    from kit.checks import run_check

    text = GOOD.replace("# TEST q2 (1 point)\n# hint: Use max(...).\nlargest",
                        "# TEST q2 (1 point)\n# hint: Use max(...).\n# tolerance: 0.01\n{'m': [largest / 3]}")
    (course / "solutions" / "demo.ipynb").write_text(nbformat.writes(nb(text)))
    build(course / "solutions", course / "exercises")
    spec = json.loads((course / "exercises" / "checks" / "demo.json").read_text())
    assert run_check(spec, "q2", {"largest": 10.0001}).all_passed
    assert not run_check(spec, "q2", {"largest": 11}).all_passed


# ---- what an instructor who saved the master in Jupyter meets (grading.md, Part 1)

def test_tags_and_metadata_never_reach_the_exercise_and_only_shown_attachments_do():
    master_nb = nb(GOOD)
    answer = next(c for c in master_nb.cells if "BEGIN SOLUTION" in c.source and c.cell_type == "code")
    answer.metadata.update(tags=["answer=2.1"], execution={"iopub.execute_input": "2026-12-01"})
    header = next(c for c in master_nb.cells if c.source.startswith("### Question q3"))
    header.source += "\n![chart](attachment:chart.png)"
    header.attachments = {"chart.png": {"image/png": "AAAA"}, "marking-key.png": {"image/png": "BBBB"}}
    student = nbformat.writes(parse_master(master_nb, "solutions/demo.ipynb").notebook)
    assert "answer=2.1" not in student and "iopub.execute_input" not in student
    assert "chart.png" in student and "marking-key.png" not in student


def test_a_misspelt_checker_name_is_refused_with_the_right_one():
    refuse(GOOD.replace('checker("demo")', 'checker("dmeo")'), 'checker("dmeo") names another notebook',
           'checker("demo")')


def test_a_written_question_without_a_model_answer_is_refused():
    text = GOOD.replace("# ### BEGIN SOLUTION\n# MODEL-ANSWER-TEXT because averages hide spread.\n# ### END SOLUTION\n", "# (none)\n")
    refuse(text, "written question 'q3' has no model answer", "### BEGIN SOLUTION")


def test_a_check_cell_may_carry_a_comment_line():
    master = parse_master(nb(GOOD.replace('check("q1")', '# Run this to see how you did.\ncheck("q1")')),
                          "solutions/demo.ipynb")
    assert master.questions["q1"].has_check_cell


def test_kit_build_works_on_the_course_in_the_current_folder(course, monkeypatch):
    monkeypatch.chdir(course)
    report = build()
    assert {p.name for p in report.written} == {"demo.ipynb", "demo.json"}
    assert (course / "exercises" / "demo.ipynb").exists()
