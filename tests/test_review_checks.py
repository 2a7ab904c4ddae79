"""The checks of notebook 03 give the useful hint for typical wrong answers, and pass right ones.

Each case runs ``kit.checks.run_check`` with the committed exercises/checks/03-reviewing-the-evidence.json
and a namespace holding a student's answer, right or typically wrong, recomputed here from the data.
"""

import json

import pytest

import kit
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


def _colleague_ris(folder):
    """A short version of the colleague's RIS file of section 2: its second record has no title."""
    text = ("TY  - JOUR\nTI  - School-to-school collaboration in England\nAU  - Armstrong, Paul W.\nPY  - 2021\n"
            "DO  - 10.0000/practice.2021.001\nER  - \n\n"
            "TY  - JOUR\nAU  - Chapman, Christopher\nPY  - 2019\nER  - \n\n"
            "TY  - JOUR\nTI  - Why network? Theoretical perspectives on networking\nAU  - Muijs, Daniel\nPY  - 2010\nER  - \n")
    path = folder / "colleague_eric_export.ris"
    path.write_text(text, encoding="utf-8")
    return path


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


def test_q1_broken_line(spec, tmp_path):
    assert run_check(spec, "q1", {"broken_line": 10}).all_passed  # the record without a title starts on line 10
    assert "table of problems" in first_hint(run_check(spec, "q1", {"broken_line": 1}))
    # Typical mistakes: the problems table's column (or the text "10") instead of one number; the record's place.
    problems = review.import_problems(review.read_export(_colleague_ris(tmp_path)))
    assert len(problems) == 1  # one damaged record, as in the notebook
    for wrong in (problems["line"], problems, "10"):
        assert "one whole number" in first_hint(run_check(spec, "q1", {"broken_line": wrong}))
    assert "not the record's place" in first_hint(run_check(spec, "q1", {"broken_line": 2}))


def test_q2_distinct_abstracts(spec, data):
    records = data[0]
    raw = records["abstract"].nunique()
    right = (raw, review.normalise_text(records["abstract"]).nunique())
    assert all(run_check(spec, "q2", {"n_distinct_raw": right[0], "n_distinct_normalised": right[1]}).passed)
    # Typical mistake: forgetting to normalise, so both counts are the same.
    hint = first_hint(run_check(spec, "q2", {"n_distinct_raw": raw, "n_distinct_normalised": raw}))
    assert "normalise_text" in hint
    # Counting every record with len(); listing the texts with .unique(); normalising the (empty) titles.
    assert "34 is the number of records" in first_hint(run_check(spec, "q2", {"n_distinct_raw": 34, "n_distinct_normalised": 34}))
    unique_lists = {"n_distinct_raw": records["abstract"].unique(),
                    "n_distinct_normalised": review.normalise_text(records["abstract"]).unique()}
    assert "whole numbers" in first_hint(run_check(spec, "q2", unique_lists))
    titles = review.normalise_text(records["title"]).nunique()
    assert "'abstract' column" in first_hint(run_check(spec, "q2", {"n_distinct_raw": raw, "n_distinct_normalised": titles}))


def test_q3_unique_records(spec, data):
    assert all(run_check(spec, "q3", {"n_unique": 13}).passed)  # 13 distinct abstracts, checked by hand
    assert "not the 34 you started with" in first_hint(run_check(spec, "q3", {"n_unique": 34}))
    # Typical mistakes: the table itself; the number of copies removed (21 of the 34) rather than kept.
    records = data[0]
    assert "one whole number" in first_hint(run_check(spec, "q3", {"n_unique": review.deduplicate(records)}))
    removed = int((~review.find_duplicates(records)["keep"]).sum())
    assert removed == 21
    assert "not the copies removed" in first_hint(run_check(spec, "q3", {"n_unique": removed}))


