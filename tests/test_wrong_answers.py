"""Typical wrong answers in masters: parsed by the format, never shown to students, proved by the build."""

import warnings

import nbformat
import pytest

from kit.errors import AuthoringError
from kit.notebooks.build import build
from kit.notebooks.format import parse_master, read_master
from kit.notebooks.proof import MIN_WRONG, prove
from kit.notebooks.text import from_text
from tests.notebooks import ROOT, ids, notebooks

DEMO = '''# %% [markdown]
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

# %% [raw]
# WRONG q1: added the values but did not divide
mean_value = sum(data) + 0 * 12345

# %% [raw]
# WRONG q1: typed a negative number
# hint: positive
mean_value = -6

# %% [raw]
# WRONG q1: a hint the check never gives
# hint: divide by three
mean_value = -7

# %%
# TEST q1 (1 point)
# hint: The mean is positive here.
# check: value > 0
mean_value

# %%
# HIDDEN TEST q1 (1 point)
# hint: add the values and divide by how many there are.
mean_value

# %%
check("q1")

# %% [markdown]
# ### Question q2 (1 point)

# %%
largest = max(data)  # SOLUTION

# %% [raw]
# WRONG q2: took the smallest
# hint: max
largest = min(data)

# %% [raw]
# WRONG q2: changed the data in place, then took the right maximum of the wrong list
data.append(100)
largest = max(data)

# %%
# TEST q2 (1 point)
# hint: Use max(...) of the list you were given.
largest

# %%
check("q2")

# %% [markdown]
# ### Question q3 (1 point)
# How many values are there?

# %%
count = len(data)  # SOLUTION

# %% [raw]
# WRONG q3: typed the number in, with the hint giving the answer away
count = 4

# %%
# TEST q3 (1 point)
# hint: Count the values with len(...).
count

# %%
check("q3")

# %% [markdown]
# ### Question q4 (1 point)

# %%
share = round(5 / 40, 3)  # SOLUTION

# %% [raw]
# WRONG q4: divided the wrong way round
share = round(40 / 5, 3)

# %%
# TEST q4 (1 point)
# hint: Divide 5 by 40; you should get 0.125.
share

# %%
check("q4")

# %% [markdown]
# ## Summary
'''


def demo_master(tmp_path, text=DEMO):
    (tmp_path / "solutions").mkdir(exist_ok=True)
    path = tmp_path / "solutions" / "demo.ipynb"
    nbformat.write(from_text(text, "demo"), path)
    return path


def refuse(text, *fragments):
    with pytest.raises(AuthoringError) as err:
        parse_master(from_text(text, "demo"), "solutions/demo.ipynb")
    for fragment in fragments:
        assert fragment in str(err.value), str(err.value)


def test_the_format_reads_wrong_answers_and_what_they_replace():
    master = parse_master(from_text(DEMO, "demo"), "solutions/demo.ipynb")
    q1 = master.questions["q1"]
    assert [w.what for w in q1.wrong] == ["added the values but did not divide", "typed a negative number",
                                          "a hint the check never gives"]
    assert q1.wrong[1].hints == ["positive"] and q1.wrong[1].code == "mean_value = -6"
    replaced = master.answers.cells[q1.wrong[0].replaces].source
    assert "total_secret_sum / len(data)" in replaced


@pytest.mark.parametrize("change, fragments", [
    (("# %% [raw]\n# WRONG q2: took the smallest", "# %%\n# WRONG q2: took the smallest"), ("Raw cell",)),
    (("# WRONG q2: took the smallest", "# wrong q2 took the smallest"), ("not one", "# WRONG q3:")),
    (("# WRONG q2: took the smallest", "# WRONG q1: took the smallest"), ("inside question 'q2'",)),
    (("# WRONG q2: took the smallest\n# hint: max\nlargest = min(data)", "# WRONG q2: took the smallest\n# hint: max"),
     ("has no code",)),
    (("# WRONG q2: took the smallest\n# hint: max\nlargest = min(data)", "# WRONG q2: typo\nlargest = min(data"),
     ("not valid Python",)),
])
def test_malformed_wrong_answers_are_refused_with_the_fix(change, fragments):
    refuse(DEMO.replace(*change, 1), "solutions/demo.ipynb", *fragments)


def test_a_wrong_answer_before_the_solution_is_refused():
    text = DEMO.replace("# %%\nlargest = max(data)  # SOLUTION\n\n", "").replace(
        "# %% [markdown]\n# ### Question q2 (1 point)\n", "# %% [markdown]\n# ### Question q2 (1 point)\n\n"
        "# %%\nlargest = ...  # only set-up here\n")
    refuse(text, "before any solution cell")


