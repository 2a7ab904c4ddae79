"""Read a master notebook (in solutions/) into questions, tests and the student version.

The format is plain text in ordinary cells (see README, "Writing a master notebook"):

* a Markdown cell whose first line is ``### Question q1 (2 points)`` starts question ``q1``;
  ``### Question q5 (3 points, written)`` starts a question marked by hand against a rubric;
  the question runs until the next question or the next ``#``/``##`` section heading;
* ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines enclose solution code or a model written
  answer (replaced by ``...`` / a prompt in the exercise); a code line ending ``# SOLUTION``
  keeps its left-hand side: ``gap = a - b  # SOLUTION`` becomes ``gap = ...``;
* a Markdown cell whose first line is ``### RUBRIC`` holds a written question's rubric;
* a code cell whose first line is ``# TEST q1 (1 point)`` or ``# HIDDEN TEST q1 (1 point)``
  is a test: ``# hint: ...`` (required), optional ``# check: <condition on value>`` and
  ``# tolerance: <number>``, then one Python expression whose value is judged;
* a code cell ``check("q1")`` lets the student check the question (kept in the exercise);
* a **raw** cell whose first line is ``# WRONG q1: <what the student did>`` holds a typical wrong
  answer: optional ``# hint: <words>`` lines (words the hint shown must contain), then the wrong
  code, which replaces the question's solution cell above it. Wrong answers never reach
  students; ``kit build --check`` proves each one loses marks and draws a hint (:mod:`kit.notebooks.proof`).

Anything that looks like a marker but is not exactly one is refused with the file, the cell
number and what to fix: the build never guesses.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kit.errors import AuthoringError

__all__ = ["Test", "WrongAnswer", "Question", "Master", "read_master", "parse_master", "ANSWER_PROMPT"]

ANSWER_PROMPT = "_Type your answer here, replacing this line._"

HEADER = re.compile(
    r"^###\s+Question\s+(?P<name>[A-Za-z][A-Za-z0-9_-]*)\s+\((?P<points>\d+(?:\.\d+)?)\s+points?"
    r"(?P<written>,\s*written)?\)\s*$"
)
LOOKS_LIKE_HEADER = re.compile(r"^#+\s*question\b", re.IGNORECASE)
TEST = re.compile(
    r"^#\s+(?P<hidden>HIDDEN\s+)?TEST\s+(?P<name>[A-Za-z][A-Za-z0-9_-]*)\s+\((?P<points>\d+(?:\.\d+)?)\s+points?\)\s*$"
)
LOOKS_LIKE_TEST = re.compile(r"^\s*#+\s*(hidden\s+)?tests?\b", re.IGNORECASE)
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
LOOKS_LIKE_MARKER = re.compile(r"#+\s*(begin|end)\s+(hidden\s+)?(solutions?|tests?|answers?)\b", re.IGNORECASE)
INLINE = re.compile(r"^(?P<lhs>\s*[^#=]+?=)(?!=)\s*(?P<rhs>.+?)\s*#\s*SOLUTION\s*$")
LOOKS_LIKE_INLINE = re.compile(r"#\s*solution\s*$", re.IGNORECASE)
RUBRIC = "### RUBRIC"
CHECK_CALL = re.compile(r"""^\s*check\(\s*["'](?P<name>[A-Za-z][A-Za-z0-9_-]*)["']\s*\)\s*$""")
SECTION = re.compile(r"^#{1,2}\s")
WRONG = re.compile(r"^#\s+WRONG\s+(?P<name>[A-Za-z][A-Za-z0-9_-]*)\s*:\s*(?P<what>\S.*?)\s*$")
LOOKS_LIKE_WRONG = re.compile(r"^\s*#+\s*wrong\b", re.IGNORECASE)


@dataclass
class Test:
    """One test of a question: an expression judged against the master's value (or a condition)."""

    question: str
    points: float
    hidden: bool
    hint: str
    expression: str
    condition: str | None = None
    tolerance: float | None = None
    cell: int = 0


@dataclass
class WrongAnswer:
    """A typical wrong answer to a question: code that replaces the solution cell ``replaces``.

    ``replaces`` is the index of that solution cell in ``Master.answers.cells``; ``hints`` are
    words that the hint ``check()`` shows for this answer must contain.
    """

    question: str
    what: str
    code: str
    hints: list[str] = field(default_factory=list)
    cell: int = 0
    replaces: int = 0


@dataclass
class Question:
    """A graded question: its points, whether it is written (rubric-marked), and its tests."""

    name: str
    points: float
    written: bool
    header_cell: int
    last_cell: int = 0
    tests: list[Test] = field(default_factory=list)
    rubric: str = ""
    model_answer: str = ""
    has_check_cell: bool = False
    text: str = ""
    wrong: list[WrongAnswer] = field(default_factory=list)
    solution_cells: list[int] = field(default_factory=list)  # indices in Master.answers.cells
    solution_code: list[str] = field(default_factory=list)  # the model answer's code lines

    @property
    def visible_tests(self) -> list[Test]:
        return [t for t in self.tests if not t.hidden]


@dataclass
class Master:
    """A parsed master notebook: the questions, and the student version of its cells."""

    path: Path
    notebook: nbformat.NotebookNode
    questions: dict[str, Question]
    answers: nbformat.NotebookNode | None = None  # the master without tests, rubrics or marker lines

    @property
    def stem(self) -> str:
        return self.path.stem


def _fail(path, cell: int | None, problem: str, fix: str) -> AuthoringError:
    where = f"{path}" + (f", cell {cell}" if cell is not None else "")
    return AuthoringError(f"{where}: {problem} {fix}")


def read_master(path: str | Path) -> Master:
    """Read and parse the master notebook at ``path``."""
    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # not JSON, not a notebook
        raise AuthoringError(f"{path}: cannot be read as a notebook ({err}). Open it in Jupyter and save it again.") from None
    return parse_master(nb, path)


def _solution_lines(lines, path, cell_no, markdown: bool):
    """Split a cell into (student lines, solution lines), refusing malformed regions."""
    out, solution, inside, indent = [], [], False, ""
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise _fail(path, cell_no, f"line {i} opens a solution inside another one.",
                            f"Add '{END}' before it, or remove it.")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            continue
        if stripped == END:
            if not inside:
                raise _fail(path, cell_no, f"line {i} closes a solution that was never opened.",
                            f"Add '{BEGIN}' above the solution, or remove this line.")
            inside = False
            out.append(ANSWER_PROMPT if markdown else indent + "...")
            continue
        if LOOKS_LIKE_MARKER.search(line):
            raise _fail(path, cell_no, f"line {i} looks like a solution marker but is not exactly one: {stripped!r}.",
                        f"Write the marker lines exactly as '{BEGIN}' and '{END}' (capitals, three #), each on its own line.")
        if inside:
            solution.append(line)
            continue
        if not markdown and LOOKS_LIKE_INLINE.search(line):
            m = INLINE.match(line)
            if not m or not line.rstrip().endswith("# SOLUTION"):
                raise _fail(path, cell_no, f"line {i} ends with a SOLUTION marker but is not 'name = value  # SOLUTION': {stripped!r}.",
                            f"Use the inline marker only on an assignment, written exactly '# SOLUTION', or use '{BEGIN}'/'{END}' lines.")
            out.append(f"{m.group('lhs')} ...")
            solution.append(line)
            continue
        out.append(line)
    if inside:
        raise _fail(path, cell_no, "a solution is opened but never closed.", f"Add a line '{END}' after the solution.")
    return out, solution


def _parse_test(cell, path, cell_no) -> Test:
    lines = cell.source.splitlines()
    m = TEST.match(lines[0].strip())
    if not m:
        raise _fail(path, cell_no, f"the first line looks like a test header but is not one: {lines[0].strip()!r}.",
                    "Write it as '# TEST q1 (1 point)' or '# HIDDEN TEST q1 (2 points)'.")
    hint = condition = tolerance = None
    body = []
    for i, line in enumerate(lines[1:], 2):
        s = line.strip()
        low = s.lower()
        if not body and low.startswith("# hint:"):
            hint = s.split(":", 1)[1].strip()
        elif not body and low.startswith("# check:"):
            condition = s.split(":", 1)[1].strip()
        elif not body and low.startswith("# tolerance:"):
            try:
                tolerance = float(s.split(":", 1)[1])
            except ValueError:
                raise _fail(path, cell_no, f"line {i}: the tolerance is not a number.", "Write e.g. '# tolerance: 0.01'.") from None
        elif not body and (not s or s.startswith("#")):
            continue
        else:
            body.append(line)
    if not hint:
        raise _fail(path, cell_no, f"test of {m.group('name')} has no hint.",
                    "Add a line '# hint: ...' in plain words: what to look at again, never the answer.")
    expression = "\n".join(body).strip()
    try:
        ast.parse(expression, mode="eval")
    except SyntaxError:
        raise _fail(path, cell_no, "the test's code must be a single expression whose value is judged (e.g. 'gap' or "
                    "'round(result[\"estimate\"].iloc[0], 2)').", "Put any set-up in the answer cell, not the test.") from None
    if condition:
        try:
            ast.parse(condition, mode="eval")
        except SyntaxError:
            raise _fail(path, cell_no, f"the check condition {condition!r} is not valid Python.",
                        "Write a condition on `value`, e.g. '# check: 0 < value < 1'.") from None
    return Test(m.group("name"), float(m.group("points")), bool(m.group("hidden")), hint, expression,
                condition, tolerance, cell_no)


def _parse_wrong(cell, path, cell_no, current: "Question | None") -> WrongAnswer:
    lines = cell.source.splitlines()
    first = lines[0].strip()
    m = WRONG.match(first)
    if not m:
        raise _fail(path, cell_no, f"the first line looks like a wrong-answer marker but is not one: {first!r}.",
                    "Write it as '# WRONG q3: <what the student did, in words>' (capitals, a colon, then words).")
    name = m.group("name")
    if cell.cell_type != "raw":
        raise _fail(path, cell_no, f"the wrong answer to {name!r} is in a {cell.cell_type} cell.",
                    "Make it a Raw cell (in Jupyter: press Esc, then R; in a text draft: '# %% [raw]'), "
                    "so that Jupyter never runs it.")
    if current is None or current.name != name:
        inside = f"inside question {current.name!r}" if current else "outside any question"
        raise _fail(path, cell_no, f"a wrong answer to {name!r} is {inside}.",
                    f"Move it below the solution cell of question {name}, before the next question.")
    if current.written:
        raise _fail(path, cell_no, f"question {name!r} is written (marked by rubric), so a wrong answer cannot be proved.",
                    "Remove the wrong-answer cell.")
    if not current.solution_cells:
        raise _fail(path, cell_no, f"the wrong answer to {name!r} comes before any solution cell of the question.",
                    "Put it after the solution cell it replaces.")
    hints, body = [], []
    for line in lines[1:]:
        s = line.strip()
        if not body and s.lower().startswith("# hint:"):
            words = s.split(":", 1)[1].strip()
            if words:
                hints.append(words)
        elif not body and not s:
            continue
        else:
            body.append(line)
    code = "\n".join(body).strip("\n")
    if not code.strip():
        raise _fail(path, cell_no, f"the wrong answer to {name!r} has no code.",
                    "Put the wrong code under the '# WRONG' line (and any '# hint:' lines).")
    try:
        ast.parse(code)
    except SyntaxError as err:
        raise _fail(path, cell_no, f"the wrong answer's code is not valid Python (line {err.lineno}: {err.msg}).",
                    "Write code a student could run; to prove a typing slip, pick one Python can run.") from None
    return WrongAnswer(name, m.group("what"), code, hints, cell_no, current.solution_cells[-1])


def parse_master(nb, path: str | Path = "<notebook>") -> Master:
    """Parse a master notebook node; the returned ``Master.notebook`` is the student version."""
    path = Path(path)
    student = copy.deepcopy(nb)
    questions: dict[str, Question] = {}
    current: Question | None = None
    keep, answered = [], []
    for cell_no, cell in enumerate(nb.cells, 1):
        lines = cell.source.splitlines() or [""]
        first = lines[0].strip()
        if cell.cell_type in ("raw", "code") and LOOKS_LIKE_WRONG.match(first):
            wrong = _parse_wrong(cell, path, cell_no, current)  # refuses one outside its question
            current.wrong.append(wrong)
            continue  # wrong answers never reach students, nor the master's own run
        new = _student_cell(cell)
        if cell.cell_type == "markdown":
            if LOOKS_LIKE_HEADER.match(first):
                m = HEADER.match(first)
                if not m:
                    raise _fail(path, cell_no, f"this looks like a question header but is not one: {first!r}.",
                                "Write it as '### Question q1 (2 points)' or '### Question q5 (3 points, written)'.")
                name = m.group("name")
                if name in questions:
                    raise _fail(path, cell_no, f"question {name!r} is defined twice (first in cell {questions[name].header_cell}).",
                                "Give every question its own name.")
                current = questions[name] = Question(name, float(m.group("points")), bool(m.group("written")), cell_no)
                current.text = "\n".join(lines[1:]).strip()
            elif SECTION.match(first):
                current = None
            if first == RUBRIC:
                if current is None:
                    raise _fail(path, cell_no, "a rubric is outside any question.", "Move it below its question's header.")
                current.rubric = "\n".join(lines[1:]).strip()
                current.last_cell = cell_no
                continue  # rubrics never reach students
            out, solution = _solution_lines(lines, path, cell_no, markdown=True)
            if solution:
                if current is None:
                    raise _fail(path, cell_no, "a model answer is outside any question.", "Move it below its question's header.")
                current.model_answer = "\n".join(solution).strip()
            new.source = "\n".join(out)
        elif cell.cell_type == "code":
            if LOOKS_LIKE_TEST.match(first) and not first.lower().startswith("# test") and not first.lower().startswith("# hidden test"):
                raise _fail(path, cell_no, f"the first line looks like a test header but is not one: {first!r}.",
                            "Write it as '# TEST q1 (1 point)' or '# HIDDEN TEST q1 (2 points)'.")
            if first.lower().startswith(("# test", "# hidden test")):
                test = _parse_test(cell, path, cell_no)
                if current is None or test.question != current.name:
                    inside = f"inside question {current.name!r}" if current else "outside any question"
                    raise _fail(path, cell_no, f"a test for {test.question!r} is {inside}.",
                                f"Move it below the header '### Question {test.question} (... points)', before the next question.")
                if current.written:
                    raise _fail(path, cell_no, f"question {current.name!r} is written (marked by rubric) but has a test.",
                                "Remove ', written' from its header, or remove the test.")
                current.tests.append(test)
                current.last_cell = cell_no
                continue  # tests never reach students
            call = _without_comments(cell.source)
            check = CHECK_CALL.match(call) if call.startswith("check(") else None
            if call.startswith("check(") and not check:
                raise _fail(path, cell_no, f"cannot read this check cell: {cell.source.strip()!r}.", 'Write it as check("q1").')
            if check:
                if current is None or check.group("name") != current.name:
                    raise _fail(path, cell_no, f"check({check.group('name')!r}) is not inside its question.",
                                "Move it below the question's header, before the next question.")
                current.has_check_cell = True
            out, solution = _solution_lines(lines, path, cell_no, markdown=False)
            if solution and current is None:
                raise _fail(path, cell_no, "solution code is outside any question.", "Move it below its question's header.")
            if solution:
                out = [f"# Your answer to {current.name}"] + out  # check() follows this cell's runs
                current.solution_cells.append(len(answered))
                current.solution_code += [line[: -len("# SOLUTION")].rstrip() if line.rstrip().endswith("# SOLUTION")
                                          else line for line in solution]
            new.source = "\n".join(out)
            new.outputs = []
            new.execution_count = None
        if current is not None:
            current.last_cell = cell_no
        keep.append(new)
        answer = copy.deepcopy(new)
        answer.source = "\n".join(_without_markers(lines))
        answered.append(answer)
    _require_own_checker(nb, path)
    for q in questions.values():
        if q.written:
            if not q.model_answer:
                raise _fail(path, q.header_cell, f"written question {q.name!r} has no model answer, so the exercise "
                            "would have no cell for the student's answer.",
                            "Add a Markdown cell under the question with ### BEGIN SOLUTION, your model answer, "
                            "### END SOLUTION (students get 'Type your answer here' in its place).")
            if not q.rubric:
                raise _fail(path, q.header_cell, f"written question {q.name!r} has no rubric.",
                            f"Add a Markdown cell starting '{RUBRIC}' listing what earns each point.")
            continue
        if not q.tests:
            raise _fail(path, q.header_cell, f"question {q.name!r} has no tests.",
                        "Add at least one '# TEST' cell, or mark it '(N points, written)'.")
        total = sum(t.points for t in q.tests)
        if abs(total - q.points) > 1e-9:
            raise _fail(path, q.header_cell, f"question {q.name!r} is worth {q.points:g} points but its tests add up to {total:g}.",
                        "Make the test points add up to the question's points.")
        if not any(not t.hidden for t in q.tests):
            raise _fail(path, q.header_cell, f"question {q.name!r} has only hidden tests, so check() could tell the student nothing.",
                        "Make at least one test visible ('# TEST', not '# HIDDEN TEST').")
        if not q.has_check_cell:
            raise _fail(path, q.header_cell, f"question {q.name!r} has no check cell.",
                        f'Add a code cell check("{q.name}") after the answer cell.')
    answers = copy.deepcopy(student)
    answers.cells = answered
    student.cells = keep
    student.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    student.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    student.metadata["kit"] = {"assignment": path.stem}
    answers.metadata = copy.deepcopy(student.metadata)
    return Master(path, student, questions, answers)


_CHECKER = re.compile(r"""checker\(\s*["']([^"']+)["']\s*\)""")


def _require_own_checker(nb, path: Path) -> None:
    """A master's ``checker("name")`` must name the master itself, or check() finds no checks file."""
    if path.suffix != ".ipynb":
        return
    for cell_no, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        for name in _CHECKER.findall(cell.source):
            if name != path.stem:
                raise _fail(path, cell_no, f'checker("{name}") names another notebook than this one ({path.stem}), '
                            "so check() would find no checks.", f'Write check = checker("{path.stem}").')


def _without_comments(source: str) -> str:
    r"""The code of a cell without its comment and blank lines (a check cell may explain itself).

    >>> _without_comments('# run this to see how you did\ncheck("q1")')
    'check("q1")'
    """
    return "\n".join(line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")).strip()


KEEP_METADATA = ("editable", "deletable", "jupyter", "collapsed", "scrolled")


def _student_cell(cell):
    """A copy of ``cell`` for the exercise: tags and other metadata dropped (a tag such as ``answer=89.8``
    would reach students), attachments kept only where its Markdown still shows them.

    >>> import nbformat
    >>> c = nbformat.v4.new_markdown_cell("See ![](attachment:a.png)")
    >>> c.metadata["tags"] = ["answer=89.8"]; c.attachments = {"a.png": {}, "key.png": {}}
    >>> s = _student_cell(c); dict(s.metadata), sorted(s.attachments)
    ({}, ['a.png'])
    """
    new = copy.deepcopy(cell)
    new.metadata = {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_METADATA}
    if "attachments" in new:
        shown = {name: data for name, data in new.attachments.items() if f"attachment:{name}" in new.source}
        if shown:
            new.attachments = shown
        else:
            del new["attachments"]
    return new


def _without_markers(lines):
    """The master's lines with the marker lines and inline markers removed (the full answer)."""
    out = []
    for line in lines:
        if line.strip() in (BEGIN, END):
            continue
        if line.rstrip().endswith("# SOLUTION") and INLINE.match(line):
            line = line.rstrip()[: -len("# SOLUTION")].rstrip()
        out.append(line)
    return out