def test_q4_exact_recall(spec, data):
    synthetic = data[1]
    exact = review.find_duplicates(synthetic, fuzzy=False, use_doi=False)
    right = float(review.score_against_truth(synthetic, exact)["recall"].iloc[0])
    assert run_check(spec, "q4", {"kit": kit, "synthetic": synthetic, "exact_recall": right}).all_passed
    # Typical mistakes: the number of pairs instead of the recall; the full method's recall.
    assert "proportion between 0 and 1" in first_hint(run_check(spec, "q4", {"kit": kit, "synthetic": synthetic, "exact_recall": 371}))
    full = float(review.score_against_truth(synthetic, review.find_duplicates(synthetic))["recall"].iloc[0])
    assert "fuzzy=False, use_doi=False" in first_hint(run_check(spec, "q4", {"kit": kit, "synthetic": synthetic, "exact_recall": full}))
    # The score table or column; the precision (1.0) instead of the recall; a percentage; rounding is fine.
    score = review.score_against_truth(synthetic, exact)
    assert "one number" in first_hint(run_check(spec, "q4", {"kit": kit, "synthetic": synthetic, "exact_recall": score["recall"]}))
    assert "not 'precision'" in first_hint(run_check(spec, "q4", {"kit": kit, "synthetic": synthetic, "exact_recall": float(score["precision"].iloc[0])}))
    assert "not 50" in first_hint(run_check(spec, "q4", {"kit": kit, "synthetic": synthetic, "exact_recall": 100 * right}))
    assert run_check(spec, "q4", {"kit": kit, "synthetic": synthetic, "exact_recall": round(right, 2)}).all_passed


def test_q6_screening(spec, data):
    synthetic, unique, screened = data[1], data[2], data[3]
    right = int((screened["decision"] == "include").sum())
    assert run_check(spec, "q6", {"kit": kit, "unique_synthetic": unique, "include": INCLUDE, "n_included": right}).all_passed
    # Typical mistakes: counting every screened row; screening the raw export with its duplicates.
    assert "'decision' column" in first_hint(run_check(spec, "q6", {"kit": kit, "unique_synthetic": unique, "include": INCLUDE, "n_included": len(screened)}))
    # Counting the excluded ones; giving the table of counts.
    assert "fewer than half" in first_hint(run_check(spec, "q6", {"kit": kit, "unique_synthetic": unique, "include": INCLUDE, "n_included": int((screened["decision"] == "exclude").sum())}))
    assert "one whole number" in first_hint(run_check(spec, "q6", {"kit": kit, "unique_synthetic": unique, "include": INCLUDE, "n_included": screened["decision"].value_counts()}))
    raw = review.screen(synthetic, include=INCLUDE, exclude=EXCLUDE)
    wrong = int((raw["decision"] == "include").sum())
    assert wrong != right
    assert "de-duplicated records" in first_hint(run_check(spec, "q6", {"kit": kit, "unique_synthetic": unique, "include": INCLUDE, "n_included": wrong}))


def test_q7_prisma(spec, data):
    synthetic, screened = data[1], data[3]
    dups = review.find_duplicates(synthetic)
    exclusions = {"not empirical": 6, "not about collaboration between schools": 5}
    # PRISMA 2020: the keyword screen is an automation tool; reviewers exclude 25; 3 companion reports
    counts = review.prisma_counts(synthetic, dups, removed_automation=screened, excluded_screening=25, not_retrieved=4,
                                  excluded_full_text=exclusions, studies_included=182)
    n = counts[counts["item"] == ""].set_index("box")["n"]
    assert (n["removed_automation"], n["screened"], n["included_reports"], n["included"]) == (1058, 225, 185, 182)
    assert run_check(spec, "q7", {"n_studies": int(n["included"]), "counts": counts}).all_passed
    # reports of included studies instead of studies: the record/report/study distinction is tested
    assert '"included_reports"' in first_hint(run_check(spec, "q7", {"n_studies": 185, "counts": counts}))
    assert "'box' is \"included\"" in first_hint(run_check(spec, "q7", {"n_studies": len(synthetic), "counts": counts}))
    # the keyword screen passed as the reviewers' exclusions (the old flow): told to report it as automation
    old = review.prisma_counts(synthetic, dups, screened, not_retrieved=4, excluded_full_text=exclusions)
    assert "removed_automation=screened_all" in first_hint(run_check(spec, "q7", {"n_studies": 182, "counts": old}))
    column = counts.loc[counts["box"] == "included", "n"]
    assert "one whole number" in first_hint(run_check(spec, "q7", {"n_studies": column, "counts": counts}))


def test_q8_top_theme(spec, data):
    screened = data[3]
    tags = review.tag_themes(screened[screened["decision"] == "include"], THEMES)
    sums = tags[list(THEMES)].sum()
    assert run_check(spec, "q8", {"top_theme": sums.idxmax()}).all_passed
    assert "leave out 'n_themes'" in first_hint(run_check(spec, "q8", {"top_theme": "n_themes"}))
    assert not run_check(spec, "q8", {"top_theme": sums.idxmin()}).all_passed
    # The count instead of the name; the name typed with a capital.
    assert "name of one theme" in first_hint(run_check(spec, "q8", {"top_theme": int(sums.max())}))
    assert "small letters" in first_hint(run_check(spec, "q8", {"top_theme": sums.idxmax().capitalize()}))
