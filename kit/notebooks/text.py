"""Write notebooks as plain text: ``# %%`` starts a code cell, ``# %% [markdown]`` a Markdown cell.

Authors can keep a draft in this "percent" format (the one VS Code, Spyder and jupytext read)
and turn it into a notebook without outputs::

    python -m kit.notebooks.text draft.py solutions/04-describing-school-data.ipynb

In Markdown cells each line's leading ``# `` is removed; ``# %% [raw]`` starts a raw cell (kept
as written: the master format's ``# WRONG q1: ...`` cells are raw). Cell ids are derived from the file
name and position, so regenerating gives the same file.

>>> nb = from_text("# %% [markdown]\\n# # Title\\n\\n# %%\\nx = 1\\n# %% [raw]\\n# WRONG q1: typed\\nx = 2\\n", "demo")
>>> [(c.cell_type, c.source) for c in nb.cells]
[('markdown', '# Title'), ('code', 'x = 1'), ('raw', '# WRONG q1: typed\\nx = 2')]
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import nbformat

__all__ = ["from_text", "convert"]

_MARK = re.compile(r"^# %%(?:\s*\[(?P<kind>markdown|md|raw)\])?\s*$")


def _strip_comment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return "" if line.strip() == "#" else line


def from_text(text: str, name: str = "notebook"):
    """Build a NotebookNode (nbformat 4.5, Python 3 kernel, no outputs) from percent-format text."""
    cells, kind, buf = [], None, []

    def flush():
        if kind is None:
            return
        lines = buf[:]
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell("\n".join(_strip_comment(x) for x in lines)))
        elif kind == "raw":
            cells.append(nbformat.v4.new_raw_cell("\n".join(lines)))
        else:
            cells.append(nbformat.v4.new_code_cell("\n".join(lines)))

    for line in text.splitlines():
        m = _MARK.match(line)
        if m:
            flush()
            kind = {"markdown": "markdown", "md": "markdown", "raw": "raw"}.get(m.group("kind"), "code")
            buf = []
        else:
            buf.append(line)
    flush()
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell.id = hashlib.sha1(f"{name}:{i}".encode()).hexdigest()[:12]
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def convert(source: str | Path, target: str | Path) -> Path:
    """Convert a percent-format file to a notebook file; returns the target path."""
    source, target = Path(source), Path(target)
    nb = from_text(source.read_text(encoding="utf-8"), target.stem)
    nbformat.validate(nb)
    target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> None:  # pragma: no cover
    """``python -m kit.notebooks.text DRAFT.py NOTEBOOK.ipynb`` (also ``python -m kit.notebook_text``)."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        sys.exit("usage: python -m kit.notebooks.text DRAFT.py NOTEBOOK.ipynb")
    print(convert(argv[0], argv[1]))


if __name__ == "__main__":  # pragma: no cover
    main()
