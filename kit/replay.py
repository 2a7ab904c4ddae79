"""Hidden tests on a student's *work*: run their answer cell again on new inputs.

A hidden test such as ::

    # HIDDEN TEST q1 (1 point)
    # hint: Compute the mean from the data, do not type the number.
    __import__("kit.replay").replay.rerun("mean_score", pupils=pupils.iloc[::2])

finds the latest cell the student ran that assigns ``mean_score`` (in IPython's input
history), runs that cell again in a copy of the notebook's namespace in which ``pupils`` is
replaced by every other row, and returns the new ``mean_score``. The master's answer, run the
same way, gives the expected value, so a typed number (``mean_score = 103.4``) fails while any
correct method passes. Nothing in the student's namespace is changed: the cell runs in a copy
(replacement tables are new objects; other objects are shared, as in the original run), and
figures it opens are closed.

>>> ns = {"In": ["", "data = [1, 2, 3]", "total = sum(data)"], "data": [1, 2, 3], "total": 6}
>>> rerun("total", namespace=ns, data=[10, 20])
30
>>> ns["total"]
6
>>> ns["In"].append("total = 6")
>>> rerun("total", namespace=ns, data=[10, 20])
6
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys

from kit.errors import KitError

__all__ = ["rerun", "answer_cell"]


def _user_namespace() -> dict:
    from kit.notebooks.capture import _namespace

    return _namespace()


def _assigns(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            names = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
            if any(isinstance(t, ast.Name) and t.id == name for t in names):
                return True
    return False


def answer_cell(name: str, namespace: dict | None = None) -> str:
    """The source of the latest cell run in this kernel that assigns ``name`` at its top level."""
    ns = _user_namespace() if namespace is None else namespace
    history = ns.get("In") or ns.get("_ih") or []
    for source in reversed(list(history)):
        if not isinstance(source, str) or "kit.capture" in source or "kit.replay" in source:
            continue
        if _assigns(source, name):
            return source
    raise KitError(f"No cell that was run assigns {name!r}; run the answer cell first.")


def rerun(name: str, *, namespace: dict | None = None, **replace):
    """Run the latest cell assigning ``name`` again with ``replace`` as inputs; return the new ``name``."""
    ns = _user_namespace() if namespace is None else namespace
    source = answer_cell(name, ns)
    scope = dict(ns)
    scope.update(replace)
    scope.pop(name, None)
    plt = sys.modules.get("matplotlib.pyplot")
    before = set(plt.get_fignums()) if plt else set()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, "<answer cell>", "exec"), scope)  # the student's own cell, in their own kernel
    finally:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
    if name not in scope:
        raise KitError(f"The answer cell did not assign {name!r} when run again.")
    return scope[name]
