"""The `kit` command's own plumbing: an area whose code is broken is not passed off as missing."""

import sys

import pytest

import kit.cli


def test_an_area_that_is_not_installed_says_so(monkeypatch, capsys):
    monkeypatch.setitem(kit.cli.AREAS, "survey", ("kit.no_such_area_cli", "not shipped"))
    assert kit.cli.main(["survey"]) == 2
    assert "`kit survey` is not available" in capsys.readouterr().err


def test_an_area_whose_dependency_is_missing_raises_the_real_error(monkeypatch, tmp_path):
    (tmp_path / "kit_broken_area_cli.py").write_text("import package_that_is_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(kit.cli.AREAS, "broken", ("kit_broken_area_cli", "imports a missing package"))
    with pytest.raises(ModuleNotFoundError, match="package_that_is_not_installed"):
        kit.cli.main(["broken"])
    sys.modules.pop("kit_broken_area_cli", None)
