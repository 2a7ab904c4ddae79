"""Errors explained: one or two plain sentences for the errors novices meet in the notebooks.

:func:`explain` turns an exception into words a teacher new to code can act on (or ``None``
when it has nothing better than Python's own message). :func:`install` makes a notebook's
kernel show those words above the error, with the full traceback folded away one click below;
``checker()`` calls it, so every exercise has it from its set-up cell.

>>> explain(KeyError("Year"), {"schools": __import__("pandas").DataFrame({"year": [2014]})})
"There is no column or label called 'Year'. Names must match exactly, capitals included: did you mean 'year'?"
>>> table = __import__("pandas").DataFrame({"degree": [3, 5]}, index=["NLC27", "NLC02"])
>>> explain(KeyError("NLC27"), {"table": table})[:60]
"'NLC27' is the label of a row, not the name of a column: wri"
>>> explain(TypeError("Cannot perform 'ror_' with a dtyped [bool] array and scalar of type [bool]"))[:50]
'Each condition joined with | (or) or & (and) needs'
>>> explain(KeyError(0), {})[:70]
'There is no column or label called 0. To take a row or value by its po'

>>> explain(NameError("name 'belong_3' is not defined"), {}).startswith("Python does not know the name 'belong_3'.")
True
"""

from __future__ import annotations

import difflib
import html
import re

__all__ = ["explain", "install", "source_warnings"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _labels(namespace: dict) -> list[str]:
    """Column names and index labels of the tables and columns the student has made."""
    out: list[str] = []
    for value in list((namespace or {}).values())[:200]:
        module = type(value).__module__ or ""
        if not module.startswith("pandas"):
            continue
        for attr in ("columns", "index"):
            labels = getattr(value, attr, None)
            if labels is None or len(labels) > 500:
                continue
            out += [str(x) for x in labels]
    return out


def _is_row_label(key: str, namespace) -> bool:
    """True when ``key`` is a row label (index entry) of a table the student has, and no column name."""
    for value in list((namespace or {}).values())[:200]:
        if type(value).__name__ == "DataFrame" and (type(value).__module__ or "").startswith("pandas"):
            try:
                if key in value.index and key not in value.columns:
                    return True
            except TypeError:
                continue
    return False


def _key_error(key, namespace) -> str:
    if isinstance(key, tuple) and key and all(isinstance(k, str) for k in key):
        listed = ", ".join(repr(k) for k in key)
        return (f"To pick several columns, put their names in a list inside the brackets, so two pairs of brackets: "
                f"table[[{listed}]].")
    if key in ("True", "False"):
        return (f"The label {key!r} is written as text, in quotation marks. True and False labels are written "
                f"without quotation marks: [{key}] or .loc[{key}].")
    if isinstance(key, int) and not isinstance(key, bool):
        return (f"There is no column or label called {key}. To take a row or value by its position, write "
                f".iloc[{key}] (the first is .iloc[0]); [{key}] and .loc[{key}] look for a label called {key}.")
    if isinstance(key, str) and _is_row_label(key, namespace):
        return (f"{key!r} is the label of a row, not the name of a column: write table.loc[{key!r}] to take that "
                "row (square brackets alone pick columns).")
    text = f"There is no column or label called {key!r}."
    if isinstance(key, str):
        close = difflib.get_close_matches(key, _labels(namespace), n=1, cutoff=0.6)
        lower = [x for x in _labels(namespace) if x.lower() == key.lower()]
        guess = (lower or close or [None])[0]
        if guess and guess != key:
            return f"{text} Names must match exactly, capitals included: did you mean {guess!r}?"
    return f"{text} Names must match exactly, capitals included; table.columns lists a table's column names."


def source_warnings(source: str) -> list[str]:
    """Slips in a cell that raise no error but do something else: ``==`` that stores nothing, two ``=``.

    >>> source_warnings('plan.ethics == "consent"')
    ['Line 1 compares with == but stores nothing: to store a value, use one = (plan.ethics = ...).']
    >>> source_warnings('same = t["a"] = t["b"]')[0][:80]
    'Line 1 has two = signs, so it also stores into t["a"] and changes your data. To '
    >>> source_warnings("gap = 3 - 2")
    []
    """
    import ast

    try:
        tree = ast.parse(source or "")
    except SyntaxError:
        return []
    out = []
    last = tree.body[-1] if tree.body else None
    for node in tree.body:
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Compare) and len(node.value.ops) == 1
                and isinstance(node.value.ops[0], ast.Eq) and isinstance(node.value.left, (ast.Attribute, ast.Subscript))
                or node is not last and isinstance(node, ast.Expr) and isinstance(node.value, ast.Compare)
                and len(node.value.ops) == 1 and isinstance(node.value.ops[0], ast.Eq)
                and isinstance(node.value.left, ast.Name)):
            target = ast.get_source_segment(source, node.value.left) or ast.unparse(node.value.left)
            out.append(f"Line {node.lineno} compares with == but stores nothing: to store a value, use one = "
                       f"({target} = ...).")
        elif isinstance(node, ast.Assign) and len(node.targets) > 1:
            inner = [t for t in node.targets[1:] if isinstance(t, ast.Subscript)]
            if inner:
                out.append(f"Line {node.lineno} has two = signs, so it also stores into {ast.get_source_segment(source, inner[0]) or ast.unparse(inner[0])} and "
                           "changes your data. To compare, write ==; to get the data back, run the cells above "
                           "again (or Kernel → Restart Kernel and Run All Cells).")
    return out


