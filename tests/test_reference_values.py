"""The kit against R (and Stata-convention) values on the same data: tests/reference_values.json.

Each fixture entry quotes the R call that produced it; a change that moves a number away from
R's fails here. Source of the values: /work/shared/reviews/statistics-vs-R.md (R 4.2.2).
"""

import json
import math
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kit.data
import kit.matching as km
import kit.network as kn
import kit.policy as kp
import kit.segregation as seg
import kit.stats as ks
import kit.survey as sv
from kit import agreement, scales

REF = json.loads((Path(__file__).with_name("reference_values.json")).read_text())


def close(got, key, field, value=None):
    entry = REF[key]
    want = entry[field] if value is None else value
    if "rel" in entry:
        assert got == pytest.approx(want, rel=entry["rel"]), f"{key}.{field}: {entry['source']}"
    else:
        assert got == pytest.approx(want, abs=max(entry["tol"], 0)), f"{key}.{field}: {entry['source']}"


def check_row(row, key, fields):
    for f in fields:
        close(float(row[f]), key, f)


@cache
def load(name, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kit.data.load(name, **options)


def test_effect_sizes_match_effectsize():
    p = load("pupils")
    tut, other = p.loc[p["tutoring"], "score"], p.loc[~p["tutoring"], "score"]
    check_row(ks.cohens_d(tut, other).iloc[0], "cohens_d_pupils_tutoring", ["estimate", "ci_low", "ci_high"])
    check_row(ks.hedges_g(tut, other).iloc[0], "hedges_g_pupils_tutoring", ["estimate"])
    s = p[p["school_id"] == "SCH001"]
    check_row(ks.hedges_g(s.loc[s["tutoring"], "score"], s.loc[~s["tutoring"], "score"]).iloc[0], "hedges_g_SCH001",
              ["estimate", "ci_low", "ci_high"])
    sp = load("schools_panel")
    d = ks.cohens_d(sp.loc[sp["year"] == 2014, "attainment"], sp.loc[sp["year"] == 2013, "attainment"]).iloc[0]
    check_row(d, "cohens_d_schools_2014_vs_2013", ["estimate", "ci_low", "ci_high"])


def test_icc_and_power_match_r():
    p = load("pupils")
    check_row(ks.icc(p, "school_id", "score").iloc[0], "icc_pupils_score", ["estimate", "ci_low", "ci_high", "f", "group_size"])
    check_row(ks.icc(p, "school_id", "prior_score").iloc[0], "icc_pupils_prior_score", ["estimate"])
    assert ks.power_analysis(effect_size=0.5, power=0.8)["n_per_group"].iloc[0] == REF["power_n_d05"]["estimate"]
    assert ks.power_analysis(effect_size=0.2, power=0.8)["n_per_group"].iloc[0] == REF["power_n_d02"]["estimate"]
    close(ks.power_analysis(effect_size=0.4, n_per_group=50)["power"].iloc[0], "power_n50_d04", "estimate")
    close(ks.power_analysis(effect_size=0.5, n_per_group=50, ratio=2)["power"].iloc[0], "power_n1_50_ratio2_d05", "estimate")
    close(ks.power_analysis(effect_size=0.8, n_per_group=20, alpha=0.01)["power"].iloc[0], "power_n20_d08_a01", "estimate")
    close(ks.power_analysis(n_per_group=100, power=0.8)["effect_size"].iloc[0], "power_d_n100", "estimate")


def test_agreement_matches_psych_and_vcd():
    from kit.data.excerpts import theme_codebook

    ex, themes = load("student_voice_excerpts"), theme_codebook()["code"].tolist()
    check_row(agreement.cohen_kappa(ex["coder_1"], ex["coder_2"]).iloc[0], "kappa_coder1_coder2",
              ["estimate", "se", "ci_low", "ci_high"])
    check_row(agreement.cohen_kappa(ex["coder_1"], ex["coder_3"]).iloc[0], "kappa_coder1_coder3", ["estimate", "se"])
    for w in ("linear", "quadratic"):
        row = agreement.cohen_kappa(ex["coder_1"], ex["coder_2"], weights=w, categories=themes).iloc[0]
        check_row(row, f"kappa_{w}_themes", ["estimate", "se"])
    sur = load("student_survey")
    for w in (None, "linear", "quadratic"):
        row = agreement.cohen_kappa(sur["belong_1"], sur["belong_2"], weights=w).iloc[0]
        check_row(row, f"kappa_belong_{w or 'none'}", ["estimate", "se"])
    for level in ("nominal", "ordinal"):
        row = agreement.krippendorff_alpha(ex[["coder_1", "coder_2", "coder_3"]], level, coders="columns",
                                           categories=themes, n_boot=0).iloc[0]
        check_row(row, f"krippendorff_coders_{level}", ["estimate"])
    items = [f"belong_{i}" for i in range(1, 10)]
    rev = scales.reverse_score(sur[items], ["belong_3", "belong_5", "belong_7"], low=1, high=5)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        row = agreement.krippendorff_alpha(rev, level, coders="columns", n_boot=0).iloc[0]
        check_row(row, f"krippendorff_belong_{level}", ["estimate"])


def test_cronbach_matches_psych():
    sur = load("student_survey")
    items = [f"belong_{i}" for i in range(1, 10)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_row(scales.cronbach_alpha(sur[items]).iloc[0], "cronbach_as_given", ["estimate", "ci_low", "ci_high"])
    rev = scales.reverse_score(sur[items], ["belong_3", "belong_5", "belong_7"], low=1, high=5)
    check_row(scales.cronbach_alpha(rev).iloc[0], "cronbach_reversed_pairwise", ["estimate"])
    listwise = scales.cronbach_alpha(rev, missing="listwise").iloc[0]
    check_row(listwise, "cronbach_reversed_listwise", ["estimate"])
    assert listwise["n"] == REF["cronbach_reversed_listwise"]["n"]
    check_row(scales.cronbach_alpha(rev.drop(columns="belong_9")).iloc[0], "cronbach_without_belong_9", ["estimate"])


def test_did_matches_lm_with_vcovcl():
    u = load("universities_985")
    check_row(kp.did(u, "log_publications", "treated", "post", cluster="institution_id").iloc[0],
              "did_universities_cluster", ["estimate", "se", "ci_low", "ci_high"])
    close(kp.did(u, "log_publications", "treated", "post")["se"].iloc[0], "did_universities_hc1", "se")
    close(kp.did(u, "log_publications", "treated", "post")["p_value"].iloc[0], "did_universities_hc1", "p_value")
    s = load("schools_panel").assign(post=lambda d: d["year"] >= 2008)
    check_row(kp.did(s, "attainment", "programme", "post", cluster="school_id").iloc[0], "did_schools_panel", ["estimate", "se"])
    pa = load("partnership_attainment")
    check_row(kp.did(pa, "attainment", "member", "post", cluster="school_id").iloc[0], "did_partnership_attainment",
              ["estimate", "se", "ci_low", "ci_high"])


def test_fixed_effects_match_plm_sss_and_xtreg_and_agree_with_did():
    u = load("universities_985", first_year=1992)
    fe = kp.fixed_effects(u, "log_publications", "treated_post", "institution_id", "year").iloc[0]
    check_row(fe, "fe_universities_1992", ["estimate", "se"])
    close(kp.fixed_effects(u, "log_publications", "treated_post", "institution_id", "year", small_sample="areg")["se"].iloc[0],
          "fe_universities_1992_areg", "se")
    close(kp.fixed_effects(u, "log_publications", "treated_post", "institution_id", "year", small_sample="fixest")["se"].iloc[0],
          "fe_universities_1992_fixest", "se")
    lt = load("universities_985", first_year=1992, pre_trend=0.03)
    t98 = lt[lt["year"] >= 1998]
    check_row(kp.fixed_effects(t98, "log_publications", "treated_post", "institution_id", "year").iloc[0],
              "fe_universities_1998_pretrend", ["estimate", "se"])
    s = load("schools_panel").assign(post=lambda d: d["year"] >= 2008)
    s = s.assign(now=s["programme"] & s["post"])
    fe = kp.fixed_effects(s, "attainment", "now", "school_id", "year").iloc[0]
    check_row(fe, "fe_schools_panel", ["estimate", "se"])
    did = kp.did(s, "attainment", "programme", "post", cluster="school_id").iloc[0]
    assert fe["estimate"] == pytest.approx(did["estimate"], rel=1e-10)
    # same SE up to did's (N-1)/(N-4) regression factor: sqrt(199999/199996)
    assert fe["se"] * math.sqrt(199999 / 199996) == pytest.approx(did["se"], rel=1e-7)


@pytest.mark.parametrize("key", ["es_universities_pretrend", "es_schools_panel"])
def test_event_study_matches_plm(key):
    if key == "es_universities_pretrend":
        data, args = load("universities_985", first_year=1992, pre_trend=0.03), ("log_publications", "institution_id", "year", "treated", 1999)
    else:
        data, args = load("schools_panel"), ("attainment", "school_id", "year", "programme", 2008)
    es = kp.event_study(data, *args).set_index("event_time")
    n, g, t = len(data), data[args[1]].nunique(), data[args[2]].nunique()
    k = int((~es["reference"]).sum())
    to_sss = math.sqrt(g / (g - 1) * (n - 1) / (n - k) * (n - k - (g + t - 1)) / n)
    entry = REF[key]
    for when, coef in entry["coef"].items():
        assert es.loc[int(when), "estimate"] == pytest.approx(coef, abs=entry["tol"]), entry["source"]
        assert es.loc[int(when), "se"] == pytest.approx(entry["se_r_kit_rule"][when] * to_sss, rel=2e-6), entry["source"]


def test_interrupted_time_series_matches_neweywest():
    s = load("schools_panel")
    for key, part in (("its_programme", s[s["programme"]]), ("its_other", s[~s["programme"]])):
        series = part.groupby("year", as_index=False)["attainment"].mean()
        its = kp.interrupted_time_series(series, "attainment", "year", 2008, hac_lags=1).set_index("term")
        for term, (est, se) in ((k, v) for k, v in REF[key].items() if isinstance(v, list)):
            close(its.loc[term, "estimate"], key, term, est)
            close(its.loc[term, "se"], key, term, se)


def test_segregation_network_survey_matching_match_r():
    s = load("schools_panel")
    check_row(seg.indices(s[s["year"] == 2014], "disadvantaged", "pupils").iloc[0], "segregation_england_2014",
              ["dissimilarity", "gorard", "isolation", "exposure"])
    schools, ties = load("nlc_schools"), load("nlc_ties")
    advice = ties[(ties["wave"] == 1) & (ties["relation"] == "advice")]
    G = kn.from_edges(advice, "source", "target", nodes=schools, node_id="school_id")
    check_row(kn.summary(G).iloc[0], "network_nlc_advice_wave1", ["density", "reciprocity", "transitivity", "centralisation"])
    P = kn.from_edges(load("programme_network"), "source", "target", nodes=load("programme_schools"),
                      node_id="school_id", quiet=True)
    check_row(kn.summary(P).iloc[0], "network_programme", ["density", "reciprocity", "transitivity", "centralisation"])
    ps = load("partnership_survey")
    scored = sv.score_scales(ps, ps.attrs["scales"])
    alphas = scored.reliability.set_index("scale")["alpha"]
    for name in ("trust", "shared_goals", "participation"):
        close(alphas[name], "survey_alpha", name)
    trust = sv.compare_waves(scored.scores, 1, 3).set_index("scale").loc["trust"]
    check_row(trust, "survey_compare_trust", ["estimate", "ci_low", "ci_high", "hedges_g"])
    pa = load("partnership_attainment")
    before = pa[~pa["post"]]
    units = before.groupby("school_id", as_index=False).agg(member=("member", "first"),
                                                           disadvantaged_share=("disadvantaged_share", "mean"),
                                                           prior_attainment=("attainment", "mean"))
    on = ["disadvantaged_share", "prior_attainment"]
    pairs = km.match(units, "member", on, id="school_id")
    bal = km.balance(units, "member", on, pairs, id="school_id").set_index("covariate")
    for cov in on:
        close(bal.loc[cov, "smd"], "matching_balance", cov, REF["matching_balance"][cov][0])
        close(bal.loc[cov, "smd_matched"], "matching_balance", cov, REF["matching_balance"][cov][1])
    m = km.matched_sample(pa, pairs, "school_id")
    check_row(kp.did(m, "attainment", "member", "post", cluster="school_id").iloc[0], "matching_did", ["estimate", "se"])


def test_random_intercept_models_match_lme4():
    """statistics-vs-R.md: statsmodels' own bse is 2.7-3.1% off lme4 for the intercept and prior_score;
    kit.multilevel computes (X'V^-1 X)^-1 as lme4 does."""
    from kit.multilevel import random_intercept

    pupils = load("pupils")
    null = random_intercept(pupils, "score ~ 1", "school_id")
    close(float(null["estimate"].iloc[0]), "mixed_pupils_null", "estimate")
    close(float(null["se"].iloc[0]), "mixed_pupils_null", "se")
    for field in ("between_var", "within_var", "icc", "loglik"):
        close(null.attrs[field], "mixed_pupils_null", field)
    full = random_intercept(pupils, "score ~ prior_score + disadvantaged + tutoring + programme", "school_id")
    by_term = full.set_index(full["term"].str.replace(r"\[T\.True\]", "", regex=True))
    for term in ("programme", "tutoring", "prior_score"):
        close(float(by_term.loc[term, "estimate"]), "mixed_pupils_full", term)
    for term in ("Intercept", "prior_score", "programme", "tutoring", "disadvantaged"):
        close(float(by_term.loc[term, "se"]), "mixed_pupils_full", f"se_{term}")
