"""Submissions for the grading tests, made from exercises/00-getting-started.ipynb by editing answer cells.

Each maker returns (file name, bytes, expected) where expected holds the status and the
automatic scores the master says the submission deserves (q3 is written: marked by hand).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "00-getting-started"
EXERCISE = ROOT / "exercises" / f"{ASSIGNMENT}.ipynb"

Q1_RIGHT = 'schools_2014 = schools[schools["year"] == 2014]\nn_2014 = len(schools_2014)\nn_2014'
Q2_RIGHT = 'mean_2014 = round(schools_2014["attainment"].mean(), 1)\nmean_2014'
Q2_UNROUNDED = 'mean_2014 = schools_2014["attainment"].mean()\nmean_2014'  # passes the visible check only
Q3_TEXT = ("It is the share of pupils who are disadvantaged (free school meals). Intakes differ, so raw "
           "attainment comparisons can mislead.")


def exercise():
    return nbformat.read(EXERCISE, as_version=4)


def _index(nb, question: str) -> int:
    """Index of the first answer cell of ``question`` (the cell after its header)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.startswith(f"### Question {question} "):
            return i + 1
    raise KeyError(question)


def answer(nb, question: str, source: str):
    nb.cells[_index(nb, question)].source = source
    return nb


def answered(q1=Q1_RIGHT, q2=Q2_RIGHT, q3=Q3_TEXT):
    nb = exercise()
    if q1 is not None:
        answer(nb, "q1", q1)
    if q2 is not None:
        answer(nb, "q2", q2)
    if q3 is not None:
        answer(nb, "q3", q3)
    return nb


def insert_after(nb, question: str, source: str, where: int = 1):
    """Add a code cell ``where`` cells after ``question``'s answer cell."""
    nb.cells.insert(_index(nb, question) + where, nbformat.v4.new_code_cell(source))
    return nb


def dump(nb) -> bytes:
    return nbformat.writes(nb).encode("utf-8")


def ordinary() -> list[tuple[str, bytes, dict]]:
    """Right, partly right, wrong, unanswered and 'fair to students' submissions."""
    out = []
    out.append(("right.ipynb", dump(answered()), {"status": "graded", "q1": 1, "q2": 2, "total": 3}))
    out.append(("partly.ipynb", dump(answered(q2=Q2_UNROUNDED)), {"status": "graded", "q1": 1, "q2": 1, "total": 2}))
    wrong = answered(q1='schools_2014 = schools\nn_2014 = len(schools)', q2="mean_2014 = 0")
    out.append(("wrong.ipynb", dump(wrong), {"status": "graded", "q1": 0, "q2": 0, "total": 0}))
    only_q1 = answered(q2=None, q3=None)
    out.append(("only-q1.ipynb", dump(only_q1), {"status": "graded", "q1": 1, "q2": 0, "total": 1}))
    out.append(("untouched.ipynb", dump(exercise()), {"status": "empty", "q1": None, "q2": None, "total": None}))
    # Fair to students: renamed file, added cells, deleted cells, reordered cells.
    out.append(("My notebook (final) v2.ipynb", dump(answered()), {"status": "graded", "q1": 1, "q2": 2, "total": 3}))
    added = answered()
    insert_after(added, "q1", "print('my own working')\nx = 1 + 1")
    added.cells.insert(_index(added, "q2"), nbformat.v4.new_markdown_cell("My note: the mean is the average."))
    insert_after(added, "q2", "schools_2014.describe()", where=2)
    out.append(("added-cells.ipynb", dump(added), {"status": "graded", "q1": 1, "q2": 2, "total": 3}))
    deleted = answered()
    deleted.cells = [c for c in deleted.cells if not c.source.startswith("check(") and c.source != "2 + 3"
                     and not c.source.startswith("kit.data.codebook")]
    out.append(("deleted-cells.ipynb", dump(deleted), {"status": "graded", "q1": 1, "q2": 2, "total": 3}))
    moved = answered()
    i = _index(moved, "q2")
    cell = moved.cells.pop(i)  # q2's answer moved to the very end, after "Handing in"
    moved.cells.append(cell)
    j = _index(moved, "q1")  # and q1's check cell placed above its answer
    moved.cells[j], moved.cells[j + 1] = moved.cells[j + 1], moved.cells[j]
    out.append(("reordered.ipynb", dump(moved), {"status": "graded", "q1": 1, "q2": 2, "total": 3}))
    return out