def explain(error: BaseException, namespace: dict | None = None, source: str | None = None) -> str | None:
    """One or two plain sentences about ``error``, or ``None`` when Python's message is enough.

    ``namespace`` (the notebook's variables) lets a missing column be matched to a near one;
    ``source`` (the cell's code) lets a setting written with ``==`` be told apart from a missing name.

    >>> explain(ValueError("The truth value of a Series is ambiguous. Use a.empty, a.bool(), a.item(), a.any() or a.all()."))[:60]
    'Python cannot say whether a whole column is True or False. T'
    >>> explain(TypeError("unhashable type: 'list'")).startswith("A list was used where one label")
    True
    >>> explain(ZeroDivisionError("division by zero")) is None
    True

    The kit's own errors already say what to fix, so they get no second explanation:

    >>> from kit.errors import MissingColumnError
    >>> explain(MissingColumnError("Column 'title' was not found.", column="title")) is None
    True
    """
    from kit.errors import KitError

    if isinstance(error, KitError):
        return None
    name = type(error).__name__
    text = str(error)
    if isinstance(error, KeyError):
        key = error.args[0] if error.args else None
        return _key_error(key, namespace)
    if isinstance(error, NameError):
        m = re.search(r"name '([^']+)' is not defined", text)
        missing = m.group(1) if m else "this"
        if source and re.search(r"(?<![\w.])" + re.escape(missing) + r"\s*==", source):
            return (f"You wrote {missing}==, which compares. To give a setting inside brackets, use one =, "
                    f"e.g. {missing}=0.2.")
        if missing in ("check", "checker", "kit", "pd", "np", "plt"):
            return (f"Python does not know {missing!r} yet: run the set-up cell near the top of the notebook first "
                    "(or Kernel → Restart Kernel and Run All Cells).")
        return (f"Python does not know the name {missing!r}. Either the cell that makes it has not been run yet "
                "(run the cells above, or Kernel → Restart Kernel and Run All Cells), or it is misspelt, or it is "
                f"text that needs quotation marks: \"{missing}\".")
    if name == "AbsorbingEffectError" or "absorbed" in text.lower() and "effect" in text.lower():
        return ("One of the variables in your model does not change within the groups the fixed effects take out "
                "(for example a school-level variable with school fixed effects), so its effect cannot be estimated. "
                "Leave it out of the formula, or drop the matching fixed effect.")
    if isinstance(error, ValueError) and "truth value of a" in text and "ambiguous" in text:
        return ("Python cannot say whether a whole column is True or False. To combine conditions on columns use "
                "& (and) or | (or), with each condition in its own brackets: "
                "table[(table[\"year\"] == 2014) & (table[\"region\"] == \"London\")].")
    if isinstance(error, TypeError) and ("with string dtype" in text or "could not convert string" in text
                                         or re.search(r"for [-+*/]: 'str' and", text)):
        return ("You asked for arithmetic (such as a mean or a sum) on text. Pick the column of numbers first, "
                "e.g. table[\"attainment\"].mean(), and check that each bracket closes where you mean it to.")
    if isinstance(error, ValueError) and "could not convert string to float" in text:
        return ("A piece of text cannot be turned into a number here. Check that you chose a column of numbers, "
                "not of names or codes.")
    if isinstance(error, TypeError) and (re.search(r"'(method|builtin_function_or_method|function)'", text)
                                         or "doesn't define __round__" in text):
        return ("A method was used without its round brackets, so Python has the method itself, not its result: "
                "write .mean() rather than .mean.")
    if isinstance(error, TypeError) and "unhashable type" in text:
        return ("A list was used where one label or value is needed (for example a column name inside too many "
                "brackets, or a list as a dictionary key). Use the label itself, or check the brackets.")
    if isinstance(error, SyntaxError) and ("'=='" in text or "cannot assign" in text and "==" in text
                                           or "Maybe you meant '=='" in (error.msg or "")):
        return ("One = stores a value; two == compare two values. Inside a condition, write ==.")
    if isinstance(error, ValueError) and re.search(r"[Ll]ength of values|[Ll]engths must match|"
                                                    r"could not be broadcast|[Ll]ength mismatch", text):
        return ("The two sides have different numbers of rows or items. Make new columns from the same table, and "
                "check that both parts were filtered in the same way.")
    if isinstance(error, TypeError) and re.search(r"'r?(or|and)_'", text):
        return ("Each condition joined with | (or) or & (and) needs its own round brackets, because | and & are "
                "worked out before == and >: write (table[\"a\"] > 1) | (table[\"b\"] == 2).")
    if name == "NetworkXError" and re.search(r"The node .* is not in the (di)?graph", text):
        return ("That school is not in the network (any more). If an earlier cell removed it from a network made "
                "with H = G (a second name for the same network, not a copy), G lost it too: run the cell that "
                "builds the network again, then make copies with .copy() before removing anything.")
    if isinstance(error, ValueError) and "weights and list don't have the same length" in text:
        return ("The groups for clustered standard errors must be the column itself, with one value per row of "
                "the data, e.g. cov_kwds={\"groups\": pupils[\"school_id\"]}, not the column's name in quotation marks.")
    if isinstance(error, AttributeError):
        m = re.match(r"'(\w+)' object has no attribute '(\w+)'", text)
        if m and m.group(1) == "Series" and m.group(2) == "columns":
            return "That is one column (a Series), not a table (a DataFrame): a single column has no columns."
        if m and m.group(1) == "DataFrame":
            return (f"A table has no method or attribute {m.group(2)!r}. For a column, write "
                    f"table[{m.group(2)!r}]; check the spelling against table.columns.")
        if m:
            kind = {"str": "text", "float": "a number", "int": "a whole number", "list": "a list",
                    "bool": "True/False", "NoneType": "None (nothing)", "dict": "a dictionary"}.get(m.group(1))
            if kind:
                return f"That value is {kind}, which has no {m.group(2)!r}: check what the name holds."
    return None


