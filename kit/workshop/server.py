"""Start Voila the way the kit serves workshops: offline template, culling, no sources, all interfaces.

Used by ``kit workshop`` (the facilitator's command) and by the browser tests (tests/conftest.py),
so what is tested is what runs in the room.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["TEMPLATE", "TEMPLATES_DIR", "voila_command", "voila_env", "start", "wait_until_up", "share_urls", "free_port", "workshops_dir"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "kit"  # templates/voila/templates/kit: lab without its CDN <link>s, offline folder page


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
    theme: str = "light",
    template: str = TEMPLATE,
    extra: list[str] | None = None,
) -> list[str]:
    """The Voila command line for ``target`` (a notebook or a folder of notebooks).

    * ``template=kit``: offline copy of Voila's lab template (no CDN request);
    * sources stripped, tracebacks hidden, template/theme fixed (a URL can't switch them);
    * idle kernels (closed tabs) culled after ``cull_idle`` seconds, checked every ``cull_interval``;
      kernels with an open page are never culled;
    * ``pool`` > 0 keeps that many kernels per notebook preheated (the notebook already run).
    """
    cmd = [
        sys.executable, "-m", "voila", str(target),
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
    ]
    if pool > 0:
        cmd += ["--preheat_kernel=True", f"--pool_size={int(pool)}"]
    return cmd + list(extra or [])


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


def start(target, port: int, *, env: dict | None = None, log=None, **options) -> subprocess.Popen:
    """Start Voila in the background (its own process group); see :func:`voila_command` for options."""
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
