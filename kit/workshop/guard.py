"""A guard in front of Voila's kernel websocket: no page can hang or flood the server.

Why: Voila 0.5.13 reads the header of *every* binary message it sends to a page as if it were
in Jupyter's v1 websocket protocol (``read_header_from_binary_message`` in
``voila/tornado/kernel_websocket_handler.py``). A page that connects without the v1 subprotocol
(plain JSON, the "legacy" protocol) and asks its widgets for their state gets a binary reply in
the legacy layout, whose first 8 bytes Voila reads as a count of about 8.6e17 offsets: the
server stops answering everyone and grows ~40 MB/s until it is killed. jupyter_server's own
``deserialize_msg_from_ws_v1`` trusts the same count in frames *from* the page.

The guard (:class:`GuardedKernelWebsocketHandler`, installed by ``kit workshop``'s server,
:mod:`kit.workshop.launch`):

* accepts only the v1 protocol (what every Voila page speaks); other connections are refused
  with HTTP 400 before the upgrade;
* checks every frame from the page before jupyter_server reads it (:func:`frame_problem`):
  binary, at most :data:`MAX_FRAME_BYTES`, a sane count of parts whose offsets lie inside the
  frame, a known channel, JSON objects for header, parent header, metadata and content; a bad
  frame closes that page's connection (code 1008) and nothing of it reaches the kernel;
* closes a connection that sends more than :data:`MAX_MESSAGES` frames in :data:`WINDOW` seconds;
* reads the header of outgoing messages with the same checks, so a malformed message can never
  make the server build a huge list.

>>> frame_problem(encode("shell", {"msg_type": "comm_msg", "msg_id": "1"}, {}, {}, {"data": {}}))
>>> frame_problem(b"\\x00\\x00\\x00\\x02\\x00\\x00\\x00\\x0c" + b"x" * 40)
'the frame says it has 864691128488689664 parts'
>>> frame_problem('{"header": {}}')
'a text frame (this server speaks only the binary v1 protocol)'
"""

from __future__ import annotations

import json
import time
from collections import deque

__all__ = ["V1", "MAX_FRAME_BYTES", "MAX_PARTS", "MAX_MESSAGES", "WINDOW", "frame_problem", "safe_header",
           "encode", "GuardedKernelWebsocketHandler"]

V1 = "v1.kernel.websocket.jupyter.org"
MAX_FRAME_BYTES = 32 * 2**20  # a file upload in the evidence screener travels as one frame
MAX_PARTS = 64  # channel + header, parent, metadata, content + buffers (widgets send a few)
MAX_MESSAGES = 600  # frames per WINDOW seconds from one page: a slider dragged fast sends ~30 a second
WINDOW = 10.0
CHANNELS = {"shell", "control", "iopub", "stdin"}
_JSON_PARTS = ("header", "parent_header", "metadata", "content")


def _split(frame: bytes) -> tuple[str | None, list[bytes]]:
    """``(problem, parts)`` of a v1 frame: parts[0] is the channel, then header, parent, metadata, content, buffers."""
    size = len(frame)
    if size < 8:
        return "the frame is shorter than its own length field", []
    count = int.from_bytes(frame[:8], "little")
    if count < 2 + len(_JSON_PARTS) or count > MAX_PARTS + 2:
        return f"the frame says it has {count} parts", []
    table_end = 8 * (count + 1)
    if table_end > size:
        return "the frame is shorter than its table of offsets", []
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != table_end or any(b < a for a, b in zip(offsets, offsets[1:])) or offsets[-1] > size:
        return "the frame's offsets point outside it", []
    parts = [frame[offsets[i]: offsets[i + 1]] for i in range(count - 1)]
    return None, parts


def frame_problem(frame) -> str | None:
    """What is wrong with a frame a page sent (``None`` when it is a well-formed v1 message)."""
    if isinstance(frame, str):
        return "a text frame (this server speaks only the binary v1 protocol)"
    if not isinstance(frame, (bytes, bytearray, memoryview)):
        return "not a frame"
    frame = bytes(frame)
    if len(frame) > MAX_FRAME_BYTES:
        return f"the frame is {len(frame):,} bytes (at most {MAX_FRAME_BYTES:,})"
    problem, parts = _split(frame)
    if problem:
        return problem
    try:
        channel = parts[0].decode("utf-8")
    except UnicodeDecodeError:
        return "the channel name is not text"
    if channel not in CHANNELS:
        return f"unknown channel {channel[:20]!r}"
    for name, raw in zip(_JSON_PARTS, parts[1:]):
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return f"the {name} is not JSON"
        if not isinstance(value, dict):
            return f"the {name} is not a JSON object"
        if name == "header" and not isinstance(value.get("msg_type"), str):
            return "the header has no msg_type"
    return None


def safe_header(message: bytes) -> dict | None:
    """The header of an outgoing v1 message, or ``None`` when it is not one (never a huge list)."""
    problem, parts = _split(bytes(message))
    if problem or len(parts) < 2:
        return None
    try:
        header = json.loads(parts[1].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return header if isinstance(header, dict) else None


def encode(channel: str, header: dict, parent: dict, metadata: dict, content: dict, buffers=()) -> bytes:
    """A v1 frame (as JupyterLab builds it): used by tests and the simulated participants."""
    parts = [channel.encode()] + [json.dumps(p).encode() for p in (header, parent, metadata, content)] + list(buffers)
    offsets = [8 * (len(parts) + 2)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    table = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return table + b"".join(parts)


def _handler_base():
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    return VoilaKernelWebsocketHandler


class GuardedKernelWebsocketHandler(_handler_base()):
    """Voila's kernel websocket handler with the checks above (see the module text)."""

    async def get(self, *args, **kwargs):
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if self.request.headers.get("Upgrade", "").lower() == "websocket" and V1 not in offered:
            self.log.warning("kit guard: refused a kernel websocket without the v1 protocol from %s", self.request.remote_ip)
            self.set_status(400)
            self.finish("This server speaks only the v1 kernel websocket protocol.")
            return
        return await super().get(*args, **kwargs)

    def select_subprotocol(self, subprotocols):
        return V1 if V1 in subprotocols else None

    def on_message(self, ws_message):
        now = time.monotonic()
        times = self.__dict__.setdefault("_kit_times", deque())
        times.append(now)
        while times and now - times[0] > WINDOW:
            times.popleft()
        problem = frame_problem(ws_message)
        if problem is None and len(times) > MAX_MESSAGES:
            problem = f"more than {MAX_MESSAGES} messages in {WINDOW:.0f} s"
        if problem is not None:
            self.log.warning("kit guard: closed a kernel websocket from %s: %s", self.request.remote_ip, problem)
            self.close(1008, "malformed or too many messages")
            return None
        return super().on_message(ws_message)

    def write_message(self, message, binary: bool = False):
        if isinstance(message, (bytes, bytearray)):
            header = safe_header(message)
            if header is None:
                return None  # not a v1 message: never sent, never parsed the unsafe way
            if header.get("msg_type") == "execute_input":
                return None  # what Voila's own handler drops
            return super(_handler_base(), self).write_message(message, binary)  # past Voila's unsafe parse
        return super().write_message(message, binary)
