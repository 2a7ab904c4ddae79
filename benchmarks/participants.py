"""Simulated participants: what a browser asks of the Voila server when it opens an app, without drawing it.

In a workshop every participant's own laptop or phone draws the page; the facilitator's laptop only
answers. Thirty real Chromium pages on the benchmark machine's 2 cores measure mostly Chromium (each
page needs about 2 s of its CPU to draw JupyterLab's widgets), so the room's share of the server is
measured with these light clients instead. Each one does what a page does, in the same order:

1. fetches the app's page (Voila starts or takes a kernel and runs the notebook);
2. fetches every file a real Chromium fetched for that page (recorded once by the benchmark), six at a
   time as a browser does, while the page arrives;
3. opens the kernel's websocket, asks for ``kernel_info`` and, like the widget manager, opens the
   ``jupyter.widget.control`` comm and (once the kernel has it) asks for every widget's state.

It is ready when the widget states have arrived: all that the device then needs to draw the controls.

>>> msg = decode(encode(_message("comm_msg", "shell", {"data": {}}, "s") | {"buffers": [b"png"]}))
>>> msg["msg_type"], msg["channel"], msg["buffers"]
('comm_msg', 'shell', [b'png'])
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

__all__ = ["encode", "decode", "join", "room"]

CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', re.S)


def _message(msg_type: str, channel: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "participant", "session": session,
                   "date": "2026-01-01T00:00:00Z", "version": "5.3"},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": channel, "buffers": [],
    }


def encode(msg: dict) -> bytes:
    """A message in Jupyter's v1 kernel websocket protocol (what JupyterLab sends): offsets, then parts."""
    parts = [msg["channel"].encode(), *(json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")),
             *msg.get("buffers", [])]
    n = len(parts) + 1
    offsets, at = [], 8 * (n + 1)
    for part in parts:
        offsets.append(at)
        at += len(part)
    return struct.pack(f"<{n + 1}Q", n, *offsets, at) + b"".join(parts)


def decode(frame: bytes) -> dict:
    """The inverse of :func:`encode`."""
    (n,) = struct.unpack("<Q", frame[:8])
    offsets = struct.unpack(f"<{n}Q", frame[8:8 + 8 * n])
    parts = [frame[offsets[i]:offsets[i + 1]] for i in range(n - 1)]
    msg = {"channel": parts[0].decode(), "buffers": parts[5:]}
    for key, part in zip(("header", "parent_header", "metadata", "content"), parts[1:5]):
        msg[key] = json.loads(part)
    msg["msg_type"] = msg["header"]["msg_type"]
    return msg


async def join(base: str, app: str, assets: list[str], limit: float = 240) -> dict:
    """One participant opens ``app``; returns the seconds to the page, the files and the widget state."""
    client = AsyncHTTPClient(force_instance=True, max_clients=6)  # a browser's 6 connections per host
    t0 = time.perf_counter()
    times: dict[str, float] = {}
    try:
        async def page():
            response = await client.fetch(f"{base}voila/render/{app}", request_timeout=limit, connect_timeout=limit)
            times["page"] = time.perf_counter() - t0
            return response.body.decode("utf-8")

        async def files():
            await asyncio.gather(*(client.fetch(base + url.lstrip("/"), request_timeout=limit, connect_timeout=limit) for url in assets))
            times["files"] = time.perf_counter() - t0

        html, _ = await asyncio.gather(page(), files())
        kernel = json.loads(CONFIG.search(html).group(1))["kernelId"]
        await client.fetch(f"{base}api/kernels/{kernel}", request_timeout=limit, connect_timeout=limit)
        session = uuid.uuid4().hex
        ws_url = base.replace("http", "ws", 1) + f"api/kernels/{kernel}/channels?session_id={session}"
        # The v1 protocol, as JupyterLab speaks it (the legacy JSON one left a widget-state reply with
        # buffers undelivered here).
        ws = await websocket_connect(HTTPRequest(ws_url, request_timeout=limit, connect_timeout=limit), subprotocols=["v1.kernel.websocket.jupyter.org"])
        try:
            comm = uuid.uuid4().hex
            info = _message("kernel_info_request", "shell", {}, session)
            opening = _message("comm_open", "shell", {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
                               session, {"version": "1.0.0"})
            ask = _message("comm_msg", "shell", {"comm_id": comm, "data": {"method": "request_states"}}, session)
            ws.write_message(encode(info), binary=True)
            ws.write_message(encode(opening), binary=True)
            deadline = t0 + limit
            while time.perf_counter() < deadline:
                frame = await asyncio.wait_for(ws.read_message(), timeout=max(0.1, deadline - time.perf_counter()))
                if frame is None:
                    raise ConnectionError("the kernel's websocket closed")
                msg = decode(frame)
                parent = msg.get("parent_header", {}).get("msg_id")
                if parent == info["header"]["msg_id"] and msg["msg_type"] == "kernel_info_reply":
                    times["kernel"] = time.perf_counter() - t0
                if (parent == opening["header"]["msg_id"] and msg["msg_type"] == "status"
                        and msg["content"].get("execution_state") == "idle"):
                    ws.write_message(encode(ask), binary=True)  # the kernel has the comm now (it may take messages out of order)
                data = msg.get("content", {}).get("data", {})
                if msg["msg_type"] == "comm_msg" and isinstance(data, dict) and data.get("method") == "update_states":
                    times["ready"] = time.perf_counter() - t0
                    times["widgets"] = len(data.get("states", {}))
                    break
        finally:
            ws.close()
    except Exception as err:  # noqa: BLE001 - a participant who never got the app is a result, not a crash
        times["error"] = f"{type(err).__name__}: {err}"[:200]
    finally:
        client.close()
    times.setdefault("ready", float("inf"))
    return times


def room(base: str, app: str, assets: list[str], n: int, limit: float = 240) -> list[dict]:
    """``n`` participants open ``app`` at the same moment; one :func:`join` result each."""

    async def everyone():
        return await asyncio.gather(*(join(base, app, assets, limit) for _ in range(n)))

    # In a thread of its own: the caller may be running an event loop already (Playwright's sync API does).
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, everyone()).result()
