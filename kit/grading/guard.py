"""Capture that a student's patches cannot quietly change: pristine references, a scan, a signed payload.

:func:`arm` runs in the forked kernel *before any student cell* (see :mod:`kit.grading.warm`).
It keeps the original objects the capture depends on (``builtins``, ``json``, ``sys.modules``
entries, ``kit.capture``/``kit.values`` functions and their code, IPython's ``run_cell``, input
and AST transformers, the display publisher and the kernel session) and replaces
``kit.capture.emit`` with a guarded one. Each capture cell then

* scans for changes to those objects (each one found is named),
* evaluates the test expressions with the pristine ``eval`` and ``to_plain``,
* publishes ``{"body": JSON text, "mac": HMAC-SHA256(key, body)}`` through the pristine publisher.

Outside the kernel, :func:`verify` accepts only payloads whose MAC matches this kernel's key and
rebuilds the values from the JSON text; an unsigned or altered capture, or any finding, makes
the row ``tampered`` with what was found. Limits (said in the README): the key lives in the
student's own process, so a student who digs it out of memory could forge a capture; that gains
nothing without the expected values, which the sandbox keeps out of reach.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import json
import sys

__all__ = ["arm", "verify", "MIME"]

MIME = "application/vnd.kit.capture+json"
_MODULES = ("builtins", "json", "json.encoder", "json.decoder", "hmac", "hashlib", "kit", "kit.capture",
            "kit.values", "IPython", "IPython.display", "IPython.core.displaypub", "jupyter_client.session",
            "numpy", "pandas", "math")


def _attributes(shell) -> dict:
    """Name -> (owner, attribute) of every object the capture relies on."""
    import kit.capture
    import kit.values

    found = {f"json.{n}": (json, n) for n in ("dumps", "loads", "JSONEncoder", "JSONDecoder", "_default_encoder")}
    found.update({f"json.JSONEncoder.{n}": (json.JSONEncoder, n) for n in ("encode", "iterencode", "default")})
    found.update({f"kit.capture.{n}": (kit.capture, n) for n in ("evaluate", "to_plain", "MIME", "builtins")})
    found.update({f"kit.values.{n}": (kit.values, n) for n in ("to_plain", "_scalar", "NotPlainError")})
    found.update({f"hmac.{n}": (hmac, n) for n in ("new", "HMAC", "compare_digest")})
    found["hashlib.sha256"] = (hashlib, "sha256")
    found["sys.modules"] = (sys, "modules")
    if shell is not None:
        for n in ("run_cell", "run_cell_async", "transform_cell", "run_ast_nodes", "run_code", "should_run_async",
                  "display_pub", "displayhook", "ex", "ev", "input_transformer_manager", "compile"):
            found[f"shell.{n}"] = (shell, n)
        manager = getattr(shell, "input_transformer_manager", None)
        for n in ("transform_cell", "cleanup_transforms", "line_transforms", "token_transformers"):
            found[f"input_transformer_manager.{n}"] = (manager, n)
        pub = getattr(shell, "display_pub", None)
        for n in ("publish", "session", "pub_socket"):
            found[f"display_pub.{n}"] = (pub, n)
        session = getattr(pub, "session", None)
        for n in ("send", "serialize", "pack", "sign", "msg"):
            found[f"session.{n}"] = (session, n)
    return found


def _value(owner, name):
    try:
        return owner.__dict__[name] if isinstance(getattr(owner, "__dict__", None), dict) and name in owner.__dict__ \
            else getattr(owner, name)
    except Exception:
        return None


def _fingerprint(obj):
    """What an object is: identity plus its code, so changing ``f.__code__`` in place is seen too."""
    func = getattr(obj, "__func__", None)
    if func is not None:  # a bound method is made anew at each access: look at its function
        obj = func
    code = getattr(obj, "__code__", None)
    return (id(obj), id(code), id(getattr(obj, "__defaults__", None)))


_BUILTINS = ("eval", "exec", "compile", "__import__", "getattr", "setattr", "hasattr", "type", "isinstance",
             "issubclass", "id", "len", "float", "int", "str", "bool", "list", "dict", "tuple", "set", "repr",
             "open", "hash", "vars", "super", "object", "iter", "next", "sorted", "min", "max", "sum", "abs",
             "round", "callable", "globals", "locals", "dir", "format", "zip", "map", "range", "enumerate")


def _lists(shell) -> dict:
    if shell is None:
        return {}
    manager = getattr(shell, "input_transformer_manager", None)
    return {"input_transformers_cleanup": list(getattr(shell, "input_transformers_cleanup", []) or []),
            "input_transformers_post": list(getattr(shell, "input_transformers_post", []) or []),
            "ast_transformers": list(getattr(shell, "ast_transformers", []) or []),
            "cleanup_transforms": list(getattr(manager, "cleanup_transforms", []) or []),
            "line_transforms": list(getattr(manager, "line_transforms", []) or [])}


def _names(expression: str) -> set[str]:
    import ast

    return {node.id for node in ast.walk(ast.parse(expression, mode="eval")) if isinstance(node, ast.Name)}


def _foreign(value) -> str | None:
    """The class name of ``value`` when its class is not a library's own (defined in the notebook, or posing).

    >>> import pandas
    >>> _foreign(pandas.DataFrame()), _foreign(3), _foreign(len), _foreign(lambda x: x), _foreign(...), _foreign(None)
    (None, None, None, None, None, None)
    >>> class Table(dict): pass
    >>> _foreign(Table())
    'Table'
    """
    import types

    t = type(value)
    if not t.__flags__ & (1 << 9) or t in (types.FunctionType, types.ModuleType, types.MethodType):
        return None  # a static type (None, ..., int, dict_keys ...): written in C, never made by a notebook
    owner = sys.modules.get(getattr(t, "__module__", None) or "")
    found = owner
    for part in str(getattr(t, "__qualname__", "")).split("."):
        found = getattr(found, part, None)
    if owner is None or found is not t or t.__module__ in ("__main__", "__mp_main__") or "<locals>" in t.__qualname__:
        return t.__name__
    return None


def _encoder():
    """Canonical JSON of plain data, from C functions taken now: no later patch of ``json`` reaches it.

    >>> _encoder()({"b": [1, 2.5, None, True], "a": "é"})
    '{"a": "\\\\u00e9", "b": [1, 2.5, null, true]}'
    """
    from json.encoder import c_make_encoder, encode_basestring_ascii

    if c_make_encoder is None:  # pragma: no cover - CPython always has it
        return json.JSONEncoder(sort_keys=True, ensure_ascii=True, allow_nan=False).encode

    def no_default(obj):
        raise TypeError(f"{type(obj).__name__} is not plain data")

    make = c_make_encoder(None, no_default, encode_basestring_ascii, None, ": ", ", ", True, False, False)
    join = "".join
    return lambda obj: join(make(obj, 0))


def arm(key: bytes, shell) -> None:
    """Take the pristine references now and install the guarded ``kit.capture.emit``."""
    import kit.capture
    import kit.values

    pristine_eval, pristine_dumps, pristine_loads = builtins.eval, json.dumps, json.loads
    encode = _encoder()
    digest_new, compare = hmac.new, hmac.compare_digest
    to_plain, NotPlain = kit.values.to_plain, kit.values.NotPlainError
    watched_builtins = {k: id(vars(builtins).get(k)) for k in _BUILTINS}
    modules = {n: id(sys.modules.get(n)) for n in _MODULES}
    attributes = _attributes(shell)
    before = {n: _fingerprint(_value(o, a)) for n, (o, a) in attributes.items()}
    lists = {n: [id(x) for x in v] for n, v in _lists(shell).items()}
    publish = shell.display_pub.publish if shell is not None else None
    namespace = shell.user_ns if shell is not None else vars(sys.modules["__main__"])
    exact = {int, float, str, bool, type(None), list, dict, tuple}

    def scan() -> list[str]:
        found = []
        now = vars(builtins)
        for name, ident in watched_builtins.items():
            if id(now.get(name)) != ident:
                found.append(f"builtins.{name} was replaced")
        for name in modules:
            if id(sys.modules.get(name)) != modules[name]:
                found.append(f"sys.modules[{name!r}] was replaced")
        for name, (owner, attr) in attributes.items():
            if _fingerprint(_value(owner, attr)) != before[name]:
                found.append(f"{name} was replaced")
        for name, ids in _lists(shell).items():
            if [id(x) for x in ids] != lists[name]:
                found.append(f"IPython {name} was changed")
        if kit.capture.emit is not emit:
            found.append("kit.capture.emit was replaced")
        return found

    def suspicious(value, depth=0) -> str | None:
        t = type(value)
        if "numpy" in sys.modules:
            np = sys.modules["numpy"]
            if isinstance(value, np.generic):
                try:
                    if np.dtype(t).type is t:
                        return None
                except TypeError:
                    pass
                return f"an answer is a {t.__name__} posing as a numpy number (its class is not numpy's own)"
        if t not in exact and isinstance(value, (int, float, str)):
            return f"an answer is a {t.__name__} posing as a plain {t.__mro__[1].__name__}"
        return None

    pristine_builtins = dict(vars(builtins))
    compile_ = builtins.compile

    def evaluate(expression: str) -> tuple[dict, str | None]:
        try:  # the test's own builtins (len, sorted, round ...), whatever the student's namespace calls so
            code = compile_(expression, "<test>", "eval")
            scope = dict(namespace)
            scope.update({n: pristine_builtins[n] for n in code.co_names if n in pristine_builtins})
            for name in _names(expression):
                odd = _foreign(scope[name]) if name in scope else None
                if odd:  # its methods could answer the test's questions with anything
                    return ({"status": "unplain", "detail": odd},
                            f"a test read {name}, an object of a class defined in the notebook ({odd})")
            value = pristine_eval(code, scope)
        except NameError as err:
            return {"status": "unanswered", "detail": str(err)[:200]}, None
        except Exception as err:
            text = f"{type(err).__name__}: {err}"
            return ({"status": "unanswered", "detail": text[:200]} if "ellipsis" in text.lower()
                    else {"status": "error", "detail": text[:500]}), None
        if value is Ellipsis:
            return {"status": "unanswered", "detail": "still ..."}, None
        odd = suspicious(value)
        try:
            return {"status": "ok", "value": to_plain(value)}, odd
        except NotPlain as err:
            return {"status": "unplain", "detail": str(err)[:100]}, odd
        except RecursionError:
            return {"status": "unplain", "detail": "nested too deeply"}, odd

    def emit(question: str, expressions: list[str]) -> None:
        tamper = scan()
        results = []
        for expression in expressions:
            result, odd = evaluate(expression)
            results.append(result)
            if odd:
                tamper.append(odd)
        payload = {"question": question, "expressions": list(expressions), "results": results, "tamper": tamper}
        try:
            body = encode(payload)
        except (ValueError, TypeError, RecursionError):
            body = encode(dict(payload, results=[], tamper=tamper + ["values not encodable"]))
        mac = digest_new(key, body.encode(), "sha256").hexdigest()
        if publish is not None:
            publish(data={MIME: {"body": body, "mac": mac}}, metadata={})

    del pristine_dumps, pristine_loads, compare
    kit.capture.emit = emit


def verify(key: bytes, data) -> tuple[dict | None, str | None]:
    """``(payload, None)`` for a capture output signed with ``key``, else ``(None, why)``.

    >>> import hmac
    >>> body = '{"question": "q1", "results": [], "tamper": []}'
    >>> verify(b"k", {"body": body, "mac": hmac.new(b"k", body.encode(), "sha256").hexdigest()})[0]["question"]
    'q1'
    >>> verify(b"k", {"question": "q1", "results": []})[1]
    'a capture output was not made by the grader (the capture machinery was replaced or bypassed)'
    """
    if not isinstance(data, dict) or not isinstance(data.get("body"), str) or not isinstance(data.get("mac"), str):
        return None, "a capture output was not made by the grader (the capture machinery was replaced or bypassed)"
    good = hmac.new(key, data["body"].encode(), "sha256").hexdigest()
    if not hmac.compare_digest(good, data["mac"]):
        return None, "a capture output was altered on its way out of the kernel"
    try:
        payload = json.loads(data["body"])
    except ValueError:
        return None, "a capture output was not valid JSON"
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list) \
            or not isinstance(payload.get("question"), str):
        return None, "a capture output had the wrong shape"
    return payload, None
