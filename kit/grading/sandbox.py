"""The walls around a student's kernel: a bubblewrap view built by allow-list, then one fresh room per submission.

Two layers (see README, "Grading: what a submission can see"):

1. :func:`bwrap_command` starts one long-lived *warm* process per grading worker inside
   `bubblewrap <https://github.com/containers/bubblewrap>`_ (Debian ``bubblewrap``, what Flatpak
   uses). Its file system is built from nothing: the Python installation and the environment,
   the ``kit`` package and the handed-out ``exercises/`` folder, read-only; a few files of
   ``/etc`` (fonts, time zone, a one-line ``passwd``); ``/dev`` with null/zero/random only.
   Nothing else exists in it: no home folder, no repository (``solutions/``, ``tests/``,
   ``.git``), no submissions, no output folder, no earlier runs. It has its own user (uid
   1000, no capabilities), PID, IPC, UTS and network namespaces (loopback only), and dies with
   the grader (``--die-with-parent``).
2. For each submission the warm process forks; the child calls :func:`enter_room`: new user,
   mount, PID and IPC namespaces, one size-limited tmpfs that holds the working folder, ``/tmp``
   and ``/dev/shm`` (the disk cap is for all of them together), then forks the kernel, which is
   PID 1 of its own PID namespace, mounts a fresh ``/proc`` showing only its own processes
   (:func:`seal_room`), drops every capability and sets its resource limits. When the kernel
   dies, the kernel ends every process it started (double forks and ``setsid`` included).

The grader talks to the kernel over ZeroMQ ``ipc`` sockets inside the room's tmpfs, reached
from outside through ``/proc/PID/root`` (PID as the grader sees it, passed with
``SCM_CREDENTIALS``, which the Linux kernel translates between PID namespaces). So the room
needs no network and no shared writable folder with the host.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["bwrap_path", "isolation_available", "isolation_problem", "bwrap_command", "view_paths",
           "enter_room", "seal_room", "wrap_command", "ROOM", "KERNEL_DIR"]

ROOM = "/w"                      # the room's tmpfs (inside the sandbox)
KERNEL_DIR = ROOM + "/.kernel"   # connection file and ipc sockets
STUDENT_UID = 1000

_CLONE_NEWNS, _CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWIPC = 0x00020000, 0x10000000, 0x20000000, 0x08000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_BIND, _MS_REC, _MS_PRIVATE = 1, 2, 4, 8, 4096, 16384, 1 << 18
_PR_SET_NO_NEW_PRIVS, _PR_CAPBSET_DROP, _PR_SET_DUMPABLE, _PR_CAP_AMBIENT = 38, 24, 4, 47
_CAP_LAST = 63


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None (install Debian's ``bubblewrap``: ``make browser-deps``)."""
    return shutil.which("bwrap")


def view_paths() -> list[tuple[str, str]]:
    """``(kind, path)`` pairs that make up the sandbox's file system (``ro`` binds; nothing else is there).

    >>> kinds = dict(view_paths())
    >>> sorted(set(k for k, _ in view_paths()))
    ['ro', 'ro-try']
    """
    from kit.notebooks.build import repo_root

    kit_dir = Path(__file__).resolve().parents[1]
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent,
             kit_dir}
    for entry in sys.path:  # site-packages outside the prefix (a user install), never the repository itself
        p = Path(entry or ".").resolve()
        if "site-packages" in p.parts and p.is_dir() and not any(p.is_relative_to(q) for q in paths):
            paths.add(p)
    view = [("ro", "/usr")] + [("ro", str(p)) for p in sorted(paths) if not str(p).startswith("/usr/")]
    exercises = repo_root() / "exercises"
    if exercises.is_dir():
        view.append(("ro", str(exercises)))  # handed out to every student anyway (checks files included)
    for etc in ("/etc/fonts", "/etc/localtime", "/etc/ld.so.cache", "/etc/alternatives", "/etc/ssl/certs",
                "/etc/matplotlibrc", "/etc/mime.types"):
        view.append(("ro-try", etc))
    return view


