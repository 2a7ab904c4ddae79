"""environment.yml (conda) must list the same packages as pyproject.toml (pip)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# conda splits some pip packages in two: dask[distributed] is dask + distributed.
CONDA_EXTRA = {"distributed": "dask"}


def _name(spec: str) -> str:
    return re.split(r"[\[<>=!~ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    specs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {_name(s) for s in specs}


def _environment() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text()
    text = text.split("dependencies:", 1)[1]  # skip the channels list
    for line in text.splitlines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-\[\]]+)", line)
        if m and not line.strip().endswith(":"):
            names.add(_name(m.group(1)))
    names -= {"python", "pip"}
    return {CONDA_EXTRA.get(n, n) for n in names}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    pip, conda = _pyproject(), _environment()
    assert pip - conda == set(), f"in pyproject.toml but not environment.yml: {sorted(pip - conda)}"
    assert conda - pip == set(), f"in environment.yml but not pyproject.toml: {sorted(conda - pip)}"


def test_lock_file_pins_every_dependency():
    lock = {_name(line) for line in (ROOT / "requirements.lock").read_text().splitlines()
            if line and not line.startswith("#")}
    missing = {n for n in _pyproject() if n not in lock}
    assert not missing, f"requirements.lock does not pin {sorted(missing)}: regenerate it (see README)"


def test_the_readme_guides_carry_no_dated_measurements():
    """Dated figures live in benchmarks/README.md (machines and days differ); the user guides point there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    dated = re.findall(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* 20\d\d\b", text)
    assert not dated, f"move these measurements to benchmarks/README.md: {dated}"
    bench = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    for script in sorted(p.name for p in (ROOT / "benchmarks").glob("*.py")):
        assert f"`{script}`" in bench, f"benchmarks/README.md does not say what {script} measures"