def test_no_wrong_answer_reaches_the_exercise_or_its_checks(tmp_path):
    path = demo_master(tmp_path)
    report = build(tmp_path / "solutions", tmp_path / "exercises", names=["demo"], workers=1, prove=False)
    assert report.written
    student = (tmp_path / "exercises" / "demo.ipynb").read_text() + (tmp_path / "exercises" / "checks" / "demo.json").read_text()
    for secret in ("WRONG", "did not divide", "0 * 12345", "mean_value = -6", "min(data)", "data.append(100)"):
        assert secret not in student, secret
    assert read_master(path).questions["q2"].wrong


@pytest.mark.parametrize("path", notebooks("solutions"), ids=ids(notebooks("solutions")))
def test_no_wrong_answer_of_a_master_reaches_students(path):
    master = read_master(path)
    shown = (ROOT / "exercises" / path.name).read_text(encoding="utf-8")
    shown += (ROOT / "exercises" / "checks" / f"{path.stem}.json").read_text(encoding="utf-8")
    exercise = nbformat.reads((ROOT / "exercises" / path.name).read_text(encoding="utf-8"), as_version=4)
    student_lines = {line.strip() for cell in exercise.cells for line in cell.source.splitlines()}
    model_lines = {line.strip() for cell in master.answers.cells for line in cell.source.splitlines()}
    assert "# WRONG" not in shown
    for q in master.questions.values():
        for wrong in q.wrong:
            assert wrong.what not in shown, f"{q.name}: the description of a wrong answer reached students"
            for line in wrong.code.splitlines():
                s = line.strip()
                if len(s) > 5 and s not in model_lines and "..." not in s:  # a blank left as the exercise has it
                    assert s not in student_lines, f"{q.name}: a wrong answer's line reached the exercise: {s!r}"


@pytest.fixture(scope="module")
def demo_proof(tmp_path_factory):
    return prove(read_master(demo_master(tmp_path_factory.mktemp("proof"))))


def outcome(proof, what):
    return next(o for o in proof.outcomes if o.what.startswith(what))


def test_the_proof_fails_a_wrong_answer_that_every_visible_check_passes(demo_proof):
    o = outcome(demo_proof, "added the values")
    assert o.score == 1 and o.points == 2  # the hidden test caught it, so it loses marks...
    assert any("every check passes" in p for p in o.problems)  # ...but check() praised it


def test_the_proof_accepts_a_wrong_answer_that_loses_marks_and_draws_its_hint(demo_proof):
    o = outcome(demo_proof, "typed a negative number")
    assert o.ok and o.score == 0 and "positive" in o.message


def test_the_proof_fails_when_the_hint_words_are_missing(demo_proof):
    o = outcome(demo_proof, "a hint the check never gives")
    assert any("divide by three" in p for p in o.problems)


def test_the_namespace_is_restored_after_each_wrong_answer(demo_proof):
    # the wrong answer appended 100 to data; had it stayed, the model's count (q3) would be 4 and the
    # typed 4 of q3's wrong answer would score full marks
    assert demo_proof.values["q3"][0]["value"] == 3
    o = outcome(demo_proof, "changed the data in place")
    assert o.score == 0  # max of [3, 5, 10, 100] is not the master's 10


def test_the_proof_fails_a_message_that_shows_the_answer(demo_proof):
    o = outcome(demo_proof, "typed the number in")
    assert o.score == 0
    assert not any("shows the master's value" in p for p in o.problems)  # a one-digit 3 is too common to judge
    assert demo_proof.too_few == {"q2": 2, "q3": 1, "q4": 1}
    o = outcome(demo_proof, "divided the wrong way round")
    assert any("shows the master's value '0.125'" in p for p in o.problems)


def test_the_proof_report_names_the_cell_and_the_questions_with_too_few(demo_proof):
    lines = demo_proof.lines()
    assert any("cell 5 (WRONG q1: added the values" in line for line in lines)
    assert any(f"fewer than {MIN_WRONG} wrong answers: q2 (2), q3 (1), q4 (1)" in line for line in lines)


@pytest.mark.slow
@pytest.mark.parametrize("path", notebooks("solutions"), ids=ids(notebooks("solutions")))
def test_every_wrong_answer_of_a_master_is_proved(path):
    """What `kit build --check` proves, one master (one kernel) per test so that xdist spreads them."""
    proof = prove(read_master(path))
    assert not proof.failures, "\n".join(proof.lines())
    if proof.too_few:
        warnings.warn(UserWarning("; ".join(line for line in proof.lines() if "fewer than" in line)))
