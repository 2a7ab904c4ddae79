"""The grader's side of the warm kernels: one warm process per worker thread, one forked kernel per submission.

:class:`WarmServer` starts :mod:`kit.grading.warm` inside bubblewrap and asks it for kernels;
:class:`ForkedProvisioner` is a jupyter_client kernel provisioner, so nbclient drives a forked
kernel exactly like one it started itself (connect, interrupt, kill, poll). The kernel is known
by a pidfd (never a reused PID); signals go to the kernel, PID 1 of its room, and killing it
ends every process of the room.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from kit.grading import sandbox

__all__ = ["WarmServer", "server_for_thread", "close_all", "ForkedKernelManager"]

_SERVERS: dict[int, "WarmServer"] = {}
_LOCK = threading.Lock()


def _font_cache() -> Path | None:
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(os.path.expanduser("~"), ".cache", "matplotlib")
    found = sorted(Path(folder).glob("fontlist-*.json")) if os.path.isdir(folder) else []
    return found[-1] if found else None


class WarmServer:
    """One warm process in its bubblewrap view; :meth:`start_kernel` forks a kernel from it."""

    def __init__(self, warm: bool = True):
        self.warm = warm
        self.ctl, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.ctl.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        kit_parent = str(Path(sandbox.__file__).resolve().parents[2])
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONPATH": kit_parent, "HOME": "/tmp", "USER": "student",
               "LANG": os.environ.get("LANG", "C.UTF-8"), "MPLCONFIGDIR": "/tmp/mpl", "MPLBACKEND":
               "module://matplotlib_inline.backend_inline", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
               "KIT_GRADING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        files = {}
        fonts = _font_cache()
        if fonts:
            files[f"/tmp/mpl/{fonts.name}"] = str(fonts)
        argv = [sys.executable, "-m", "kit.grading.warm", str(theirs.fileno())] + ([] if warm else ["--cold"])
        started = time.monotonic()
        self.process = subprocess.Popen(sandbox.bwrap_command(argv, env, files), pass_fds=[theirs.fileno()],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        theirs.close()
        hello = self._receive(120)
        if hello is None or "warm" not in hello[0]:
            err = self.process.stderr.read1(4000).decode(errors="replace") if self.process.poll() is not None else ""
            self.close()
            raise RuntimeError(f"the warm grading process did not start: {err.strip()[-300:]}")
        self.ready_seconds = time.monotonic() - started
        self.next_id = 0
        self.exits: dict[int, int] = {}
        self.lock = threading.Lock()

    def _receive(self, timeout: float):
        ready, _, _ = select.select([self.ctl], [], [], timeout)
        if not ready:
            return None
        data, ancillary, _, _ = self.ctl.recvmsg(1 << 16, socket.CMSG_SPACE(12))
        if not data:
            return None
        pid = None
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("3i", payload[:12])[0]
        return json.loads(data), pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def start_kernel(self, connection: dict, env: dict, limits: dict, timeout: float = 60,
                     capture_key: str = "") -> tuple[int, int]:
        """Fork a kernel for ``connection``; return ``(request id, pid as the grader sees it)``."""
        with self.lock:
            self.next_id += 1
            request = {"op": "start", "id": self.next_id, "connection": connection, "env": env, "limits": limits,
                       "capture_key": capture_key}
            self.ctl.send(json.dumps(request).encode())
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                got = self._receive(max(0.01, deadline - time.monotonic()))
                if got is None:
                    break
                message, pid = got
                if "exit" in message:
                    self.exits[message["exit"]] = message["code"]
                elif message.get("ready") == self.next_id and pid:
                    return self.next_id, pid
                elif message.get("failed") == self.next_id:
                    raise RuntimeError(f"Kernel died while starting: {message.get('error')}")
            raise RuntimeError("Kernel didn't respond: the room did not start in time")

    def exit_code(self, request_id: int, timeout: float) -> int | None:
        """The kernel's exit code once its room reports it (None if not within ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while request_id not in self.exits:
                got = self._receive(max(0.0, deadline - time.monotonic()))
                if got is None:
                    break
                if "exit" in got[0]:
                    self.exits[got[0]["exit"]] = got[0]["code"]
            return self.exits.pop(request_id, None)

    def close(self) -> None:
        try:
            self.ctl.close()
        finally:
            if self.process.poll() is None:
                self.process.kill()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                pass


def server_for_thread(warm: bool = True) -> WarmServer:
    """The calling thread's warm server (started on first use, restarted if it died)."""
    key = threading.get_ident()
    with _LOCK:
        server = _SERVERS.get(key)
    if server is None or not server.alive() or server.warm != warm:
        if server is not None:
            server.close()
        server = WarmServer(warm=warm)
        with _LOCK:
            _SERVERS[key] = server
    return server


def close_all() -> None:
    """Stop every warm process (end of a batch)."""
    with _LOCK:
        servers = list(_SERVERS.values())
        _SERVERS.clear()
    for server in servers:
        server.close()


class _Forked:
    """A Popen-like handle on a forked kernel, held by a pidfd."""

    def __init__(self, server: WarmServer, request_id: int, pid: int):
        self.server, self.request_id, self.pid = server, request_id, pid
        self.pidfd = os.pidfd_open(pid)
        self.returncode = None
        self.stdout = self.stderr = self.stdin = None

    def poll(self):
        if self.returncode is None:
            ready, _, _ = select.select([self.pidfd], [], [], 0)
            if ready:
                code = self.server.exit_code(self.request_id, 2)
                self.returncode = -9 if code is None else code
                os.close(self.pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            select.select([self.pidfd], [], [], 0.1)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            try:
                signal.pidfd_send_signal(self.pidfd, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGKILL)  # nothing in a room deserves a grace period


class ForkedProvisioner(LocalProvisioner):
    """Launch = ask the thread's warm server for a kernel; the connection goes through /proc/PID/root."""

    room: dict = {}

    async def launch_kernel(self, cmd, **kwargs):
        info = dict(self.connection_info)
        connection = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in info.items()
                      if k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port", "key",
                               "signature_scheme")}
        server = self.room.get("server") or server_for_thread(self.room.get("warm", True))
        request_id, pid = server.start_kernel(connection, self.room.get("env", {}), self.room.get("limits", {}),
                                              capture_key=self.room.get("capture_key", ""))
        self.process = _Forked(server, request_id, pid)
        self.pid, self.pgid = pid, None
        info["ip"] = f"/proc/{pid}/root{sandbox.KERNEL_DIR}/k"
        info["transport"] = "ipc"
        self.connection_info = info
        return info

    async def send_signal(self, signum: int) -> None:
        if self.process:
            self.process.send_signal(signum)

    async def cleanup(self, restart: bool = False) -> None:
        self.process = None if not restart else self.process


class ForkedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels come from the warm server of the calling thread."""

    room: dict = {}

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id or "forked", kernel_spec=self.kernel_spec,
                                                 parent=self)
            self.provisioner.room = self.room
        return await super()._async_pre_start_kernel(**kw)
