"""kit.plotting leaves matplotlib's global state alone and figures keep showing in a notebook."""

import matplotlib
import nbformat

from kit.notebooks.run import run_notebook


def test_figure_changes_no_global_settings():
    before = dict(matplotlib.rcParams)
    from kit.plotting import figure

    fig, ax = figure()
    assert dict(matplotlib.rcParams) == before
    assert ax.title.get_size() == 16 and ax.get_lines() == []
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_every_figure_shows_inline_when_the_first_comes_from_kit(tmp_path):
    cells = ["from kit.plotting import figure\nfig, ax = figure()\nax.plot([1, 2])",
             "fig, ax = figure()\nax.plot([2, 1])",
             "import matplotlib.pyplot as plt\nplt.plot([1, 3])"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    run_notebook(nb, cwd=tmp_path, timeout=120)
    images = [any("image/png" in o.get("data", {}) for o in c.outputs) for c in nb.cells]
    assert images == [True, True, True]
