"""What a workshop answer may hold, and the join codes: the limits every page and the store apply.

>>> normalise_code(" k7mq-2x ")
'K7MQ2X'
>>> answer_payload("Asha", {"school": "NLC01", "partners": ["NLC02"]})
'{"school": "NLC01", "partners": ["NLC02"]}'
>>> answer_payload("Asha", {"participant": "Ben"})
Traceback (most recent call last):
    ...
kit.errors.InputError: Answer field names must be text and not ('participant', 'submitted_at'); got ['participant'].
"""

from __future__ import annotations

import json
import secrets

from kit.errors import InputError

__all__ = ["RESERVED", "MAX_ANSWER_CHARS", "MAX_NAME_CHARS", "MAX_TEXT_CHARS", "MAX_TITLE_CHARS", "CODE_ALPHABET",
           "CODE_LENGTH", "check_text", "normalise_code", "new_code", "answer_payload"]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read from a projector
CODE_LENGTH = 6
RESERVED = ("participant", "submitted_at")
MAX_ANSWER_CHARS = 1_000_000  # one answer's JSON; far above any form, small enough to stop abuse
MAX_NAME_CHARS = 80  # a participant's name: fits the facilitator's who-answered line
MAX_TEXT_CHARS = 500  # any one text in an answer (a school, a partner, a comment)
MAX_TITLE_CHARS = 120  # a session's title


def check_text(text: object, what: str, limit: int) -> str:
    """``text`` as a string, or a plain :class:`kit.errors.InputError` if it is longer than ``limit``.

    >>> check_text("Sam", "Your name", 60)
    'Sam'
    >>> check_text("x" * 81, "Your name", 80)
    Traceback (most recent call last):
        ...
    kit.errors.InputError: Your name is 81 characters long; please keep it to at most 80.
    """
    text = str(text if text is not None else "")
    if len(text) > limit:
        raise InputError(f"{what} is {len(text):,} characters long; please keep it to at most {limit:,}.")
    return text


def _check_answer_texts(answer: dict) -> None:
    for key, value in answer.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and len(item) > MAX_TEXT_CHARS:
                label = key.replace("_", " ")
                raise InputError(f"One of your answers ({label}) is {len(item):,} characters long; "
                                 f"please keep each to at most {MAX_TEXT_CHARS:,}.")


def normalise_code(code: object) -> str:
    """Join codes are typed on phones: ignore spaces, dashes and case."""
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())



def new_code() -> str:
    """A random join code: :data:`CODE_LENGTH` letters and digits from :data:`CODE_ALPHABET`.

    >>> code = new_code()
    >>> len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    True
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def answer_payload(participant: object, answer: dict) -> str:
    """The JSON text stored for ``answer`` from ``participant``, or a plain :class:`kit.errors.InputError`.

    The answer must be a non-empty dict with text field names (not :data:`RESERVED`) holding text,
    numbers, true/false and lists of them; the name at most :data:`MAX_NAME_CHARS` long, each text at
    most :data:`MAX_TEXT_CHARS`, the whole at most :data:`MAX_ANSWER_CHARS`. Nothing is escaped or trimmed.
    """
    if not isinstance(answer, dict) or not answer:
        raise InputError("An answer must be a non-empty dict of field name -> value, e.g. {'school': 'NLC01'}.")
    bad = [k for k in answer if not isinstance(k, str) or k in RESERVED]
    if bad:
        raise InputError(f"Answer field names must be text and not {RESERVED}; got {bad!r}.")
    participant = str(participant if participant is not None else "")
    if not participant.strip():
        raise InputError("Please type your name (or a nickname) before sending.")
    check_text(participant, "Your name", MAX_NAME_CHARS)
    _check_answer_texts(answer)
    try:
        payload = json.dumps(answer, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise InputError(f"An answer can hold only text, numbers, true/false and lists of them ({err}).") from err
    if len(payload) > MAX_ANSWER_CHARS:
        raise InputError(f"That answer is too long ({len(payload):,} characters); please shorten it.")
    return payload
