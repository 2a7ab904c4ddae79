"""The student-voice excerpts and the belonging survey: identical everywhere, with their known truths."""

import warnings

import numpy as np
import pytest

import kit.data
from kit import reliability
from kit.data.excerpts import CODES, ITEMS, theme_codebook
from kit.errors import InputError

EXCERPTS_SHA256 = "12a375179fd2e36b16bf2c79406ba4abd1eb2dd357362e9c22650960f83213f1"
EXCERPTS_TYPOS_SHA256 = "123ad1d134de149ef28411dcea80d61a0403be43c942d335a274d26f273453f5"
SURVEY_SHA256 = "d1681c453e71a9df282670bf4c19e54d0fc7b977bbdd36c643fde91a3f7ad667"


@pytest.fixture(scope="module")
def excerpts():
    return kit.data.load("student_voice_excerpts")


@pytest.fixture(scope="module")
def survey():
    return kit.data.load("student_survey")


def test_checksums_are_pinned(excerpts, survey):
    assert kit.data.checksum(excerpts) == EXCERPTS_SHA256
    assert kit.data.checksum(kit.data.load("student_voice_excerpts", typos=4)) == EXCERPTS_TYPOS_SHA256
    assert kit.data.checksum(survey) == SURVEY_SHA256


def test_catalogue_and_codebooks(excerpts, survey):
    names = kit.data.list_datasets()["name"].tolist()
    assert {"student_voice_excerpts", "student_survey"} <= set(names)
    assert kit.data.codebook("student_voice_excerpts")["column"].tolist() == list(excerpts.columns)
    assert kit.data.codebook("student_survey")["column"].tolist() == list(survey.columns)
    book = theme_codebook()
    assert book["code"].tolist() == list(CODES) and book.notna().all().all()


def test_excerpts_are_a_few_hundred_distinct_sentences(excerpts):
    assert len(excerpts) == 300 and excerpts["excerpt_id"].is_unique and excerpts["text"].is_unique
    assert excerpts["text"].str.len().between(20, 200).all()
    assert set(excerpts["theme"]) == set(CODES) and set(excerpts["coder_1"]) == set(CODES)
    assert set(excerpts["coder_2"]) == set(CODES)
    assert excerpts["school"].isin([f"NLC{k:02d}" for k in range(1, 7)]).all()
    # the third coder coded only some excerpts
    assert 0.3 < excerpts["coder_3"].notna().mean() < 0.5


def test_known_agreement_is_what_the_data_hold(excerpts):
    a = excerpts.attrs
    same = (excerpts["coder_1"] == excerpts["coder_2"]).to_numpy()
    ambiguous = excerpts["second_theme"].notna().to_numpy()
    assert a["agreement"] == pytest.approx(same.mean(), abs=1e-4)
    assert a["agreement_ambiguous"] == pytest.approx(same[ambiguous].mean(), abs=1e-4)
    # deliberate disagreements: ambiguous excerpts are coded alike far less often
    assert a["agreement_ambiguous"] < a["agreement_clear"] - 0.15
    assert 0.70 < a["agreement"] < 0.85 and a["n_ambiguous"] == ambiguous.sum() == 36
    assert a["accuracy"]["coder_1"] > a["accuracy"]["coder_2"]
    kappa = reliability.cohen_kappa("coder_1", "coder_2", data=excerpts)
    assert kappa["agreement"].iloc[0] == pytest.approx(a["agreement"], abs=1e-4)
    assert 0.65 < kappa["estimate"].iloc[0] < 0.8


def test_typos_option_plants_a_detectable_misspelling():
    frame = kit.data.load("student_voice_excerpts", typos=4)
    assert len(frame.attrs["typo_rows"]) == 4
    wrong = set(frame["coder_2"]) - set(CODES)
    assert len(wrong) == 1
    typo_ids = frame.loc[frame["coder_2"].isin(wrong), "excerpt_id"].tolist()
    assert typo_ids == frame.attrs["typo_rows"]
    with pytest.raises(InputError, match="look like typos"):
        reliability.cohen_kappa("coder_1", "coder_2", data=frame)
    with pytest.raises(InputError, match="not in the codebook"):
        reliability.cohen_kappa("coder_1", "coder_2", data=frame, codebook=list(CODES))


def test_survey_scale_has_reverse_keyed_and_weak_items(survey):
    a = survey.attrs
    items = a["scale_items"]
    assert items == list(ITEMS) and a["reverse_keyed"] == ["belong_3", "belong_5", "belong_7"]
    answers = survey[items]
    assert answers.stack().between(1, 5).all() and 0.01 < answers.isna().mean().mean() < 0.04
    with pytest.warns(UserWarning, match="belong_3"):
        raw = reliability.cronbach_alpha(answers)
    assert raw["estimate"].iloc[0] < 0  # unreversed items cancel out
    fixed = reliability.reverse_score(answers, a["reverse_keyed"], low=1, high=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alpha = reliability.cronbach_alpha(fixed)["estimate"].iloc[0]
    stats = reliability.item_statistics(fixed).set_index("item")
    assert stats["alpha_if_dropped"].idxmax() == a["weak_item"]
    without = reliability.cronbach_alpha(fixed.drop(columns=a["weak_item"]))["estimate"].iloc[0]
    # rounding to 1-5 answers loses a little reliability, never gains much
    assert alpha < without < a["population_alpha"] + 0.01
    assert without == pytest.approx(a["population_alpha"], abs=0.04)


def test_survey_mobility_and_attendance_go_together(survey):
    # pupils who joined mid-phase report lower belonging and attend less (the true effect is -0.5 SD)
    mobile = survey["joined_mid_phase"]
    assert 0.1 < mobile.mean() < 0.25
    assert survey.loc[mobile, "belong_1"].mean() < survey.loc[~mobile, "belong_1"].mean()
    assert survey.loc[mobile, "attendance"].mean() < survey.loc[~mobile, "attendance"].mean()
    assert survey["attendance"].between(55, 100).all()


def test_builders_refuse_silly_options():
    with pytest.raises(InputError, match="n_excerpts"):
        kit.data.load("student_voice_excerpts", n_excerpts=5)
    with pytest.raises(InputError, match="typos"):
        kit.data.load("student_voice_excerpts", n_excerpts=60, typos=30)
    with pytest.raises(InputError, match="missing_rate"):
        kit.data.load("student_survey", missing_rate=0.9)
    assert not np.array_equal(kit.data.load("student_survey", seed=1)["belong_1"].fillna(0),
                              kit.data.load("student_survey", seed=2)["belong_1"].fillna(0))
