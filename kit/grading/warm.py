"""The warm process: imports the course's libraries once, then forks one fresh kernel per submission.

Runs inside the bubblewrap view (``python -m kit.grading.warm FD [--cold]``, started by
:mod:`kit.grading.provision`). It never runs student code and holds no student state: it
imports numpy, pandas, scipy.stats, matplotlib, statsmodels, IPython/ipykernel and kit, builds
the course datasets once (later ``kit.data.load`` calls with the same arguments get a copy),
then waits on its control socket ``FD`` (``SOCK_SEQPACKET``, one JSON object per message).

For ``{"op": "start", "id", "connection", "env", "limits"}`` it forks. The child enters a new
room (:func:`kit.grading.sandbox.enter_room`) and forks the kernel, which seals the room
(:func:`~kit.grading.sandbox.seal_room`), tells the grader its PID with ``SCM_CREDENTIALS``,
closes the control socket and becomes an ipykernel on the given connection. The child reports
``{"exit": id, "code": N}`` when the kernel ends. ``--cold`` skips the imports (measuring only).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys

PRELOAD = ("numpy", "pandas", "scipy.stats", "statsmodels.api", "matplotlib", "matplotlib.pyplot", "IPython",
           "ipykernel.kernelapp", "ipykernel.ipkernel", "matplotlib_inline.backend_inline", "kit", "kit.data",
           "kit.checks", "kit.stats", "kit.plotting", "kit.capture", "kit.values")
DATASETS = (("schools_panel", {}), ("pupils", {}))


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional library must not stop grading
            pass
    try:
        _cache_datasets()
    except Exception:
        pass


def _cache_datasets() -> None:
    """Build the usual datasets now; ``kit.data.load`` then hands each kernel its own copy."""
    import kit.data as data

    original = data.load
    cache = {}

    def key(name, seed, options):
        try:
            return hash((name, seed, tuple(sorted(options.items())))) and (name, seed, tuple(sorted(options.items())))
        except TypeError:
            return None

    def load(name: str, seed: int | None = None, **options):
        k = key(name, seed, options)
        if k is not None and k in cache:
            return cache[k].copy(deep=True)
        frame = original(name, seed=seed, **options)
        return frame

    load.__doc__, load.__wrapped__ = original.__doc__, original
    for name, options in DATASETS:
        cache[key(name, None, options)] = original(name, **options)
    data.load = load


def _send(ctl: socket.socket, message: dict, credentials: bool = False) -> None:
    payload = json.dumps(message).encode()
    if credentials:
        creds = struct.pack("3i", os.getpid(), os.getuid(), os.getgid())
        ctl.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)])
    else:
        ctl.send(payload)


def _kernel(ctl: socket.socket, request: dict) -> None:
    """In the forked kernel process: seal the room, report, become the ipykernel."""
    from kit.grading import sandbox

    limits = request.get("limits", {})
    sandbox.seal_room(int(limits.get("memory_mb", 2048)), int(limits.get("file_mb", 200)),
                      int(limits.get("processes", 256)))
    os.environ.clear()
    os.environ.update(request.get("env", {}))
    info = dict(request["connection"], transport="ipc", ip=sandbox.KERNEL_DIR + "/k")
    path = sandbox.KERNEL_DIR + "/kernel.json"
    with open(path, "w") as handle:
        json.dump(info, handle)
    os.chdir(sandbox.ROOM + "/submission")
    sys.path[:] = [p for p in sys.path if p]  # no '' (the working folder) ahead of the libraries
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from ipykernel.kernelapp import IPKernelApp

    key = bytes.fromhex(request.pop("capture_key", "") or "")
    app = IPKernelApp.instance()
    app.initialize(["-f", path, "--IPKernelApp.parent_handle=0", "--HistoryManager.enabled=False"])
    os.remove(path)
    if key:
        from kit.grading import guard

        guard.arm(key, app.shell)  # before any student cell: pristine references, signed captures
        del key
    if "matplotlib.pyplot" in sys.modules:
        try:
            from matplotlib_inline.backend_inline import _enable_matplotlib_integration

            _enable_matplotlib_integration()
        except Exception:
            pass
    _send(ctl, {"ready": request["id"]}, credentials=True)
    ctl.close()
    app.start()


def _child(ctl: socket.socket, request: dict) -> None:
    """The forked child: a new room, then the kernel as PID 1 of its own PID namespace."""
    from kit.grading import sandbox

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        sandbox.enter_room(int(request.get("limits", {}).get("disk_mb", 256)))
        pid = os.fork()
        if pid == 0:
            try:
                _kernel(ctl, request)
            except BaseException as err:  # pragma: no cover - reported to the grader
                try:
                    _send(ctl, {"failed": request["id"], "error": f"{type(err).__name__}: {err}"[:300]})
                finally:
                    os._exit(70)
            os._exit(0)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except Exception as err:
        _send(ctl, {"failed": request["id"], "error": f"{type(err).__name__}: {err}"[:300]})
        os._exit(71)
    try:
        _send(ctl, {"exit": request["id"], "code": code})
    finally:
        os._exit(0)


def serve(fd: int, cold: bool = False) -> None:
    """Answer start requests on the control socket ``fd`` until it closes."""
    import ctypes

    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no room can read this process's memory
    ctl = socket.socket(fileno=fd)
    if not cold:
        _preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    _send(ctl, {"warm": not cold, "modules": len(sys.modules)})
    while True:
        data = ctl.recv(1 << 20)
        if not data:
            return
        request = json.loads(data)
        if request.get("op") != "start":
            continue
        if os.fork() == 0:
            _child(ctl, request)


if __name__ == "__main__":  # pragma: no cover
    serve(int(sys.argv[1]), cold="--cold" in sys.argv)
