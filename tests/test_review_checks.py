"""The checks of notebook 03 give the useful hint for typical wrong answers, and pass right ones.

Each case runs ``kit.checks.run_check`` with the committed exercises/checks/03-reviewing-the-evidence.json
and a namespace holding a student's answer, right or typically wrong, recomputed here from the data.
"""

import json

import pytest

import kit.data
import kit.review as review
from kit.checks import run_check
from tests.notebooks import ROOT

NB = "03-reviewing-the-evidence"
INCLUDE = {
    "collaboration between schools": ["school to school", "between schools", "partnership*", "network*",
                                      "alliance*", "federation*", "multi academy trust*", "cluster*", "trio*",
                                      "peer review"],
    "UK setting": ["England", "English", "London", "Manchester", "Scotland", "Wales", "Northern Ireland"],
}
EXCLUDE = {"not a study (notice)": ["correction to", "erratum", "retraction"]}
THEMES = {
    "trust and relationships": ["trust*", "relationship*"],
    "competition and accountability": ["competit*", "accountab*"],
    "brokers and key people": ["broker*", "key individuals"],
    "changing classroom practice": ["classroom*", "joint planning"],
    "equity and disadvantage": ["disadvantag*", "equity", "unevenly"],
}


@pytest.fixture(scope="module")
def spec():
    return json.loads((ROOT / "exercises" / "checks" / f"{NB}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data():
    records = kit.data.load("review_seed_export")
    synthetic = kit.data.load("review_synthetic_export")
    unique = review.deduplicate(synthetic)
    screened = review.screen(unique, include=INCLUDE, exclude=EXCLUDE)
    return records, synthetic, unique, screened


def first_hint(result):
    assert "Hint:" in result.message, result.message
    return result.message.split("Hint:", 1)[1].splitlines()[0]


def test_all_questions_and_unanswered(spec):
    assert set(spec["questions"]) == {f"q{i}" for i in range(1, 9)}
    assert spec["questions"]["q5"]["written"]
    for name, var in [("q1", "broken_line"), ("q3", "n_unique"), ("q4", "exact_recall"), ("q8", "top_theme")]:
        result = run_check(spec, name, {var: ...})
        assert "not answered yet" in result.message and not result.all_passed
    assert "written answer" in run_check(spec, "q5", {}).message


def test_q1_broken_line(spec):
    assert run_check(spec, "q1", {"broken_line": 10}).all_passed  # the record without a title starts on line 10
    assert "table of problems" in first_hint(run_check(spec, "q1", {"broken_line": 1}))


def test_q2_distinct_abstracts(spec, data):
    records = data[0]
    raw = records["abstract"].nunique()
    right = (raw, review.normalise_text(records["abstract"]).nunique())
    assert all(run_check(spec, "q2", {"n_distinct_raw": right[0], "n_distinct_normalised": right[1]}).passed)
    # Typical mistake: forgetting to normalise, so both counts are the same.
    hint = first_hint(run_check(spec, "q2", {"n_distinct_raw": raw, "n_distinct_normalised": raw}))
    assert "normalise_text" in hint


def test_q3_unique_records(spec, data):
    assert all(run_check(spec, "q3", {"n_unique": 13}).passed)  # 13 distinct abstracts, checked by hand
    assert "fewer records than the 34" in first_hint(run_check(spec, "q3", {"n_unique": 34}))


def test_q4_exact_recall(spec, data):
    synthetic = data[1]
    exact = review.find_duplicates(synthetic, fuzzy=False, use_doi=False)
    right = float(review.score_against_truth(synthetic, exact)["recall"].iloc[0])
    assert run_check(spec, "q4", {"exact_recall": right}).all_passed
    # Typical mistakes: the number of pairs instead of the recall; the full method's recall.
    assert "proportion between 0 and 1" in first_hint(run_check(spec, "q4", {"exact_recall": 371}))
    full = float(review.score_against_truth(synthetic, review.find_duplicates(synthetic))["recall"].iloc[0])
    assert "fuzzy=False, use_doi=False" in first_hint(run_check(spec, "q4", {"exact_recall": full}))


def test_q6_screening(spec, data):
    synthetic, unique, screened = data[1], data[2], data[3]
    right = int((screened["decision"] == "include").sum())
    assert run_check(spec, "q6", {"n_included": right}).all_passed
    # Typical mistakes: counting every screened row; screening the raw export with its duplicates.
    assert "'decision' column" in first_hint(run_check(spec, "q6", {"n_included": len(screened)}))
    raw = review.screen(synthetic, include=INCLUDE, exclude=EXCLUDE)
    wrong = int((raw["decision"] == "include").sum())
    assert wrong != right
    assert "de-duplicated records" in first_hint(run_check(spec, "q6", {"n_included": wrong}))


def test_q7_prisma(spec, data):
    synthetic, screened = data[1], data[3]
    counts = review.prisma_counts(synthetic, review.find_duplicates(synthetic), screened, not_retrieved=4,
                                  excluded_full_text={"not empirical": 6, "not about collaboration between schools": 5})
    n = counts[counts["item"] == ""].set_index("box")["n"]
    assert run_check(spec, "q7", {"n_studies": int(n["included"])}).all_passed
    assert "4 reports not retrieved" in first_hint(run_check(spec, "q7", {"n_studies": len(synthetic)}))
    assert "'box' is \"included\"" in first_hint(run_check(spec, "q7", {"n_studies": int(n["sought"])}))


def test_q8_top_theme(spec, data):
    screened = data[3]
    tags = review.tag_themes(screened[screened["decision"] == "include"], THEMES)
    sums = tags[list(THEMES)].sum()
    assert run_check(spec, "q8", {"top_theme": sums.idxmax()}).all_passed
    assert "leave out 'n_themes'" in first_hint(run_check(spec, "q8", {"top_theme": "n_themes"}))
    assert not run_check(spec, "q8", {"top_theme": sums.idxmin()}).all_passed
