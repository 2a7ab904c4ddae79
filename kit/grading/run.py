"""Execute one submission in a fresh, limited kernel in its own temporary folder, cell by cell.

The kernel is started through :mod:`kit.grading.sandbox` (memory and file-size limits; where
Linux allows, a read-only file system except its own folder, hidden course folders and no
network). Every cell has a time limit and the whole notebook has one (a watchdog kills the
kernel if an interrupt is ignored). Printed output is capped as it arrives, so a submission that
prints 50 MB never holds more than the cap in the grader's memory. A capture cell after each
question (:func:`kit.notebooks.run.inject_captures`) hands back plain values, so a kernel that dies
part-way keeps the marks of the questions it finished.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from kit.grading.sandbox import wrap_command

__all__ = ["Limits", "Execution", "execute_submission", "SandboxUnavailable"]

TRUNCATED = "\n[kit grade: output cut here; this submission printed more than {mb:g} MB]\n"


@dataclass
class Limits:
    """Time, memory and output limits for one submission."""

    cell_timeout: float = 60.0
    notebook_timeout: float = 600.0
    memory_mb: int = 2048
    output_mb: float = 1.0
    isolate: bool | None = None  # None or True: the sandbox (refuse if it cannot be built); False: unsafe, no walls
    hide: list[str] = field(default_factory=list)  # unused since the allow-list sandbox (kept for old callers)
    disk_mb: int = 256           # the room's tmpfs: working folder, /tmp and /dev/shm together
    file_mb: int = 200
    processes: int = 256
    warm: bool = True            # fork kernels from a warm process that imported the course's libraries


@dataclass
class Execution:
    """What happened when a submission ran."""

    notebook: object
    timed_out_cells: list[int] = field(default_factory=list)
    died_at: int | None = None
    deadline_hit: bool = False
    memory_errors: list[int] = field(default_factory=list)
    output_truncated: bool = False
    isolated: bool = False
    seconds: float = 0.0
    kernel_start: float = 0.0
    returncode: int | None = None
    capture_key: bytes | None = None  # captures must be signed with it (None: unsafe mode, unsigned)


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be built on this machine (the message says why)."""


class _PlainKernelManager(AsyncKernelManager):
    """Unsafe mode: a plain kernel process with memory and file-size limits only."""

    limits = None

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        return wrap_command(command, memory_mb=self.limits.memory_mb if self.limits else 0)


class _CappedClient(NotebookClient):
    """An nbclient that keeps at most ``output_bytes`` of output per notebook (captures exempt)."""

    def __init__(self, nb, output_bytes: int, room: dict | None, transport: str, ip: str, **kw):
        super().__init__(nb, **kw)
        self._kit_budget = output_bytes
        self._kit_used = 0
        self._kit_cut = False
        self._kit_room = room
        self._kit_limits = None
        self._kit_transport = transport
        self._kit_ip = ip
        self._kit_timed_out = False

    async def _async_handle_timeout(self, timeout, cell=None):
        self._kit_timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def create_kernel_manager(self):
        if self._kit_room is not None:
            from kit.grading.provision import ForkedKernelManager

            km = ForkedKernelManager(kernel_name=self.kernel_name, transport="ipc", ip=self._kit_ip)
            km.room = self._kit_room
        else:
            km = _PlainKernelManager(kernel_name=self.kernel_name, transport=self._kit_transport, ip=self._kit_ip)
            km.limits = self._kit_limits
        self.km = km
        return km

    def output(self, outs, msg, display_id, cell_index):
        cell = self.nb.cells[cell_index]
        if msg.get("msg_type") == "error":  # always kept (the reason names it), but short
            content = msg.get("content", {})
            content["traceback"] = [str(line)[:500] for line in (content.get("traceback") or [])[-20:]]
            content["evalue"] = str(content.get("evalue", ""))[:500]
        elif not cell.metadata.get("kit_capture"):
            content = msg.get("content", {})
            size = len(content.get("text", "") or "")
            for value in (content.get("data") or {}).values():
                size += len(value) if isinstance(value, str) else len(str(value))
            size += sum(len(line) for line in content.get("traceback", []) or [])
            if self._kit_cut or self._kit_used + size > self._kit_budget:
                if not self._kit_cut:
                    self._kit_cut = True
                    from nbformat.v4 import new_output

                    outs.append(new_output("stream", name="stderr",
                                           text=TRUNCATED.format(mb=self._kit_budget / 1e6)))
                return None
            self._kit_used += size
        return super().output(outs, msg, display_id, cell_index)


