"""Where the workshop keeps its data, and the facilitator's key (made, stored, checked, rate-limited).

>>> key_problem("my-key")
'The facilitator key you set has 5 letters and digits; use at least 12 (for example three groups of four, ABCD-EFGH-JKMN), or unset KIT_FACILITATOR_KEY and kit workshop makes one.'
>>> key_problem("ROOM-42-PINE-COVE") is None
True
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["data_dir", "facilitator_key", "check_key", "key_problem", "try_key", "KeyResult", "MIN_KEY_CHARS",
           "KEY_WINDOW", "KEY_FREE_TRIES", "KEY_MAX_DELAY", "KEY_LOCK_AFTER", "test_mode"]

MIN_KEY_CHARS = 12  # letters and digits of a hand-set key
KEY_WINDOW = 600.0  # seconds over which wrong keys are counted (every page of the room together)
KEY_FREE_TRIES = 3  # wrong keys before any delay (typos)
KEY_MAX_DELAY = 3.0  # the longest anyone, the real facilitator too, waits for a key check
KEY_LOCK_AFTER = 10  # wrong keys in KEY_WINDOW after which every page is told the key is locked down


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


def key_problem(key: str) -> str | None:
    """Why a hand-set facilitator key is too weak (``None`` when it is long enough)."""
    n = sum(ch.isalnum() for ch in str(key or ""))
    if n < MIN_KEY_CHARS:
        return (f"The facilitator key you set has {n} letters and digits; use at least {MIN_KEY_CHARS} (for example "
                "three groups of four, ABCD-EFGH-JKMN), or unset KIT_FACILITATOR_KEY and kit workshop makes one.")
    return None


class KeyResult:
    """What a key attempt gave: ``ok``, the ``message`` to show, ``recent`` wrong keys (room-wide)."""

    def __init__(self, ok: bool, message: str, recent: int):
        self.ok, self.message, self.recent = ok, message, recent

    def __repr__(self) -> str:
        return f"KeyResult(ok={self.ok}, recent={self.recent})"


def key_delay(wrong: int) -> float:
    """Seconds a key check waits after ``wrong`` recent wrong keys: 0, 0, 0, 0.25, 0.5, 1, 2, 3, 3 ...

    >>> [key_delay(n) for n in range(9)]
    [0.0, 0.0, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 3.0]
    """
    return 0.0 if wrong < KEY_FREE_TRIES else min(KEY_MAX_DELAY, 0.25 * 2 ** (wrong - KEY_FREE_TRIES))


def try_key(given: str | None, store, *, now=time.time, sleep=time.sleep) -> KeyResult:
    """Check a facilitator key with room-wide limits: a growing delay after wrong keys, then a lockout notice.

    Wrong keys from every page are counted together in the store (``kit_key_attempts``), so more pages
    do not mean more guesses. A check waits at most :data:`KEY_MAX_DELAY` seconds, so the real key is
    never held up longer than that; after :data:`KEY_LOCK_AFTER` wrong keys in :data:`KEY_WINDOW`
    seconds every wrong key is answered with the lockout notice, and the facilitator, once in, is
    told how many wrong keys were tried.
    """
    t = now()
    recent = store.wrong_keys(t - KEY_WINDOW)
    if recent:
        wait = recent[-1] + key_delay(len(recent)) - t
        if wait > 0:
            sleep(min(wait, KEY_MAX_DELAY))
    if check_key(given):
        return KeyResult(True, "", len(recent))
    store.record_wrong_key(now())
    n = len(recent) + 1
    if n >= KEY_LOCK_AFTER:
        return KeyResult(False, (
            f"Key checks are slowed down: {n} wrong keys were tried in the last {KEY_WINDOW / 60:.0f} minutes. "
            f"Each try now waits up to {KEY_MAX_DELAY:.0f} seconds; the facilitator will see this when they unlock."), n)
    return KeyResult(False, "That is not the facilitator key. It is printed on the terminal that runs `make workshop`.", n)


def test_mode() -> bool:
    """True when a notebook runs headless in the test suite (``KIT_WORKSHOP_TEST=1``): no timers, no store."""
    return os.environ.get("KIT_WORKSHOP_TEST", "") not in ("", "0")
