"""Start Voila the way the kit serves workshops: offline template, culling, no sources, all interfaces.

Used by ``kit workshop`` (the facilitator's command) and by the browser tests (tests/conftest.py),
so what is tested is what runs in the room.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["TEMPLATE", "TEMPLATES_DIR", "POOL_REFILL_DELAY", "KERNEL_MIB", "IOPUB_TIMEOUT", "voila_command", "voila_env",
           "pool_settings", "write_pool_config", "start", "wait_until_up", "share_urls", "free_port", "workshops_dir",
           "kernel_processes", "wait_for_kernels"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "kit"  # templates/voila/templates/kit: lab without its CDN <link>s, offline folder page
# Seconds before Voila replaces a ready kernel that a visitor took. Voila's default (1 s) starts the
# replacements while the rest of the room is still connecting, and kernel starts are what a 2-core
# laptop is short of; 30 s lets a room join first and refills while people read the task sheet.
POOL_REFILL_DELAY = 30.0
# Memory to allow for each ready kernel when checking a pool fits this computer. Our app kernels
# measured 57-60 MiB each in a pool of 30 (benchmarks/workshop.py); a plain Voila kernel with pandas,
# 104-137 MiB (issue 8). A pool needing more than POOL_MEMORY_SHARE of the free memory is refused.
KERNEL_MIB = 120
POOL_MEMORY_SHARE = 0.8
# Seconds the server waits for a cell's outputs once the kernel has run it (see voila_command).
IOPUB_TIMEOUT = 120


def workshops_dir() -> Path:
    """The ``workshops/`` folder: in the current folder if there is one, else beside the ``kit`` package."""
    here = Path.cwd() / "workshops"
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "workshops"


def voila_command(
    target: str | Path,
    port: int,
    *,
    ip: str = "0.0.0.0",
    cull_idle: int = 600,
    cull_interval: int = 60,
    pool: int = 0,
    pool_config: str | Path | None = None,
    theme: str = "light",
    template: str = TEMPLATE,
    extra: list[str] | None = None,
) -> list[str]:
    """The Voila command line for ``target`` (a notebook or a folder of notebooks).

    Voila runs through :mod:`kit.workshop.launch`: its kernel websocket behind
    :mod:`kit.workshop.guard` (no page can hang the server), plus the kit's own routes.

    * ``template=kit``: offline copy of Voila's lab template (no CDN request);
    * sources stripped, tracebacks hidden, template/theme fixed (a URL can't switch them);
    * idle kernels (closed tabs) culled after ``cull_idle`` seconds, checked every ``cull_interval``;
      kernels with an open page are never culled; kernels reached over Unix sockets (no port races);
    * ``pool`` > 0 keeps that many kernels per notebook preheated (the notebook already run);
      ``pool_config``: a folder holding a ``voila.json`` from :func:`pool_settings` that says which
      notebooks get a pool (the only Voila config file read then).
    """
    cmd = [
        sys.executable, "-m", "kit.workshop.launch", str(target),  # Voila with the kit's websocket guard
        "--no-browser",
        f"--port={int(port)}",
        f"--Voila.ip={ip}",
        f"--template={template}",
        f"--theme={theme}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.classic_tree=True",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle)}",
        f"--MappingKernelManager.cull_interval={int(cull_interval)}",
        "--MappingKernelManager.cull_connected=False",
        # Kernels talk to the server over Unix sockets in Voila's own folder, not TCP ports: when a
        # room opens pages at once, kernels started together raced for the same free ports
        # ("Address already in use") and some participants never got the app.
        "--KernelManager.transport=ipc",
        # How long the server waits for a cell's outputs after the kernel says the cell is done.
        # nbclient's default, 4 s, is too short when a room's kernels all run the app at once on a
        # laptop: the server falls behind, gives up on the cell and the page shows no app at all
        # ("Timeout waiting for IOPub output"; a pool of 60 kernels lost every page that way here).
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}",
    ]
    if pool > 0:
        cmd += ["--preheat_kernel=True", f"--pool_size={int(pool)}"]
        if pool_config is not None:
            cmd.append(f"--Voila.config_file_paths={pool_config}")
    return cmd + list(extra or [])


def pool_settings(target: str | Path, pool: int, apps: list[str] | None = None,
                  refill_delay: float = POOL_REFILL_DELAY, free_mib: float | None = None) -> dict:
    """Voila's kernel-pool settings: ``pool`` ready kernels for each app in ``apps``.

    ``apps`` holds app numbers or names (``"3"``, ``"03"``, ``"03-network-mapper"``, ``"mapper"``,
    ``"index"``); ``None`` means every notebook. Other notebooks start a kernel when a page opens,
    as without a pool. A name that matches no app raises a :class:`kit.errors.UnknownNameError`
    listing the apps; a pool that would not fit in the free memory (``free_mib``, default: measured
    now; :data:`KERNEL_MIB` a kernel), an :class:`kit.errors.InputError` saying what to change.

    >>> settings = pool_settings(workshops_dir(), 20, ["03"])
    >>> settings["VoilaKernelManager"]["kernel_pools_config"]
    {'default': {'pool_size': 0}, '03-network-mapper.ipynb': {'pool_size': 20}}
    >>> settings["VoilaKernelManager"]["fill_delay"]
    30.0
    """
    from kit.errors import InputError, unknown_name

    target = Path(target)
    notebooks = [target.name] if target.is_file() else sorted(p.name for p in target.glob("*.ipynb"))
    if apps is None:
        chosen = notebooks
    else:
        chosen = []
        for app in apps:
            app = app.strip().removesuffix(".ipynb").lower()
            found = [n for n in notebooks if _names_app(n, app)]
            if not found:
                raise unknown_name("app", app, [n.removesuffix(".ipynb") for n in notebooks])
            chosen += [n for n in found if n not in chosen]
    kernels = int(pool) * len(chosen)
    free = _free_mib() if free_mib is None else free_mib
    if kernels * KERNEL_MIB > POOL_MEMORY_SHARE * free:
        fits = int(POOL_MEMORY_SHARE * free // KERNEL_MIB)
        raise InputError(
            f"--pool {pool} for {len(chosen)} notebooks would keep {kernels} kernels ready, about "
            f"{kernels * KERNEL_MIB / 1024:.1f} GB of memory; this computer has {free / 1024:.1f} GB free, "
            f"enough for about {fits}. Name only the app the room opens first with --pool-apps "
            "(for example --pool-apps 03), choose a smaller --pool, or close other programs.")
    pools = {"default": {"pool_size": 0}} | {n: {"pool_size": int(pool)} for n in chosen}
    return {"VoilaKernelManager": {"kernel_pools_config": pools, "fill_delay": float(refill_delay)}}


def _free_mib() -> float:
    import psutil

    return psutil.virtual_memory().available / 2**20


def _names_app(notebook: str, app: str) -> bool:
    """Does ``app`` ("3", "03", "03-network-mapper", "mapper") name the app in file ``notebook``?"""
    stem = notebook.removesuffix(".ipynb").lower()
    number = stem.split("-")[0]
    if app.isdigit():
        return number.isdigit() and int(number) == int(app)
    return app == stem or app in stem


def write_pool_config(target: str | Path, pool: int, apps: list[str] | None = None) -> Path:
    """Write :func:`pool_settings` as ``voila.json`` in a new temporary folder; return the folder."""
    folder = Path(tempfile.mkdtemp(prefix="kit-voila-pool-"))
    (folder / "voila.json").write_text(json.dumps(pool_settings(target, pool, apps), indent=1), encoding="utf-8")
    return folder


def voila_env(base: dict | None = None, **extra: str) -> dict:
    """Environment for the Voila server: the kit's template folder first on ``JUPYTER_PATH``."""
    env = dict(os.environ if base is None else base)
    paths = [str(TEMPLATES_DIR)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.pop("KIT_WORKSHOP_TEST", None)  # the server runs apps for real
    env.update({k: str(v) for k, v in extra.items()})
    return env


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(target, port: int, *, env: dict | None = None, log=None, pool_apps: list[str] | None = None,
          **options) -> subprocess.Popen:
    """Start Voila in the background (its own process group); see :func:`voila_command` for options.

    With ``pool`` > 0, the pool covers ``pool_apps`` (default: every notebook; see :func:`pool_settings`),
    refilled :data:`POOL_REFILL_DELAY` seconds after a visitor takes a kernel.
    """
    if options.get("pool", 0) > 0 and options.get("pool_config") is None:
        options["pool_config"] = write_pool_config(target, options["pool"], pool_apps)
    return subprocess.Popen(
        voila_command(target, port, **options),
        env=voila_env(env),
        stdout=log if log is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
        cwd=str(Path(target).parent if Path(target).is_file() else target),
        start_new_session=True,
    )


def wait_until_up(port: int, proc: subprocess.Popen | None = None, timeout: float = 60) -> None:
    """Wait until the server answers on ``port``; raise RuntimeError if it died or timed out."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"Voila stopped with exit code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/kit-ready-probe", timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answered (with an error page): it is up
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Voila did not answer on port {port} within {timeout:.0f} s")


def share_urls(port: int) -> list[str]:
    """Addresses participants on the same network can open (LAN first, then this machine)."""
    found: list[str] = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.254.254.254", 1))  # UDP connect sends nothing; it picks the outgoing interface
        found.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    lan = [ip for ip in dict.fromkeys(found) if not ip.startswith("127.")]
    return [f"http://{ip}:{port}/" for ip in lan] + [f"http://localhost:{port}/"]


def kernel_processes(pid: int) -> list:
    """The running kernel processes (``psutil.Process``) that the Voila server ``pid`` started."""
    import psutil

    found = []
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:  # the server has stopped
        return found
    for proc in children:
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:  # gone meanwhile (a culled kernel)
            pass
    return found


def wait_for_kernels(pid: int, kernels: int, limit: float = 900, quiet: float = 10.0) -> float | None:
    """Wait until the server ``pid`` runs ``kernels`` kernels and they have finished their work.

    "Finished" means the server and its kernels together used under ``quiet`` per cent of one core
    over 3 seconds: a preheated kernel has then run its app and waits for a visitor. Returns the
    seconds taken, or ``None`` if that did not happen within ``limit`` seconds (or the server stopped).
    Used by ``kit workshop --pool`` to tell the facilitator when the room can join.

    >>> wait_for_kernels(2**22 + 1, 1, limit=5) is None  # no such server
    True
    """
    import psutil

    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            server = psutil.Process(pid)
            if server.status() == psutil.STATUS_ZOMBIE:
                return None
        except psutil.Error:
            return None
        found = kernel_processes(pid)
        if len(found) < kernels:
            time.sleep(1)
            continue
        procs = [server, *found]
        for proc in procs:
            try:
                proc.cpu_percent(None)  # start counting
            except psutil.Error:
                pass
        time.sleep(3)
        busy = 0.0
        for proc in procs:
            try:
                busy += proc.cpu_percent(None)
            except psutil.Error:
                pass
        if busy < quiet:
            return round(time.monotonic() - t0, 1)
    return None
