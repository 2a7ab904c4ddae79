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
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kit.notebooks.format import BEGIN, END, RUBRIC, WRONG, Master, read_master
from kit.errors import AuthoringError
from kit.notebooks.run import environment, harvest, inject_captures, run_notebook
from kit.notebooks.checks import question_entry
from kit.notebooks.values import SCRYPT

__all__ = ["build", "BuildReport", "master_hash", "exercise_text", "checks_for", "solution_values", "repo_root"]

FORMAT = 3  # 3: scrypt fingerprints salted per course and test; numbers match within one rounding step


def repo_root() -> Path:
    """The folder holding solutions/ and exercises/ (the repository, for an editable install)."""
    return Path(__file__).resolve().parents[2]


@dataclass
class BuildReport:
    """What a build wrote, found stale or unchanged, and the proofs of the wrong answers it ran."""

    written: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    proofs: list = field(default_factory=list)  # kit.notebooks.proof.ProofReport, one per master run
    require_wrong: bool = False  # True: a question with fewer than three wrong answers fails the build
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def failures(self) -> list[str]:
        """Wrong answers that were not proved (and, with ``require_wrong``, questions with too few)."""
        out = []
        for proof in sorted(self.proofs, key=lambda r: str(r.path)):
            out += [line for line in proof.lines() if self.require_wrong or "fewer than" not in line]
        return out

    @property
    def warnings(self) -> list[str]:
        """Questions with fewer than three wrong answers, while that is not yet a failure."""
        if self.require_wrong:
            return []
        return [line for proof in sorted(self.proofs, key=lambda r: str(r.path))
                for line in proof.lines() if "fewer than" in line]

    @property
    def ok(self) -> bool:
        return not self.stale and not self.failures


def master_hash(path: Path) -> str:
    """A hash of a master's cell types and sources (outputs, metadata and wrong answers do not count)."""
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if not (c.cell_type == "raw" and WRONG.match((c.source.splitlines() or [""])[0].strip()))]
    text = json.dumps([(c.cell_type, c.source) for c in cells])
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


def checks_for(master: Master, values: dict[str, list[dict]], digest: str, salt: str | None = None) -> dict:
    """The content of the checks file: visible tests with slow salted fingerprints, never values."""
    salt = salt or new_salt()
    questions = {}
    for name, q in master.questions.items():
        meta = question_meta(q)
        questions[name] = question_entry(meta, values.get(name, []), f"{salt}/{master.stem}", SCRYPT)
    return {"format": FORMAT, "assignment": master.stem, "master_sha256": digest, "salt": salt,
            "fingerprint": dict(SCRYPT), "questions": questions}


def computed_names(q) -> list[str]:
    """Names the visible tests read that the model answer works out with code (not typed in).

    ``check()`` tells a student who types such a value in that the marking reruns their code.
    """
    import ast

    from kit.notebooks.checks import _typed_values

    read = set()
    for t in q.visible_tests:
        try:
            read |= {n.id for n in ast.walk(ast.parse(t.expression, mode="eval")) if isinstance(n, ast.Name)}
        except SyntaxError:  # pragma: no cover  (the format refuses these)
            continue
    assigned, typed = set(), set()
    for line in q.solution_code:
        try:
            tree = ast.parse(line.strip())
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                assigned |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        typed |= {n for n in read if _typed_values(line.strip(), [n])}
    return sorted((read & assigned) - typed)


def question_meta(q) -> dict:
    """A question's tests as plain data (what :func:`kit.notebooks.checks.question_entry` reads)."""
    return {"name": q.name, "points": q.points, "written": q.written, "computed": computed_names(q),
            "tests": [{"expression": t.expression, "hint": t.hint, "points": t.points, "hidden": t.hidden,
                       "condition": t.condition, "tolerance": t.tolerance} for t in q.tests]}


def new_salt() -> str:
    """A fresh course salt (random; kept in every checks file of the course and reused by later builds)."""
    import secrets

    return secrets.token_hex(16)


SALT_FILE = "course-salt.txt"


def course_salt(solutions: Path) -> str:
    """The course's salt, kept in ``solutions/course-salt.txt`` (made on the first build; commit it).

    Every checks file of the course carries it, so it is no secret: it only makes each course's
    fingerprints (and each test's) different, so that no table of precomputed answers serves two.
    """
    path = Path(solutions) / SALT_FILE
    try:
        salt = path.read_text(encoding="utf-8").split()[0].strip()
        if re.fullmatch(r"[0-9a-f]{16,64}", salt):
            return salt
    except (OSError, IndexError):
        pass
    salt = new_salt()
    if path.parent.is_dir():
        path.write_text(f"{salt}\n", encoding="utf-8")
    return salt