def hostile(outside: Path) -> list[tuple[str, bytes, dict]]:
    """Broken and hostile submissions; ``outside`` is a folder with files a submission must not touch."""
    out = []
    loop = answered(q2="while True:\n    pass")
    out.append(("infinite-loop.ipynb", dump(loop), {"status": "timeout", "q1": 1, "q2": 0, "total": 1}))
    exits = answered()
    insert_after(exits, "q1", "import sys\nsys.exit()")  # IPython catches SystemExit: harmless
    insert_after(exits, "q3", "import os\nos._exit(1)")  # kills the kernel after q1 and q2 were captured
    # hidden tests run only after every student cell (so no student code can watch them): the crash loses
    # q1's and q2's hidden halves, and keeps the visible ones captured before it
    out.append(("exits.ipynb", dump(exits), {"status": "crashed", "q1": 0.5, "q2": 1, "total": 1.5}))
    memory = answered()
    insert_after(memory, "q2", "hog = 'x' * (8 * 1024 ** 3)  # 8 GB: far over the kernel's memory limit", where=2)
    out.append(("memory.ipynb", dump(memory), {"status": "graded", "q1": 1, "q2": 2, "total": 3, "reason": "memory"}))
    out.append(("invalid-json.ipynb", dump(answered())[:500], {"status": "invalid-notebook", "total": None}))
    out.append(("not-a-notebook.ipynb", json.dumps({"hello": "world"}).encode(),
                {"status": "invalid-notebook", "total": None}))
    out.append(("report.pdf", b"%PDF-1.4 not a notebook", {"status": "invalid-notebook", "total": None}))
    out.append(("empty.ipynb", b"", {"status": "empty", "total": None}))
    other = answered()
    other.metadata["kit"] = {"assignment": "05-effect-sizes"}
    out.append(("other-assignment.ipynb", dump(other), {"status": "wrong-assignment", "total": None}))
    foreign = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("### Question e1 (3 points)"),
                                              nbformat.v4.new_code_cell("effect = 0.4")])
    out.append(("foreign.ipynb", dump(foreign), {"status": "wrong-assignment", "total": None}))
    loud = answered()
    insert_after(loud, "q1", "for _ in range(50):\n    print('x' * 1_000_000)", where=2)
    out.append(("loud.ipynb", dump(loud), {"status": "graded", "q1": 1, "q2": 2, "total": 3, "reason": "cut"}))
    cheat = answered(
        q1=("class Liar:\n    def __eq__(self, other):\n        return True\n    __hash__ = None\n"
            "n_2014 = Liar()"),
        q2=("class Sly(float):\n    def __eq__(self, other):\n        return True\n"
            "mean_2014 = Sly(3.0)\n"
            "import builtins, pandas.testing, kit.checks, kit.values, kit.capture\n"
            "pandas.testing.assert_frame_equal = lambda *a, **k: None\n"
            "kit.values.same = lambda *a, **k: True\n"
            "kit.values.describe_difference = lambda *a, **k: None\n"
            "kit.checks.run_check = lambda *a, **k: 'all pass'\n"
            "check = lambda q: print('all checks pass')\n"
            "builtins.AssertionError = type('Nothing', (Exception,), {})"),
    )
    out.append(("monkeypatch.ipynb", dump(cheat), {"status": "tampered", "q1": 0, "q2": 0, "total": 0,
                                                   "reason": "a class defined in the notebook (Liar)"}))
    files = answered()
    insert_after(files, "q1", (
        "import os, shutil\n"
        f"for target in [{str(outside / 'planted.txt')!r}, os.path.expanduser('~/../../planted.txt')]:\n"
        "    try:\n        open(target, 'w').write('hacked')\n    except OSError as err:\n        print('blocked', err)\n"
        f"try:\n    os.remove({str(outside / 'keep.txt')!r})\nexcept OSError as err:\n    print('blocked', err)\n"
        f"try:\n    secret = open({str(outside / 'keep.txt')!r}).read()\nexcept OSError:\n    secret = None\n"
        "shutil.rmtree(os.getcwd(), ignore_errors=True)\n"
        "for name in os.listdir('.') if os.path.exists('.') else []:\n    os.remove(name)"))
    out.append(("files.ipynb", dump(files), {"status": "graded", "q1": 1, "q2": 2, "total": 3}))
    peek = answered(q1=(
        "import os, glob, pathlib, kit\n"
        "places = [pathlib.Path(kit.__file__).resolve().parents[1] / 'solutions', pathlib.Path('..') / 'solutions',\n"
        "          pathlib.Path('../../solutions'), pathlib.Path.home() / 'solutions']\n"
        "found = [str(p) for place in places for p in glob.glob(str(place / '*.ipynb'))]\n"
        "found += glob.glob(str(pathlib.Path(kit.__file__).resolve().parents[1] / '.git' / 'objects' / '*'))\n"
        "print('found', found)\n"
        "schools_2014 = schools[schools['year'] == 2014]\n"
        "n_2014 = len(schools_2014) if not found else -1  # scores only if nothing secret was readable"))
    out.append(("peek.ipynb", dump(peek), {"status": "graded", "q1": 1, "q2": 2, "total": 3}))
    return out




_EXPECTED: dict = {}


def batch_folders(base: Path) -> tuple[Path, Path, Path]:
    """``submissions/``, ``outside/`` (a file a submission must not touch) and a seeded ``marks/`` under ``base``."""
    subs, outside, out = base / "submissions", base / "outside", seeded_out(base / "marks")
    subs.mkdir()
    outside.mkdir()
    (outside / "keep.txt").write_text("keep me")
    return subs, outside, out


def seeded_out(folder: Path) -> Path:
    """An output folder that already holds the master's expected values (saves running the master per test)."""
    from kit.notebooks.format import read_master
    from kit.notebooks.build import master_hash, solution_values

    master_path = ROOT / "solutions" / f"{ASSIGNMENT}.ipynb"
    digest = master_hash(master_path)
    if digest not in _EXPECTED:
        _EXPECTED[digest] = json.dumps(solution_values(read_master(master_path)))
    target = folder / ".grading" / f"expected-{digest[:16]}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_EXPECTED[digest])
    return folder
