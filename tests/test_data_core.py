"""The data core: deterministic builders with codebooks, and the `kit data` command."""

import subprocess
import sys

import pandas as pd
import pytest

import kit.data
from kit.errors import InputError, UnknownNameError

# SHA-256 of the CSV text of the default schools panel (20,000 schools x 2005-2014, seed 2024).
# If this changes, every notebook's numbers change: do it on purpose, and rebuild the exercises.
SCHOOLS_PANEL_SHA256 = "b6b6051a1d14f553904153487b8697a7d131fbb5217ac39f41071195b021b80d"


def test_schools_panel_is_identical_on_every_run_and_machine():
    assert kit.data.checksum(kit.data.load("schools_panel")) == SCHOOLS_PANEL_SHA256


def test_schools_panel_shape_and_plausible_values():
    panel = kit.data.load("schools_panel")
    assert panel.shape == (200_000, 12)
    assert panel["school_id"].nunique() == 20_000 and panel["year"].between(2005, 2014).all()
    assert panel["region"].nunique() == 9 and panel["local_authority"].nunique() == 150
    assert panel["disadvantaged_share"].between(0, 1).all()
    assert (panel["disadvantaged"] <= panel["pupils"]).all()
    gap = (panel["attainment_other"] - panel["attainment_disadvantaged"]).mean()
    assert 7 < gap < 11  # the disadvantage gap is built in at about 9 points
    assert panel.groupby("programme")["disadvantaged_share"].mean()[True] > panel.groupby("programme")["disadvantaged_share"].mean()[False]


def test_a_different_seed_gives_different_data():
    a = kit.data.load("schools_panel", n_schools=100, years=(2010,))
    b = kit.data.load("schools_panel", seed=7, n_schools=100, years=(2010,))
    assert not a.equals(b)


def test_every_dataset_has_a_codebook_covering_its_columns():
    for name in kit.data.list_datasets()["name"]:
        book = kit.data.codebook(name)
        assert list(book.columns) == ["column", "meaning", "unit", "range"]
        assert book["meaning"].str.len().gt(0).all(), name


def test_schools_codebook_matches_columns():
    assert kit.data.codebook("schools_panel")["column"].tolist() == kit.data.load("schools_panel", n_schools=20, years=(2010,)).columns.tolist()


def test_unknown_dataset_suggests_the_close_name():
    with pytest.raises(UnknownNameError, match="Did you mean 'schools_panel'"):
        kit.data.load("school_panel")


def test_unknown_option_lists_the_valid_ones():
    with pytest.raises(InputError, match="n_schools"):
        kit.data.load("schools_panel", n_school=5)


def test_cli_list_describe_export(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "kit.cli", "data", *a], capture_output=True, text=True)
    assert "schools_panel" in run("list").stdout
    described = run("describe", "schools_panel").stdout
    assert "disadvantaged_share" in described and "proportion" in described
    out = tmp_path / "schools.csv"
    assert run("export", "schools_panel", "--out", str(out)).returncode == 0
    assert pd.read_csv(out).shape == (200_000, 12)
    bad = run("describe", "nope")
    assert bad.returncode == 1 and "There is no dataset called 'nope'" in bad.stderr and "Traceback" not in bad.stderr
