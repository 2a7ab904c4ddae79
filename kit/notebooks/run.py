"""Run notebooks top to bottom in a fresh kernel (nbclient), and find questions inside them.

Used by ``kit build`` (to record the master's values), by the test suite (every notebook
runs) and by the grader (submissions, with the same capture cells).
"""

from __future__ import annotations

import copy
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from kit.notebooks.capture import MIME, cell_source

__all__ = ["run_notebook", "locate_questions", "inject_captures", "harvest", "environment"]

_HEADER = re.compile(r"^###\s+Question\s+(?P<name>[A-Za-z][A-Za-z0-9_-]*)\b")
_SECTION = re.compile(r"^#{1,2}\s")


@contextmanager
def environment(**variables: str):
    """Temporarily set environment variables (a kernel started inside inherits them)."""
    old = {k: os.environ.get(k) for k in variables}
    os.environ.update({k: str(v) for k, v in variables.items()})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class IPCKernelManager(KernelManager):
    """A kernel on a private unix socket rather than TCP on localhost: no other user of the machine can
    connect, and ipykernel no longer warns "Kernel is running over TCP without encryption" at every build.

    The socket lives in a folder of its own (an absolute path, since the kernel runs in the
    notebook's folder), removed when the kernel stops.
    """

    def __init__(self, **kwargs):
        import tempfile

        self._sockets = tempfile.mkdtemp(prefix="kit-kernel-")
        super().__init__(transport="ipc", ip=str(Path(self._sockets) / "kernel"), **kwargs)

    def cleanup_resources(self, restart: bool = False) -> None:
        super().cleanup_resources(restart=restart)
        if not restart:
            import shutil

            shutil.rmtree(self._sockets, ignore_errors=True)


def run_notebook(nb, cwd: str | Path, timeout: int = 300, allow_errors: bool = False, **client_options):
    """Execute ``nb`` (a NotebookNode, changed in place and returned) with its folder ``cwd``.

    ``timeout`` is per cell, in seconds. Raises nbclient's ``CellExecutionError`` on the first
    error unless ``allow_errors``.
    """
    client = NotebookClient(
        nb,
        kernel_manager_class=IPCKernelManager,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd)}},
        **client_options,
    )
    client.execute()
    return nb


def locate_questions(nb) -> dict[str, tuple[int, int]]:
    """Map each question name to (header index, index of the region's last cell).

    A region runs from ``### Question name ...`` until the next question or ``#``/``##``
    heading, so a student who adds, deletes or moves cells inside it is still graded by question.
    """
    found: dict[str, tuple[int, int]] = {}
    current, start = None, 0
    for i, cell in enumerate(nb.cells):
        first = (cell.source.splitlines() or [""])[0].strip() if cell.cell_type == "markdown" else ""
        m = _HEADER.match(first)
        if m or _SECTION.match(first):
            if current is not None and current not in found:
                found[current] = (start, i - 1)
            current, start = (m.group("name"), i) if m else (None, i)
    if current is not None and current not in found:
        found[current] = (start, len(nb.cells) - 1)
    return found


def inject_captures(nb, tests: dict[str, list[str]]):
    """A copy of ``nb`` with a capture cell after each question's region (or at the end if absent)."""
    nb = copy.deepcopy(nb)
    where = locate_questions(nb)
    inserts: list[tuple[int, str]] = []
    for name, expressions in tests.items():
        end = where[name][1] + 1 if name in where else len(nb.cells)
        inserts.append((end, cell_source(name, expressions)))
    for position, source in sorted(inserts, key=lambda x: x[0], reverse=True):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["kit_capture"] = True
        nb.cells.insert(position, cell)
    return nb


def harvest(nb) -> dict[str, list[dict]]:
    """Collect the capture outputs of an executed notebook: question -> list of results."""
    results: dict[str, list[dict]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.metadata.get("kit_capture"):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
            if MIME in data:
                # nbformat hands back NotebookNode (a dict subclass): turn it into plain JSON types
                payload = json.loads(json.dumps(data[MIME]))
                results[payload["question"]] = payload["results"]
    return results
