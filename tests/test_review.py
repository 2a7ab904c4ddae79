"""kit.review: readers (with broken records), Unicode normalisation, duplicates, screening, PRISMA."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import kit.data
import kit.review as review
from kit.errors import EmptyDataError, InputError, KitError, MissingColumnError

RIS = """TY  - JOUR
TI  - School-to-school collaboration in England
AU  - Armstrong, Paul
AU  - Ainscow, Mel
PY  - 2018
DO  - https://doi.org/10.1080/ABC.123
AB  - A configurative review of the evidence.
ER  - 

stray text between records
TY  - JOUR
TI  - A record without its end line
PY  - 2016
TY  - BOOK
T1  - Networks of schools
Y1  - 2020///
ER  - 
TY  - JOUR
PY  - 2019
ER  - 
TY  - JOUR
TI  - Last good record
PY -  2021
ER  - 
"""

BIB = """@article{armstrong2018,
  title = {School-to-school collaboration in {E}ngland},
  author = {Armstrong, Paul and Ainscow, Mel},
  year = {2018},
  doi = {10.1080/abc.123},
  journal = {Journal of Educational Change}
}

@article{broken,
  title = {Missing its closing brace,
  year = 2019

@book{muijs2011, title = {Collaboration and networking in education}, year = 2011}

@article{armstrong2018, title = {A second entry with the same key}, year = 2018}

@article{muller2019, title = {Partnerships in Qu{\\'e}bec}, author = {M{\\"u}ller, Hans}, year = 2019}
"""

CSV = (
    "Authors,Title,Year,Source title,DOI,Abstract\n"
    'Armstrong P.,School-to-school collaboration,2018,J Ed Change,10.1/x,"An abstract, with a comma"\n'
    "Muijs D.,Too,many,fields,here,x,y\n"
    'Chapman C.,"A title over\ntwo lines",in press,,,Abstract\n'
    "Hadfield M.,Networked learning,2007,,,\n"
)


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    return path


# --- readers -------------------------------------------------------------------------------------
def test_ris_reads_good_records_and_reports_broken_ones_by_line(tmp_path):
    table = review.read_export(write(tmp_path, "search.ris", RIS))
    assert table.columns.tolist() == review.STANDARD_COLUMNS
    assert table["title"].tolist() == ["School-to-school collaboration in England", "A record without its end line",
                                       "Networks of schools", "Last good record"]
    first = table.iloc[0]
    assert first["authors"] == "Armstrong, Paul; Ainscow, Mel" and first["year"] == 2018
    assert first["doi"] == "10.1080/abc.123"  # lower case, no https://doi.org/
    assert table["line"].tolist() == [1, 11, 14, 21]
    assert table.loc[2, "year"] == 2020
    problems = review.import_problems(table)
    by_line = dict(zip(problems["line"], problems["problem"]))
    assert "outside any record" in by_line[10]
    assert "no 'ER  -' end line" in by_line[11]
    assert "neither a title nor an abstract" in by_line[18]
    assert "badly formed tag line" in by_line[23]
    assert table.loc[3, "year"] == 2021  # the badly formed PY line is repaired and read
    assert set(problems["source"]) == {"search.ris"}
    assert "problem(s)" in review.import_report(table)


def test_ris_record_counters_are_not_problems(tmp_path):
    import rispy

    text = rispy.dumps([{"type_of_reference": "JOUR", "title": "One"}, {"type_of_reference": "JOUR", "title": "Two"}])
    assert text.startswith("1.")  # rispy, like some reference managers, numbers the records
    table = review.read_export(write(tmp_path, "numbered.ris", text))
    assert table["title"].tolist() == ["One", "Two"] and review.import_problems(table).empty


def test_ris_problems_can_be_raised_together(tmp_path):
    with pytest.raises(review.ExportProblemError, match="line 10"):
        review.read_export(write(tmp_path, "search.ris", RIS), problems="raise")


def test_bibtex_reads_entries_and_reports_the_broken_one(tmp_path):
    table = review.read_export(write(tmp_path, "refs.bib", BIB))
    assert table["title"].tolist()[:2] == ["School-to-school collaboration in England",
                                          "Collaboration and networking in education"]
    assert table.loc[0, "authors"] == "Armstrong, Paul; Ainscow, Mel"
    assert table.loc[0, "journal"] == "Journal of Educational Change"
    assert table["line"].tolist() == [1, 13, 15, 17]
    assert table.loc[3, "title"] == "Partnerships in Qu\u00e9bec" and table.loc[3, "authors"] == "M\u00fcller, Hans"
    problems = review.import_problems(table)
    assert (problems["line"] == 9).any() and "cannot be parsed" in problems.loc[problems["line"] == 9, "problem"].iloc[0]
    assert problems.loc[problems["line"] == 15, "problem"].str.contains("duplicate citation key").all()


def test_csv_finds_database_column_names_and_reports_bad_rows(tmp_path):
    table = review.read_export(write(tmp_path, "scopus.csv", CSV))
    assert table["title"].tolist() == ["School-to-school collaboration", "A title over\ntwo lines", "Networked learning"]
    assert table["line"].tolist() == [2, 4, 6]
    assert table["year"].tolist()[0] == 2018 and pd.isna(table["year"].iloc[1])
    problems = review.import_problems(table)
    assert problems.set_index("line").loc[3, "action"] == "skipped"
    assert "is not a year" in problems.set_index("line").loc[4, "problem"]


def test_text_export_one_abstract_per_line(tmp_path):
    table = review.read_export(write(tmp_path, "abstracts.txt", "First abstract.\n\nSecond abstract...\n"))
    assert table["abstract"].tolist() == ["First abstract.", "Second abstract..."]
    assert table["line"].tolist() == [1, 3]
    assert (table["title"] == "").all()


def test_txt_files_that_are_really_tables_or_ris(tmp_path):
    wos = "PT\tAU\tTI\tAB\tPY\tDI\nJ\tMuijs, D\tCollaboration and networking\tAn abstract\t2011\t10.1/w\n"
    table = review.read_export(write(tmp_path, "savedrecs.txt", wos))
    assert table.attrs["files"][0]["format"] == "csv" and table.loc[0, "doi"] == "10.1/w"
    assert review.read_export(write(tmp_path, "ris.txt", RIS)).attrs["files"][0]["format"] == "ris"
    # An abstract that mentions years, titles and sources is still an abstract.
    prose = "In recent years, the title and abstract of each source were read.\nA second abstract, with commas.\n"
    assert review.read_export(write(tmp_path, "prose.txt", prose)).attrs["files"][0]["format"] == "text"


def test_seed_export_is_read_whole():
    table = kit.data.load("review_seed_export")
    assert len(table) == 34 and table["line"].tolist() == list(range(1, 35))
    assert "\u2010" in table.loc[0, "abstract"]  # the Unicode hyphens survive reading
    assert review.import_problems(table).empty


def test_several_files_number_records_across_files(tmp_path):
    a = write(tmp_path, "a.txt", "One.\nTwo.\n")
    b = write(tmp_path, "b.ris", RIS)
    table = review.read_export([a, b])
    assert table["record_id"].tolist() == list(range(1, 7))
    assert table["source"].tolist()[:3] == ["a.txt", "a.txt", "b.ris"]
    assert [f["format"] for f in table.attrs["files"]] == ["text", "ris"]


@pytest.mark.parametrize("content", ["", "   \n\n  "])
def test_empty_file_is_a_clear_error(tmp_path, content):
    with pytest.raises(EmptyDataError, match="empty"):
        review.read_export(write(tmp_path, "empty.ris", content))


def test_unknown_format_lists_the_known_ones(tmp_path):
    with pytest.raises(InputError, match="RIS.*BibTeX.*CSV"):
        review.read_export(write(tmp_path, "notes.docx", "some text"))
    with pytest.raises(KitError, match="Did you mean 'bibtex'"):
        review.read_export(write(tmp_path, "x.txt", "a"), format="bibtext")


def test_ris_ending_but_not_ris(tmp_path):
    with pytest.raises(InputError, match="does not look like RIS"):
        review.read_export(write(tmp_path, "export.ris", "Title,Abstract\nA,B\n"))


def test_encodings_are_tried_and_named(tmp_path):
    cp = review.read_export(write(tmp_path, "win.txt", "Coll\u00e8ges and \u2018quotes\u2019\n", encoding="cp1252"))
    assert cp.attrs["files"][0]["encoding"] == "cp1252"
    assert cp.loc[0, "abstract"] == "Coll\u00e8ges and \u2018quotes\u2019"
    bom = review.read_export(write(tmp_path, "bom.txt", "\ufeffAbstract one\n".encode("utf-8")))
    assert bom.attrs["files"][0]["encoding"] == "utf-8-sig" and bom.loc[0, "abstract"] == "Abstract one"
    assert "encoding cp1252" in review.import_report(cp)


def test_wrong_encodings_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="UTF-16"):
        review.read_export(write(tmp_path, "u16.txt", "Abstract one\n", encoding="utf-16"))
    with pytest.raises(InputError, match="tried utf-8, utf-8-sig, cp1252"):
        review.read_export(write(tmp_path, "bad.txt", b"caf\xc3 \x81\x8d\n"))
    with pytest.raises(InputError, match="Excel"):
        review.read_export(write(tmp_path, "book.csv", b"PK\x03\x04rest"))
    with pytest.raises(InputError, match="cannot be read as 'ascii'"):
        review.read_export(write(tmp_path, "x.txt", "caf\u00e9\n"), encoding="ascii")


def test_garbled_text_is_reported(tmp_path):
    table = review.read_export(write(tmp_path, "moji.txt", "The school\u00e2\u20ac\u2122s network\n"))
    assert "garbled" in review.import_problems(table).loc[0, "problem"]


def test_nasty_reader_inputs(tmp_path):
    with pytest.raises(InputError, match="There is no file"):
        review.read_export(tmp_path / "missing.ris")
    with pytest.raises(InputError, match="folder"):
        review.read_export(tmp_path)
    with pytest.raises(InputError, match="no title or abstract column"):
        review.read_export(write(tmp_path, "x.csv", "name,score\nA,1\n"), format="csv")
    with pytest.raises(InputError, match="report"):
        review.read_export(write(tmp_path, "y.txt", "a\n"), problems="ignore")
    with pytest.raises(EmptyDataError):
        review.read_export([])


# --- normalisation -------------------------------------------------------------------------------
@pytest.mark.parametrize("char", ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"])
def test_every_unicode_hyphen_and_minus_becomes_ascii(char):
    assert review.normalise_text(f"school{char}to{char}school") == "school-to-school"


@pytest.mark.parametrize("text, expected", [
    ("\u2018self-improving\u2019", "'self-improving'"),
    ("\u201cself-improving\u201d", '"self-improving"'),
    ("paper\u2019s", "paper's"),
    ("\u201equote\u201f", '"quote"'),
    ("and so on\u2026", "and so on..."),
    ("a\u00a0b\u2009c\t d\n\ne  ", "a b c d e"),
    ("SCHOOL Networks", "school networks"),
    ("Coll\u00e8ge Qu\u00e9bec M\u00fcller Espa\u00f1a", "college quebec muller espana"),
    ("e\u0301cole", "ecole"),  # a separate combining accent
    ("\ufb01eld Stra\u00dfe", "field strasse"),  # ligature, sharp s
    ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
    (None, ""),
    (float("nan"), ""),
])
def test_normalisation_cases(text, expected):
    assert review.normalise_text(text) == expected


def test_normalisation_options_and_containers():
    assert review.normalise_text("School\u2010to\u2010School!", punctuation=False) == "school to school"
    assert review.normalise_text("Caf\u00e9", lowercase=False, strip_accents=False) == "Caf\u00e9"
    assert review.normalise_text(["A\u2013B", None]) == ["a-b", ""]
    series = review.normalise_text(pd.Series(["X\u2019s", None], index=[5, 7]))
    assert series.tolist() == ["x's", ""] and series.index.tolist() == [5, 7]


def test_the_seed_variants_become_identical():
    seed = kit.data.load("review_seed_export")["abstract"]
    keys = [review.match_key(t) for t in seed]
    # Lines 1, 5, 6, 20, 21 are one abstract: full with U+2010, truncated with '-', truncated with U+2010.
    assert keys[4] == keys[5] == keys[19] == keys[20]
    assert keys[4][1] and keys[0][0].startswith(keys[4][0])


# --- duplicates ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def synthetic():
    return kit.data.load("review_synthetic_export", n=3000)


def test_precision_and_recall_on_the_synthetic_export(synthetic):
    found = review.find_duplicates(synthetic)
    score = review.score_against_truth(synthetic, found).iloc[0]
    assert score["precision"] >= 0.99 and score["recall"] >= 0.99, score
    assert set(found["reason"]) == {"kept", "same DOI", "identical after normalising", "truncated copy", "near match"}
    assert (found.groupby("group")["keep"].sum() == 1).all()


def test_precision_and_recall_hold_on_another_seed():
    other = kit.data.load("review_synthetic_export", seed=11, n=3000)
    score = review.score_against_truth(other, review.find_duplicates(other)).iloc[0]
    assert score["precision"] >= 0.99 and score["recall"] >= 0.99, score


def test_look_alike_studies_are_not_merged(synthetic):
    found = review.find_duplicates(synthetic)
    group_of = dict(zip(found["record_id"], found["group"]))
    twins = synthetic[~synthetic["variant"].isin(["original"] + review_copy_kinds())]
    assert len(twins) > 20
    merged_wrongly = 0
    for rid, true in zip(twins["record_id"], twins["true_group"]):
        if rid in group_of:
            members = found.loc[found["group"] == group_of[rid], "record_id"]
            merged_wrongly += (synthetic.set_index("record_id").loc[members, "true_group"] != true).any()
    assert merged_wrongly == 0


def review_copy_kinds():
    from kit.data.search_exports import COPY_KINDS

    return COPY_KINDS


def test_exact_only_misses_the_variants(synthetic):
    exact = review.find_duplicates(synthetic, fuzzy=False, use_doi=False)
    score = review.score_against_truth(synthetic, exact).iloc[0]
    assert score["precision"] == 1.0 and score["recall"] < 0.6


def test_seed_export_groups_checked_by_hand():
    seed = kit.data.load("review_seed_export")
    found = review.find_duplicates(seed)
    groups = found.groupby("group")["record_id"].apply(sorted).tolist()
    # Read by eye from the 34 lines of seed 004: 13 distinct abstracts.
    expected = [[1, 5, 6, 20, 21], [2, 17, 32], [3, 18, 33], [4, 19, 34], [7, 22], [8, 23], [9, 24], [10, 25],
                [11, 26], [12, 15, 27, 30], [13, 28], [14, 29], [16, 31]]
    assert groups == expected
    assert found.set_index("record_id").loc[1, "keep"]  # the full abstract is kept, not a truncated copy
    assert len(review.deduplicate(seed)) == 13


def test_doi_in_url_form_and_capitals_matches():
    records = pd.DataFrame({"record_id": [10, 11], "title": ["Networks", "A different title entirely"],
                            "doi": ["10.1/AbC", "https://doi.org/10.1/abc"]})
    found = review.find_duplicates(records)
    assert found["reason"].tolist() == ["same DOI", "kept"]  # the record with the longer title is kept
    assert found["matched_to"].tolist() == [11, 11]


def test_guards_keep_look_alikes_apart():
    base = "School-to-school collaboration and pupil attainment in England: a case study"
    records = pd.DataFrame({
        "title": [base, base + " (part 2)", "Correction to: " + base, base, base],
        "year": [2010, 2011, 2011, 2016, 2010],
        "authors": ["Day, S.", "Day, S.", "Day, S.", "Day, S.", "Chapman, C."],
        "doi": ["10.1/a", "", "10.1/c", "", ""],
    })
    assert review.find_duplicates(records).empty


def test_threshold_changes_what_counts_as_near():
    records = pd.DataFrame({"title": ["Collaboration between schools in England", "Collaboration between schools in Wales"]})
    assert review.find_duplicates(records).empty
    assert len(review.find_duplicates(records, threshold=80)) == 2


def test_nasty_duplicate_inputs():
    assert review.find_duplicates(pd.DataFrame({"title": []})).empty
    assert review.find_duplicates(pd.DataFrame({"title": ["Only one"]})).empty
    with pytest.raises(MissingColumnError, match="title"):
        review.find_duplicates(pd.DataFrame({"name": ["a", "b"]}))
    with pytest.raises(InputError, match="0 to 100"):
        review.find_duplicates(pd.DataFrame({"title": ["a", "b"]}), threshold=0.9 - 1)
    with pytest.raises(InputError, match="DataFrame"):
        review.find_duplicates(["a", "a"])
    with pytest.raises(InputError, match="repeats some values"):
        review.find_duplicates(pd.DataFrame({"record_id": [1, 1], "title": ["a", "b"]}))
    blanks = pd.DataFrame({"title": ["", None, float("nan")], "abstract": [None, "", ""]})
    assert review.find_duplicates(blanks).empty  # empty records are not each other's duplicates


def test_deduplicate_keeps_order_and_reports():
    records = pd.DataFrame({"record_id": [1, 2, 3],
                            "abstract": ["Schools in a trio share attainment data with each other and...",
                                         "Teachers plan together.",
                                         "Schools in a trio share attainment data with each other and plan joint "
                                         "enquiries over three years."]})
    unique = review.deduplicate(records)
    assert unique["record_id"].tolist() == [2, 3]  # the truncated copy goes, the full text stays
    assert unique.attrs["removed"] == 1 and unique.attrs["duplicates"]["reason"].tolist() == ["truncated copy", "kept"]
    # attrs hold plain numbers only, so the result can be merged and concatenated (pandas compares attrs).
    assert len(unique.merge(unique[["record_id"]], on="record_id")) == 2 and len(pd.concat([unique, unique])) == 4


# --- screening and themes ------------------------------------------------------------------------
def test_screen_wildcards_phrases_and_hyphens():
    records = pd.DataFrame({"title": ["School\u2010to\u2010school collaboration", "Collaborative networks of hospitals",
                                      "Schools working together", "Pupil voice"],
                            "abstract": ["Interviews in England.", "", "A study.", None]})
    out = review.screen(records, include={"collaboration": ["collaborat*", "school to school", "working together"]},
                        exclude={"not schools": ["hospital*"]})
    assert out["decision"].tolist() == ["include", "exclude", "include", "exclude"]
    assert out["reason"].tolist() == ["", "excluded: not schools", "", "not met: collaboration"]
    assert len(out) == len(records) and "matched" in out


def test_screen_and_themes_errors():
    records = pd.DataFrame({"title": ["a"]})
    with pytest.raises(InputError, match="at least one criterion"):
        review.screen(records)
    with pytest.raises(InputError, match="non-empty"):
        review.screen(records, include=["", "x"])
    with pytest.raises(InputError, match="dict"):
        review.tag_themes(records, ["trust"])
    with pytest.raises(MissingColumnError):
        review.screen(pd.DataFrame({"x": [1]}), include=["a"])


# --- PRISMA --------------------------------------------------------------------------------------
def test_prisma_counts_add_up_and_accept_tables():
    seed = kit.data.load("review_seed_export")
    dups = review.find_duplicates(seed)
    unique = review.deduplicate(seed)
    screened = review.screen(unique, include={"collaboration": ["collaborat*", "working together", "alliance*"]})
    counts = review.prisma_counts(seed, dups, screened, excluded_full_text={"not empirical": 1})
    n = counts[counts["item"] == ""].set_index("box")["n"]
    assert n["identified"] == 34 and n["removed_duplicates"] == 21 and n["screened"] == 13
    assert n["sought"] == 13 - (screened["decision"] == "exclude").sum()
    assert n["included"] == n["assessed"] - 1 == n["included_reports"]


def test_prisma_reports_automation_exclusions_and_studies_apart_from_reports():
    # PRISMA 2020 (Page et al., 2021, figure 1): "Records marked as ineligible by automation tools" are
    # removed before screening; "Studies included" can be fewer than "Reports of included studies".
    auto = pd.DataFrame({"decision": ["exclude"] * 5 + ["include"] * 8})
    counts = review.prisma_counts(34, duplicates_removed=21, removed_automation=auto, excluded_screening=2,
                                  not_retrieved=1, excluded_full_text={"not empirical": 1}, studies_included=3)
    n = counts[counts["item"] == ""].set_index("box")["n"]
    assert (n["removed_automation"], n["screened"], n["sought"], n["assessed"]) == (5, 8, 6, 5)
    assert (n["included_reports"], n["included"]) == (4, 3)
    with pytest.raises(InputError, match="from 1 to 4"):
        review.prisma_counts(34, 21, removed_automation=5, excluded_screening=2, not_retrieved=1,
                             excluded_full_text=1, studies_included=5)
    fig = review.prisma_diagram(counts)
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "automation\n    tools (n = 5)" in text and "Studies included in review (n = 3)" in text
    assert "Reports of included studies (n = 4)" in text
    plt.close(fig)


def test_prisma_counts_refuse_impossible_flows():
    with pytest.raises(InputError, match="only 10 identified"):
        review.prisma_counts(10, duplicates_removed=12)
    with pytest.raises(InputError, match="screen before removing duplicates"):
        review.prisma_counts(10, duplicates_removed=5, excluded_screening=8)
    with pytest.raises(InputError, match="whole number"):
        review.prisma_counts(-3)
    with pytest.raises(InputError, match="only 2 were assessed"):
        review.prisma_counts(10, 0, 8, excluded_full_text={"x": 3})


def test_prisma_diagram_shows_every_count():
    fig = review.prisma_diagram(identified={"ERIC": 20, "BEI": 14}, duplicates_removed=21, excluded_screening=3,
                                excluded_full_text={"not empirical": 2})
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    for phrase in ("ERIC (n = 20)", "Duplicate records (n = 21)", "Records screened\n(n = 13)",
                   "not empirical (n = 2)", "Studies included in review (n = 8)"):
        assert phrase in text
    plt.close(fig)
    with pytest.raises(InputError, match="prisma_counts"):
        review.prisma_diagram(pd.DataFrame({"a": [1]}))


# --- the benchmark script ------------------------------------------------------------------------
def _benchmark():
    import importlib.util

    from tests.notebooks import ROOT

    spec = importlib.util.spec_from_file_location("dedup_benchmark", ROOT / "benchmarks" / "dedup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_removal_scores_by_hand():
    bench = _benchmark()
    records = pd.DataFrame({"true_group": ["a", "a", "a", "b", "c"]})
    # Removing one copy of 'a' (right), and the only record of 'c' (wrong: a study is lost).
    scores = bench.removal_scores(records, [False, True, False, False, True])
    assert scores["removal_precision"] == 0.5 and scores["removal_recall"] == 0.5 and scores["surplus"] == 2


def test_benchmark_runs_small(capsys):
    assert _benchmark().main(["--n", "300", "--big", "0"]) == 0
    out = capsys.readouterr().out
    assert "kit.review.find_duplicates" in out and "exact match only" in out and "ASReview" in out
