"""Runs inside a notebook's kernel: evaluate test expressions and hand back plain values.

The build and the grader add a cell ``__import__("kit.capture").capture.emit(...)`` after each
question; its output (mimetype :data:`MIME`) carries plain data only, judged outside the kernel.
"""

from __future__ import annotations

import builtins
import re

from kit.notebooks.values import NotPlainError, to_plain

__all__ = ["MIME", "evaluate", "emit", "cell_source", "missing_name", "raised_inside"]

MIME = "application/vnd.kit.capture+json"


def current_shell():
    """The running IPython shell, or ``None`` outside IPython (plain Python, or IPython not installed)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    return get_ipython()


def _namespace():
    shell = current_shell()
    if shell is None:
        import __main__

        return vars(__main__)
    return shell.user_ns


def missing_name(result: dict) -> str | None:
    """The name an ``unanswered`` result says is not defined (``None`` for ``...`` or another status).

    >>> missing_name({"status": "unanswered", "detail": "name 'gap' is not defined"})
    'gap'
    >>> missing_name({"status": "unanswered", "detail": "still ..."}) is None
    True
    """
    match = re.search(r"name '([^']+)' is not defined", str(result.get("detail", "")))
    return match.group(1) if match and result.get("status") == "unanswered" else None


def raised_inside(expression: str, result: dict) -> bool:
    """True when a NameError names something the test itself does not use: a typo inside the student's function.

    >>> raised_inside("band(95)", {"status": "unanswered", "detail": "name 'hihg' is not defined"})
    True
    >>> raised_inside("band(95)", {"status": "unanswered", "detail": "name 'band' is not defined"})
    False
    """
    import ast

    name = missing_name(result)
    if name is None:
        return False
    try:
        used = {node.id for node in ast.walk(ast.parse(expression, mode="eval")) if isinstance(node, ast.Name)}
    except SyntaxError:
        return False
    return name not in used


def evaluate(expression: str, namespace: dict | None = None) -> dict:
    """Evaluate one test expression; return ``{"status": ..., "value"/"detail": ...}``.

    Status is ``ok``, ``unanswered`` (a name not defined yet, or still ``...``), ``error``
    (the student's code raised) or ``unplain`` (the value is not plain data).

    >>> evaluate("x * 2", {"x": 21})
    {'status': 'ok', 'value': 42}
    >>> evaluate("gap", {})["status"]
    'unanswered'
    >>> evaluate("answer + 1", {"answer": ...})["status"]
    'unanswered'
    """
    ns = _namespace() if namespace is None else namespace
    try:
        value = builtins.eval(expression, ns)
    except NameError as err:
        return {"status": "unanswered", "detail": str(err)}
    except Exception as err:  # the student's code, whatever it raises
        text = f"{type(err).__name__}: {err}"
        if "ellipsis" in text.lower():
            return {"status": "unanswered", "detail": text}
        return {"status": "error", "detail": text[:500]}
    if value is Ellipsis:
        return {"status": "unanswered", "detail": "still ..."}
    try:
        return {"status": "ok", "value": to_plain(value)}
    except NotPlainError as err:
        return {"status": "unplain", "detail": str(err)}
    except RecursionError:
        return {"status": "unplain", "detail": "nested too deeply"}


def emit(question: str, expressions: list[str]) -> None:
    """Evaluate ``expressions`` and display the results as one :data:`MIME` output."""
    from IPython.display import display

    results = [evaluate(e) for e in expressions]
    display({MIME: {"question": question, "results": results}}, raw=True)


def cell_source(question: str, expressions: list[str]) -> str:
    """The code of a capture cell for ``question``."""
    return f'__import__("kit.capture").capture.emit({question!r}, {expressions!r})'
