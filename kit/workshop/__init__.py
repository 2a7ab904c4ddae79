"""Workshop platform: the live answer store, shared Voila components and the ``kit workshop`` server.

Import the parts you need (``kit.workshop.store``, ``kit.workshop.components``,
``kit.workshop.server``); importing this package loads nothing heavy.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "facilitator_key", "check_key", "test_mode"]


def data_dir() -> Path:
    """Folder for the workshop database and the facilitator key (created if missing).

    ``KIT_DATA_DIR`` if set, else ``$XDG_DATA_HOME/kit`` (default ``~/.local/share/kit``):
    outside the repository, so answers are never committed by mistake.

    >>> data_dir().is_dir()
    True
    """
    base = os.environ.get("KIT_DATA_DIR")
    if base:
        path = Path(base).expanduser()
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(xdg) / "kit"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_key() -> str:
    import secrets

    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read off a terminal
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def facilitator_key(create: bool = True) -> str | None:
    """The facilitator's key: ``KIT_FACILITATOR_KEY`` if set, else the one stored in :func:`data_dir`.

    The first call generates a random key (``ABCD-EFGH-JKMN``) and keeps it in
    ``facilitator.key`` (readable by its owner only), so it survives restarts.
    With ``create=False`` a missing key gives ``None``.
    """
    key = os.environ.get("KIT_FACILITATOR_KEY", "").strip()
    if key:
        return key
    path = data_dir() / "facilitator.key"
    if path.exists():
        stored = path.read_text(encoding="utf-8").strip()
        if stored:
            return stored
    if not create:
        return None
    key = _new_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key


def check_key(given: str | None) -> bool:
    """True when ``given`` is the facilitator's key (compared in constant time, spaces and case ignored)."""
    import hmac

    key = facilitator_key(create=False)
    if not key or not given:
        return False
    norm = lambda s: s.strip().upper().replace(" ", "")  # noqa: E731
    return hmac.compare_digest(norm(given).encode(), norm(key).encode())


def test_mode() -> bool:
    """True when a notebook runs headless in the test suite (``KIT_WORKSHOP_TEST=1``): no timers, no store."""
    return os.environ.get("KIT_WORKSHOP_TEST", "") not in ("", "0")
