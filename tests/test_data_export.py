"""kit data export: SPSS and Stata files carry the codebook; a wrong ending says which endings work."""

import pandas as pd
import pytest

import kit.data
from kit.cli import main
from kit.errors import InputError


def test_stata_file_read_back_by_pandas_own_reader_has_labels_and_values(tmp_path):
    path = kit.data.export("pupils", tmp_path / "pupils.dta")
    reader = pd.io.stata.StataReader(path)
    with reader:
        back = reader.read(convert_categoricals=False)
        labels = reader.variable_labels()
        value_labels = reader.value_labels()
    pupils = kit.data.load("pupils")
    assert len(back) == len(pupils)
    assert back["score"].tolist() == pytest.approx(pupils["score"].tolist())
    assert back["tutoring"].tolist() == pupils["tutoring"].astype(int).tolist()  # True/False as 1/0
    assert any(v == {0: "No", 1: "Yes"} for v in value_labels.values())
    meaning = kit.data.codebook("pupils").set_index("column")["meaning"]
    assert labels["school_id"] == meaning["school_id"][:80]


def test_spss_file_keeps_text_missing_values_and_long_labels(tmp_path):
    import pyreadstat

    path = kit.data.export("student_survey", tmp_path / "survey.sav")
    back, meta = pyreadstat.read_sav(path)
    survey = kit.data.load("student_survey")
    assert back.shape == survey.shape
    for column in survey.columns:  # missing answers stay missing, not 0 or ""
        assert back[column].isna().sum() == survey[column].isna().sum(), column
    assert all(meta.column_labels), "every column has its codebook meaning as a label"


def test_a_wrong_ending_names_every_format_and_writes_nothing(tmp_path):
    with pytest.raises(InputError, match=r"\.sav \(SPSS.*\.dta \(Stata\)"):
        kit.data.export("pupils", tmp_path / "pupils.spss")
    assert not list(tmp_path.iterdir())


def test_the_command_line_writes_a_stata_file(tmp_path, capsys):
    assert main(["data", "export", "nlc_schools", "--out", str(tmp_path / "nlc.dta")]) == 0
    assert (tmp_path / "nlc.dta").stat().st_size > 0