def _kill(km) -> None:
    """SIGKILL the kernel: a forked kernel is PID 1 of its room, so the whole room ends with it."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is None:
        return
    if hasattr(process, "pidfd"):
        process.kill()
        return
    for kill in (lambda: os.killpg(os.getpgid(process.pid), signal.SIGKILL), lambda: os.kill(process.pid, signal.SIGKILL)):
        try:
            kill()
            return
        except (OSError, ProcessLookupError):
            continue


def _returncode(km) -> int | None:
    try:
        return km.provisioner.process.wait(timeout=2)
    except Exception:  # no process, or still running
        return None


ROOM_ENV = {"HOME": "/w/home", "TMPDIR": "/tmp", "IPYTHONDIR": "/w/.ipython", "MPLCONFIGDIR": "/w/.mpl",
            "JUPYTER_RUNTIME_DIR": "/w/.kernel", "PATH": "/usr/local/bin:/usr/bin:/bin", "USER": "student",
            "LANG": "C.UTF-8", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1", "KIT_GRADING": "1", "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1"}


def _kernel_env(work: Path) -> dict:
    """Unsafe mode's environment (no sandbox): HOME, TMPDIR and caches in the submission's own folder."""
    env = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT", "PYTHONPATH") if k in os.environ}
    for sub in ("home", "tmp", "ipython", "mpl"):
        (work / sub).mkdir(exist_ok=True)
    env.update(HOME=str(work / "home"), TMPDIR=str(work / "tmp"), IPYTHONDIR=str(work / "ipython"),
               MPLCONFIGDIR=str(work / "mpl"), JUPYTER_RUNTIME_DIR=str(work / "tmp"),
               PYDEVD_DISABLE_FILE_VALIDATION="1", KIT_GRADING="1",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", NUMEXPR_NUM_THREADS="1")
    return env


def execute_submission(nb, limits: Limits, kernel_name: str = "python3") -> Execution:
    """Run ``nb`` (changed in place: outputs) under ``limits``; never raises for student code.

    Isolated (the default where :func:`kit.grading.sandbox.isolation_available`): the kernel is
    forked from this thread's warm process into a fresh room. ``limits.isolate=False`` (the
    instructor's ``--unsafe-no-sandbox``): a plain kernel with memory and file-size limits only.
    """
    from kit.grading.sandbox import isolation_problem

    started = time.monotonic()
    isolate = limits.isolate
    if isolate is None or isolate:
        problem = isolation_problem()
        if problem:
            raise SandboxUnavailable(problem)
        isolate = True
    work = Path(tempfile.mkdtemp(prefix="kit-grade-"))
    run = Execution(nb, isolated=isolate)
    try:
        cwd = work / "submission"
        cwd.mkdir()
        options = dict(kernel_name=kernel_name, timeout=int(max(1, limits.cell_timeout)), allow_errors=True,
                       interrupt_on_timeout=True, record_timing=False, iopub_timeout=2, shutdown_kernel="immediate",
                       error_on_timeout={"ename": "Timeout", "evalue": f"this cell ran longer than "
                                         f"{limits.cell_timeout:g} s and was stopped", "traceback": []})
        if isolate:
            from kit.grading.provision import server_for_thread

            import secrets

            run.capture_key = secrets.token_bytes(32)
            room = {"server": server_for_thread(limits.warm), "env": dict(ROOM_ENV), "capture_key": run.capture_key.hex(),
                    "limits": {"memory_mb": limits.memory_mb, "file_mb": min(limits.file_mb, limits.disk_mb),
                               "disk_mb": limits.disk_mb, "processes": limits.processes}}
            client = _CappedClient(nb, output_bytes=int(limits.output_mb * 1e6), room=room, transport="ipc",
                                   ip=str(work / "k"), resources={"metadata": {"path": "/w/submission"}}, **options)
            setup = client.setup_kernel()
        else:
            env = _kernel_env(work)
            client = _CappedClient(nb, output_bytes=int(limits.output_mb * 1e6), room=None, transport="tcp",
                                   ip="127.0.0.1", resources={"metadata": {"path": str(cwd)}}, **options)
            client._kit_limits = limits
            setup = client.setup_kernel(env=env, cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = started + limits.notebook_timeout
        with setup:
            run.kernel_start = time.monotonic() - started
            watchdog = threading.Timer(max(1.0, deadline - time.monotonic()) + 2, _kill, args=(client.km,))
            watchdog.daemon = True
            watchdog.start()
            try:
                _execute_cells(client, nb, limits, deadline, run)
            finally:
                watchdog.cancel()
                if time.monotonic() > deadline:
                    run.deadline_hit = True
    except DeadKernelError:  # died while starting or shutting down
        run.died_at = run.died_at if run.died_at is not None else -1
    except RuntimeError as err:  # kernel failed to start
        if "Kernel didn't respond" in str(err) or "Kernel died" in str(err):
            run.died_at = -1
        else:
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        run.seconds = time.monotonic() - started
    return run


def _execute_cells(client, nb, limits: Limits, deadline: float, run: Execution) -> None:
    try:
        _cell_by_cell(client, nb, limits, deadline, run)
    finally:
        run.output_truncated = client._kit_cut


def _cell_by_cell(client, nb, limits: Limits, deadline: float, run: Execution) -> None:
    from nbformat.v4 import new_output

    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            run.deadline_hit = True
            return
        client.timeout = int(max(1, min(limits.cell_timeout, remaining)))
        client._kit_timed_out = False
        try:
            client.execute_cell(cell, index)
        except DeadKernelError:
            run.died_at = index
            run.returncode = _returncode(client.km)
            if time.monotonic() >= deadline:
                run.deadline_hit = True
            return
        except CellTimeoutError:
            client._kit_timed_out = True
        if client._kit_timed_out:
            run.timed_out_cells.append(index)
            cell.setdefault("outputs", []).append(new_output(
                "stream", name="stderr", text=f"[kit grade: this cell was stopped after {client.timeout} s]\n"))
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "MemoryError":
                run.memory_errors.append(index)
