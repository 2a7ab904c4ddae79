"""Every notebook runs top to bottom in a fresh kernel (nbclient), in parallel under pytest-xdist.

* solutions/: with KIT_CHECK_STRICT=1, so a check that fails on the master's own answers fails here;
* exercises/: unanswered, exactly as a student receives them: no cell may raise;
* workshops/: the Voila apps' notebooks, as the server would run them.
"""

import nbformat
import pytest

from kit.notebooks.run import environment, run_notebook
from tests.notebooks import ids, notebooks

CELL_TIMEOUT = 600  # seconds for any one cell; a whole notebook is bounded by its cells

SOLUTIONS = notebooks("solutions")
EXERCISES = notebooks("exercises")
WORKSHOPS = notebooks("workshops")


def _run(path, **env):
    nb = nbformat.read(path, as_version=4)
    with environment(**env):
        run_notebook(nb, cwd=path.parent, timeout=CELL_TIMEOUT)
    return nb


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_solution_runs_and_passes_its_own_checks(path):
    _run(path, KIT_CHECK_STRICT="1")


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_exercise_runs_unanswered_without_error(path):
    nb = _run(path)
    said = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    if '"q' in "".join(c.source for c in nb.cells if c.cell_type == "code"):
        assert "not answered yet" in said, "an unanswered exercise should say 'not answered yet'"


@pytest.mark.parametrize("path", WORKSHOPS, ids=ids(WORKSHOPS))
def test_workshop_notebook_runs(path):
    _run(path, KIT_WORKSHOP_TEST="1")