def bwrap_command(argv: list[str], env: dict, files: dict[str, str], fds: list[int] = ()) -> list[str]:
    """The ``bwrap`` command line that runs ``argv`` inside the allow-list view.

    ``files`` maps a path inside the sandbox to a host file bound read-only there.
    """
    cmd = [bwrap_path() or "bwrap", "--unshare-user", "--uid", str(STUDENT_UID), "--gid", str(STUDENT_UID),
           "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
           "--hostname", "grading", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    for link, target in (("/bin", "usr/bin"), ("/sbin", "usr/sbin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64"),
                         ("/lib32", "usr/lib32"), ("/libx32", "usr/libx32")):
        if os.path.islink(link):
            cmd += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link) and link in ("/bin", "/lib", "/lib64", "/sbin"):
            cmd += ["--ro-bind", link, link]
    for kind, path in view_paths():
        cmd += ["--ro-bind-try" if kind == "ro-try" else "--ro-bind", path, path]
    for inside, host in files.items():
        cmd += ["--ro-bind", host, inside]
    # The host /proc is bound only so that each room can mount a fresh one for its own PID
    # namespace (Linux allows that only where a complete proc is already visible); every room
    # covers it at once, and the warm process runs no student code.
    cmd += ["--bind", "/proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", ROOM, "--dir", "/dev/shm",
            "--chdir", "/", "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return cmd + ["--"] + list(argv)


def enter_room(disk_mb: int) -> None:
    """In the forked child: new user/mount/PID/IPC namespaces and one tmpfs of ``disk_mb`` for every writable path."""
    libc = _libc()
    uid, gid = os.getuid(), os.getgid()
    _check(libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWIPC), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _check(libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None), "mount private")
    options = f"mode=0755,size={max(8, int(disk_mb))}m,nr_inodes=20000".encode()
    _check(libc.mount(b"tmpfs", ROOM.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, options), "room tmpfs")
    for sub in ("tmp", "shm", "home", "submission", ".kernel", ".ipython", ".mpl"):
        os.makedirs(f"{ROOM}/{sub}", exist_ok=True)
    os.chmod(f"{ROOM}/tmp", 0o1777)
    os.chmod(f"{ROOM}/shm", 0o1777)
    for inside, target in (("tmp", b"/tmp"), ("shm", b"/dev/shm")):
        _check(libc.mount(f"{ROOM}/{inside}".encode(), target, None, _MS_BIND, None), f"bind {target.decode()}")


def seal_room(memory_mb: int, file_mb: int, processes: int = 256) -> None:
    """In the kernel (PID 1 of the room): a fresh /proc, then no capabilities, no new privileges, and limits."""
    import resource

    libc = _libc()
    flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    if libc.mount(b"proc", b"/proc", b"proc", flags, None) != 0:
        _check(libc.mount(b"proc", b"/proc", b"proc", flags | _MS_RDONLY, None), "mount /proc")
    for cap in range(_CAP_LAST + 1):
        libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc.prctl(_PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")

    class _Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class _Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header, data = _Header(0x20080522, 0), (_Data * 2)()
    _check(libc.capset(ctypes.byref(header), data), "capset")
    libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
    if memory_mb > 0:  # on top of what the warm process had already mapped (its libraries, shared with it)
        size = (memory_mb << 20) + _mapped_bytes()
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    if file_mb > 0:
        size = file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes > 0:
        try:
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        except (ValueError, OSError):
            pass


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


_PROBE: list = []


def hidden_by_room() -> str | None:
    """A path the sandbox needs that lies under /tmp or /dev/shm, which each room replaces (``None`` if none).

    >>> hidden_by_room() is None or hidden_by_room().startswith(("/tmp", "/dev/shm"))
    True
    """
    for _kind, path in view_paths():
        if path == "/tmp" or path.startswith(("/tmp/", "/dev/shm/")):
            return path
    return None


def isolation_problem() -> str | None:
    """None when the sandbox works on this machine, else a sentence saying why not (probed once)."""
    if _PROBE:
        return _PROBE[0]
    problem = None
    if not sys.platform.startswith("linux"):
        problem = "the grading sandbox needs Linux (bubblewrap and namespaces)"
    elif not bwrap_path():
        problem = "bubblewrap is not installed (Debian: apt-get install bubblewrap, or `make browser-deps`)"
    elif hidden_by_room():
        problem = (f"{hidden_by_room()} is under /tmp or /dev/shm, which every submission gets fresh and empty, so "
                   "student code could not see Python or the kit there; put the course (and its .venv) in another "
                   "folder, e.g. your home folder")
    else:
        probe = ("import kit.grading.sandbox as s, os\npid = os.fork()\nif pid == 0:\n"
                 "    s.enter_room(16)\n    p = os.fork()\n    if p == 0:\n        s.seal_room(0, 0)\n"
                 "        os._exit(0 if os.listdir('/proc').count('1') and not os.path.exists('/etc/shadow') else 3)\n"
                 "    os._exit(os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]))\n"
                 "raise SystemExit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n")
        env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PATH": "/usr/bin:/bin"}
        try:
            done = subprocess.run(bwrap_command([sys.executable, "-S", "-c", probe], env, {}), timeout=30,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            if done.returncode != 0:
                detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
                problem = ("bubblewrap could not build the sandbox (user namespaces may be switched off: "
                           f"sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces): {detail[0][:200]}")
        except (OSError, subprocess.SubprocessError) as err:
            problem = f"bubblewrap could not be run: {err}"
    _PROBE.append(problem)
    return problem


def isolation_available() -> bool:
    """True when the sandbox works here."""
    return isolation_problem() is None


def wrap_command(command: list[str], memory_mb: int, file_mb: int = 200, **_ignored) -> list[str]:
    """Unsafe mode only (``--unsafe-no-sandbox``): the kernel ``command`` with memory and file-size limits, no walls."""
    return [sys.executable, "-m", "kit.grading.sandbox", "--memory", str(memory_mb), "--files", str(file_mb),
            "--"] + list(command)


def main(argv: list[str]) -> None:
    import resource

    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    memory = int(options[options.index("--memory") + 1]) if "--memory" in options else 0
    files = int(options[options.index("--files") + 1]) if "--files" in options else 0
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory << 20, memory << 20))
    if files > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (files << 20, files << 20))
    os.execv(command[0], command)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
