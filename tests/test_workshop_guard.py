"""The kernel websocket guard (kit.workshop.guard): frames checked before Voila or jupyter_server read them."""

from __future__ import annotations

import json
import struct
import time

import pytest

from kit.workshop.guard import MAX_PARTS, encode, frame_problem, safe_header

HEADER = {"msg_id": "1", "msg_type": "comm_msg", "username": "x", "session": "s", "date": "", "version": "5.3"}


def legacy_binary(msg: dict, buffers=(b"\x89PNG...",)) -> bytes:
    """A binary message in the legacy layout (jupyter_server's serialize_binary_message)."""
    body = json.dumps(msg).encode()
    parts = [body, *buffers]
    offsets = [4 * (len(parts) + 1)]
    for part in parts[:-1]:
        offsets.append(offsets[-1] + len(part))
    return struct.pack("!" + "I" * (len(parts) + 1), len(parts), *offsets) + b"".join(parts)


def test_a_well_formed_v1_frame_passes_and_its_header_is_read():
    frame = encode("shell", HEADER, {}, {}, {"comm_id": "c", "data": {"method": "request_state"}}, [b"buf"])
    assert frame_problem(frame) is None
    assert safe_header(frame)["msg_type"] == "comm_msg"


def test_the_legacy_reply_that_hung_voila_is_refused_at_once():
    """Voila 0.5.13 read these first 8 bytes as 864,691,128,488,689,664 offsets and built that list."""
    frame = legacy_binary({"header": HEADER, "parent_header": {}, "metadata": {}, "content": {}, "channel": "iopub"})
    assert frame[:8] == bytes.fromhex("000000020000000c")
    t0 = time.perf_counter()
    assert "864691128488689664 parts" in frame_problem(frame)
    assert safe_header(frame) is None
    assert time.perf_counter() - t0 < 1  # not a timing benchmark: the unguarded parse never returns


@pytest.mark.parametrize("frame, words", [
    ('{"header": {"msg_type": "execute_request"}}', "text frame"),
    (b"", "shorter than its own length"),
    ((7).to_bytes(8, "little") + b"\x00" * 16, "shorter than its table"),
    ((MAX_PARTS + 3).to_bytes(8, "little") + b"\x00" * 8 * 80, "parts"),
    ((6).to_bytes(8, "little") + (56).to_bytes(8, "little") + (10**12).to_bytes(8, "little") + b"\x00" * 64, "outside"),
    (encode("shell", HEADER, {}, {}, {})[:-3], "outside"),
    (encode("evil", HEADER, {}, {}, {}), "unknown channel"),
    (encode("shell", {"no": "type"}, {}, {}, {}), "no msg_type"),
    (encode("shell", HEADER, {}, {}, {}).replace(b'"comm_msg"', b'"comm_ms\xff"'), "not JSON"),
    (encode("shell", HEADER, [], {}, {}), "parent_header is not a JSON object"),
    (bytes(range(256)) * 64, "parts"),
])
def test_malformed_frames_are_named(frame, words):
    assert words in frame_problem(frame)