def _html(sentences: str, traceback_text: str) -> str:
    return ("<div style=\"border-left:4px solid #D55E00;padding:.4rem .8rem;margin:.3rem 0;background:#fdf0ea\">"
            f"<b>What went wrong:</b> {html.escape(sentences)}"
            "<details style=\"margin-top:.3rem\"><summary>Show Python's full error message</summary>"
            f"<pre style=\"white-space:pre-wrap\">{html.escape(traceback_text)}</pre></details></div>")


def _handler(shell, etype, value, tb, tb_offset=None):
    try:
        cells = shell.user_ns.get("In") or [""]
        sentences = explain(value, shell.user_ns, source=cells[-1] if cells else None)
    except Exception:  # the explainer must never hide an error
        sentences = None
    if sentences is None:
        if issubclass(etype, SyntaxError):
            shell.showsyntaxerror()
        else:
            shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    try:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        full = _ANSI.sub("", shell.InteractiveTB.stb2text(stb))
    except Exception:  # pragma: no cover
        full = f"{etype.__name__}: {value}"
    from IPython.display import display

    display({"text/html": _html(sentences, full), "text/plain": f"What went wrong: {sentences}"}, raw=True)
    short = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, short)  # a short error (the cell still counts as failed)
    return None


def install(shell=None) -> bool:
    """Show plain explanations above errors in this IPython kernel; ``False`` outside IPython."""
    if shell is None:
        from kit.notebooks.capture import current_shell

        shell = current_shell()
    if shell is None:
        return False
    if getattr(shell, "_kit_explainer", False):
        return True
    shell.set_custom_exc((Exception,), _handler)
    shell._kit_explainer = True
    return True