def _leaks(master: Master, text: str) -> list[str]:
    """Lines of solutions, hidden tests or rubrics that appear in the exercise text."""
    original = nbformat.read(master.path, as_version=4)
    public, secret = set(), set()
    for q in master.questions.values():
        for wrong in q.wrong:
            # a wrong answer may leave a blank as the exercise has it (`plan.ethics = ...`): not a leak
            secret.update(line.strip() for line in wrong.code.splitlines() if "..." not in line)
    for cell in original.cells:
        first = (cell.source.splitlines() or [""])[0].strip()
        if cell.cell_type == "raw" and WRONG.match(first):
            continue
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
    for marker in (BEGIN, END, "# HIDDEN TEST", RUBRIC, "# SOLUTION", "# WRONG "):
        if marker in text:
            leaked.append(marker)
    return leaked


def _proved(master: Master, report: BuildReport, timeout: int) -> dict:
    """Run the master once with its wrong answers (kit.notebooks.proof); record the proof; return its values."""
    from kit.notebooks.proof import prove

    proof = prove(master, timeout=timeout)
    _require_values(master, proof.values)
    with report.lock:
        report.proofs.append(proof)
    return proof.values


def _require_values(master: Master, values: dict) -> None:
    for name, q in master.questions.items():
        for test, result in zip(q.tests, values.get(name, [])):
            if result["status"] != "ok":
                raise AuthoringError(
                    f"{master.path}, cell {test.cell}: the test expression {test.expression!r} could not be evaluated on "
                    f"the master ({result['status']}: {result.get('detail', '')}). Fix the expression or the solution."
                )


def _build_one(path: Path, exercises: Path, check_only: bool, report: BuildReport, timeout: int,
               prove: bool, salt: str):
    master = read_master(path)
    text = exercise_text(master)
    leaks = _leaks(master, text)
    if leaks:
        raise AuthoringError(f"{path}: the exercise would show solution, hidden-test or wrong-answer lines: {leaks[:3]}. "
                             "Nothing was written. Check the markers around those lines.")
    target = exercises / path.name
    checks_path = exercises / "checks" / f"{path.stem}.json"
    digest = master_hash(path)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    try:
        checks = json.loads(checks_path.read_text(encoding="utf-8")) if checks_path.exists() else None
    except json.JSONDecodeError:
        checks = None
    checks_fresh = (bool(checks) and checks.get("master_sha256") == digest and checks.get("format") == FORMAT
                    and checks.get("salt") == salt)
    if check_only:
        with report.lock:
            if current != text:
                report.stale.append(target)
            if not checks_fresh:
                report.stale.append(checks_path)
            if current == text and checks_fresh:
                report.unchanged.append(target)
        if prove:
            _proved(master, report, timeout)
        return
    if current != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, text)
        with report.lock:
            report.written.append(target)
    if not checks_fresh:
        values = _proved(master, report, timeout) if prove else solution_values(master, timeout=timeout)
        content = json.dumps(checks_for(master, values, digest, salt), indent=1, sort_keys=True) + "\n"
        checks_path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(checks_path, content)
        with report.lock:
            report.written.append(checks_path)
    if current == text and checks_fresh:
        with report.lock:
            report.unchanged.append(target)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def build(solutions: str | Path | None = None, exercises: str | Path | None = None, check: bool = False,
          names: list[str] | None = None, timeout: int = 300, workers: int = 2, prove: bool | None = None,
          require_wrong: bool = False) -> BuildReport:
    """Generate (or with ``check=True`` only verify) exercises from masters; return a report.

    Without ``solutions``/``exercises`` it works on ``solutions/`` and ``exercises/`` of the current
    folder when it has a ``solutions/`` folder (your course), else of the kit's own checkout.

    ``prove`` (default: on with ``check``, and for every master the build runs) proves each
    master's wrong answers (:mod:`kit.notebooks.proof`); with ``check=True`` that runs every
    master once, in one kernel each.
    """
    root = Path.cwd() if (Path.cwd() / "solutions").is_dir() else repo_root()  # the course you are in
    solutions = Path(solutions) if solutions else root / "solutions"
    exercises = Path(exercises) if exercises else root / "exercises"
    masters = sorted(p for p in solutions.glob("*.ipynb") if not names or p.stem in names)
    report = BuildReport(require_wrong=require_wrong)
    salt = course_salt(solutions)
    prove = True if prove is None else prove
    if names:
        missing = sorted(set(names) - {p.stem for p in masters})
        if missing:
            from kit.errors import unknown_name

            raise unknown_name("master notebook", missing[0], sorted(p.stem for p in solutions.glob("*.ipynb")))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for future in [pool.submit(_build_one, p, exercises, check, report, timeout, prove, salt) for p in masters]:
            future.result()
    if not names:  # exercises whose master is gone
        stems = {p.stem for p in masters}
        for orphan in sorted(exercises.glob("*.ipynb")):
            if orphan.stem not in stems:
                report.stale.append(orphan)
    return report
