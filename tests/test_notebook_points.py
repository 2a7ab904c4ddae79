"""At most half of a notebook's automatic points come from tests the student can see.

A student can recover every visible test's answer offline from exercises/checks/*.json (the
fingerprints are salted, but a guess costs only about 50 ms) and type the values in. The project
promises that such typed values earn at most half of a notebook's automatic points: the rest
comes from hidden tests that check the student's work (the table or list they made, an
intermediate variable the question asks for), which a typed value does not pass.
"""

import pytest

from kit.notebooks.format import read_master
from tests.notebooks import ids, notebooks

MASTERS = notebooks("solutions")
MAX_VISIBLE_SHARE = 0.5

# Questions that may have no hidden test with points, and why. Keep this list short: a question
# here earns all its points from visible tests, so the notebook's other questions must make up
# for it. Only a choice, where the student's whole work is the answer they type, belongs here.
NO_HIDDEN_TEST = {
    ("01-framing-an-enquiry", "q1"): "a classification: the stance typed for each letter is the whole work",
    ("01-framing-an-enquiry", "q2"): "a choice of one letter: the letter typed is the whole work",
    ("01-framing-an-enquiry", "q4"): "one method call whose list is the answer: nothing else of the work to check",
    ("02-evidence-and-student-voice", "q1"): "a classification: the code typed for each excerpt is the whole work",
}


def _auto(master):
    return [q for q in master.questions.values() if not q.written]


@pytest.mark.parametrize("path", MASTERS, ids=ids(MASTERS))
def test_visible_tests_earn_at_most_half_the_automatic_points(path):
    master = read_master(path)
    tests = [t for q in _auto(master) for t in q.tests]
    total = sum(t.points for t in tests)
    if not total:
        pytest.skip(f"{path.stem} has no automatic points")
    visible = sum(t.points for t in tests if not t.hidden)
    share = visible / total
    assert share <= MAX_VISIBLE_SHARE + 1e-9, (
        f"{path.stem}: visible tests earn {visible:g} of {total:g} automatic points ({share:.2f}, more than "
        f"{MAX_VISIBLE_SHARE}); move points to hidden tests that check the student's work")


@pytest.mark.parametrize("path", MASTERS, ids=ids(MASTERS))
def test_every_question_has_a_hidden_test_with_points(path):
    master = read_master(path)
    lacking = [q.name for q in _auto(master)
               if not any(t.hidden and t.points > 0 for t in q.tests) and (path.stem, q.name) not in NO_HIDDEN_TEST]
    assert not lacking, (f"{path.stem}: questions {lacking} have no hidden test with points; add one that checks "
                         "the work (or, for a pure choice, give the reason in NO_HIDDEN_TEST)")


def test_the_exemptions_name_real_questions_without_hidden_points():
    """An exemption that no longer applies (the question got a hidden test, or was renamed) is removed."""
    stale = []
    by_stem = {p.stem: read_master(p) for p in MASTERS}
    for stem, name in NO_HIDDEN_TEST:
        q = by_stem.get(stem) and by_stem[stem].questions.get(name)
        if not q or q.written or any(t.hidden and t.points > 0 for t in q.tests):
            stale.append((stem, name))
    assert not stale, f"remove these from NO_HIDDEN_TEST: {stale}"
