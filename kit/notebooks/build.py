"""``kit build``: generate exercises/ (and their checks) from the masters in solutions/.

For each master ``solutions/NN-name.ipynb`` it writes

* ``exercises/NN-name.ipynb``: solutions replaced by ``...``, tests and rubrics removed,
  outputs cleared;
* ``exercises/checks/NN-name.json``: for the visible tests only, the expression, the hint and a
  fingerprint of the master's value (never the value), used by ``check()``.

Fingerprints need the master's values, so a master is executed only when its cells changed
(the checks file records a hash of the master's cells). ``--check`` executes nothing: it
reports the stale files and exits non-zero.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kit.notebooks.format import BEGIN, END, RUBRIC, Master, read_master
from kit.errors import AuthoringError
from kit.notebooks.run import environment, harvest, inject_captures, run_notebook
from kit.notebooks.values import fingerprint

__all__ = ["build", "BuildReport", "master_hash", "exercise_text", "checks_for", "solution_values", "repo_root"]

FORMAT = 2  # 2: fingerprints of tables and lists are rounded like numbers (harvest returns plain types)


def repo_root() -> Path:
    """The folder holding solutions/ and exercises/ (the repository, for an editable install)."""
    return Path(__file__).resolve().parents[2]


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.stale


def master_hash(path: Path) -> str:
    """A hash of a master's cell types and sources (outputs and metadata do not count)."""
    nb = nbformat.read(path, as_version=4)
    text = json.dumps([(c.cell_type, c.source) for c in nb.cells])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def exercise_text(master: Master) -> str:
    """The exercise notebook's file content (deterministic, so it can be compared)."""
    return nbformat.writes(master.notebook) + "\n"


def solution_values(master: Master, timeout: int = 300) -> dict[str, list[dict]]:
    """Execute the master (answers in, tests out) and capture every test's value."""
    tests = {q.name: [t.expression for t in q.tests] for q in master.questions.values() if q.tests}
    nb = inject_captures(master.answers, tests)
    with environment(KIT_BUILDING="1"):
        run_notebook(nb, cwd=master.path.parent, timeout=timeout)
    values = harvest(nb)
    for name, q in master.questions.items():
        for i, (test, result) in enumerate(zip(q.tests, values.get(name, [])), 1):
            if result["status"] != "ok":
                raise AuthoringError(
                    f"{master.path}, cell {test.cell}: the test expression {test.expression!r} could not be evaluated on "
                    f"the master ({result['status']}: {result.get('detail', '')}). Fix the expression or the solution."
                )
    return values


def checks_for(master: Master, values: dict[str, list[dict]], digest: str) -> dict:
    """The content of the checks file: visible tests with fingerprints, never values."""
    questions = {}
    for name, q in master.questions.items():
        entry = {"points": q.points, "written": q.written,
                 "hidden_tests": sum(t.hidden for t in q.tests), "tests": []}
        for test, result in zip(q.tests, values.get(name, [])):
            if test.hidden:
                continue
            entry["tests"].append({
                "expression": test.expression, "hint": test.hint, "points": test.points,
                "condition": test.condition, "tolerance": test.tolerance,
                "fingerprint": None if test.condition else fingerprint(result["value"], test.tolerance),
            })
        questions[name] = entry
    return {"format": FORMAT, "assignment": master.stem, "master_sha256": digest, "questions": questions}


def _leaks(master: Master, text: str) -> list[str]:
    """Lines of solutions, hidden tests or rubrics that appear in the exercise text."""
    original = nbformat.read(master.path, as_version=4)
    public, secret = set(), set()
    for cell in original.cells:
        first = (cell.source.splitlines() or [""])[0].strip()
        inside = False
        for line in cell.source.splitlines():
            s = line.strip()
            if s in (BEGIN, END):
                inside = s == BEGIN
                continue
            is_secret = inside or first == RUBRIC or first.startswith("# HIDDEN TEST") or s.endswith("# SOLUTION")
            (secret if is_secret else public).add(s)
    student_lines = {line.strip() for cell in master.notebook.cells for line in cell.source.splitlines()}
    leaked = [s for s in secret - public if len(s) >= 6 and s in student_lines]
    for marker in (BEGIN, END, "# HIDDEN TEST", RUBRIC, "# SOLUTION"):
        if marker in text:
            leaked.append(marker)
    return leaked


def _build_one(path: Path, exercises: Path, check_only: bool, report: BuildReport, timeout: int):
    master = read_master(path)
    text = exercise_text(master)
    leaks = _leaks(master, text)
    if leaks:
        raise AuthoringError(f"{path}: the exercise would show solution or hidden-test lines: {leaks[:3]}. "
                             "Nothing was written. Check the markers around those lines.")
    target = exercises / path.name
    checks_path = exercises / "checks" / f"{path.stem}.json"
    digest = master_hash(path)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    try:
        checks = json.loads(checks_path.read_text(encoding="utf-8")) if checks_path.exists() else None
    except json.JSONDecodeError:
        checks = None
    checks_fresh = bool(checks) and checks.get("master_sha256") == digest and checks.get("format") == FORMAT
    if check_only:
        if current != text:
            report.stale.append(target)
        if not checks_fresh:
            report.stale.append(checks_path)
        if current == text and checks_fresh:
            report.unchanged.append(target)
        return
    if current != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, text)
        report.written.append(target)
    if not checks_fresh:
        values = solution_values(master, timeout=timeout)
        content = json.dumps(checks_for(master, values, digest), indent=1, sort_keys=True) + "\n"
        checks_path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(checks_path, content)
        report.written.append(checks_path)
    if current == text and checks_fresh:
        report.unchanged.append(target)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def build(solutions: str | Path | None = None, exercises: str | Path | None = None, check: bool = False,
          names: list[str] | None = None, timeout: int = 300, workers: int = 2) -> BuildReport:
    """Generate (or with ``check=True`` only verify) exercises from masters; return a report."""
    root = repo_root()
    solutions = Path(solutions) if solutions else root / "solutions"
    exercises = Path(exercises) if exercises else root / "exercises"
    masters = sorted(p for p in solutions.glob("*.ipynb") if not names or p.stem in names)
    report = BuildReport()
    if names:
        missing = sorted(set(names) - {p.stem for p in masters})
        if missing:
            from kit.errors import unknown_name

            raise unknown_name("master notebook", missing[0], sorted(p.stem for p in solutions.glob("*.ipynb")))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for future in [pool.submit(_build_one, p, exercises, check, report, timeout) for p in masters]:
            future.result()
    if not names:  # exercises whose master is gone
        stems = {p.stem for p in masters}
        for orphan in sorted(exercises.glob("*.ipynb")):
            if orphan.stem not in stems:
                report.stale.append(orphan)
    return report
