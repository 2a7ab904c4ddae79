"""The data core: deterministic builders with codebooks, and the `kit data` command."""

import subprocess
import sys

import pandas as pd
import pytest

import kit.data
from kit.errors import InputError, UnknownNameError

# SHA-256 of the CSV text of every dataset as `kit.data.load(name)` builds it (default seed and options).
# If one changes, every notebook's numbers that use it change: do it on purpose, say why in the commit,
# and rebuild the exercises. A new dataset must be added here (the test below refuses one without a pin).
CHECKSUMS = {
    "nlc_programmes": "e64149fbf71c0f8e68ecddc323ab0b8a2f1e9f3fcb312d69203099d69d897d2e",
    "nlc_schools": "fdb9d5c9acad6abd4201915e83816b332642a4fe14a609fbb98019058ea4e324",
    "nlc_ties": "cdaa564bedc348ec1cba7d9df3a37f6afaf67a424fe6163f2200295163919f0e",
    "partnership_attainment": "b274b68f48aacc12a5a8f29aaa337aa92eaefa3e3dab4177685b182f3f685d88",
    "partnership_survey": "bb49bfcbff64abf299d03a5b3d5dc9aa63537a8217c5436bd090a8b4a0df3805",
    "programme_network": "ec474c5d72317dac229f2a51352ec3fcb7e8644c7c57e880fd350b111b28a43c",
    "programme_schools": "c9964021f0c51761d4b55704dd3ee8978703a772a4430e494c5bfbe99e6b63f9",
    "pupils": "78cf387ed282706f678a0c4974bc64afd3d5a180bc7eda5e044dadcf47680202",
    "review_seed_export": "7541938f8ac67d90f0cbca33f31e57e1e7f7d4a350dd748d66b48219fb2aa890",
    "review_synthetic_export": "f32c9336fd84f1406defab33863391a82c4027d98a8147b455c9931e33c391e6",
    "schools_panel": "b6b6051a1d14f553904153487b8697a7d131fbb5217ac39f41071195b021b80d",
    "student_survey": "d1681c453e71a9df282670bf4c19e54d0fc7b977bbdd36c643fde91a3f7ad667",
    "student_voice_excerpts": "12a375179fd2e36b16bf2c79406ba4abd1eb2dd357362e9c22650960f83213f1",
    "universities_985": "ec9d21297481a52f75fa05d5a6a31533d6a1635a636bc9bf649d9f6bc2b62a13",
    "universities_staggered": "e370a56ca1aabc48f50d839c95409f48b7b3140a83900c76db33a020c6f0ad4a",
}


@pytest.mark.parametrize("name", sorted(set(kit.data.list_datasets()["name"]) | set(CHECKSUMS)))
def test_every_dataset_is_identical_on_every_run_and_its_codebook_covers_its_columns(name):
    assert name in CHECKSUMS, f"dataset {name!r} has no pinned checksum in tests/test_data_core.py"
    frame = kit.data.load(name)
    assert kit.data.checksum(frame) == CHECKSUMS[name]
    assert kit.data.codebook(name)["column"].tolist() == frame.columns.tolist()


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


def test_schools_codebook_matches_the_columns_of_a_smaller_panel():
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
