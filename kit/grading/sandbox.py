"""Start a student's kernel inside limits: memory, file size, and (where Linux allows) hidden folders and no network.

Run as ``python -m kit.grading.sandbox --memory MB [--hide DIR ...] [--isolate] -- KERNEL COMMAND``.
It sets resource limits, then, with ``--isolate``, enters new Linux user, mount and network
namespaces (no root needed), mounts an empty read-only folder over each ``--hide`` folder, enters
a second user namespace so the student's code holds no privileges (it cannot unmount them), and
finally replaces itself with the kernel. :func:`isolation_available` probes whether this works on
the machine (it needs unprivileged user namespaces, usual on Linux, sometimes switched off).
"""

from __future__ import annotations

import os
import sys

__all__ = ["isolation_available", "wrap_command"]

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REC, _MS_PRIVATE = 1, 2, 4, 16384, 1 << 18


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        import ctypes

        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


_ST_TO_MS = {2: 2, 4: 4, 8: 8, 1024: 1024, 2048: 2048, 4096: 1 << 21}  # statvfs flag -> mount flag
_MS_BIND, _MS_REMOUNT = 4096, 32


def _read_only_everywhere(libc, writable: list[str]) -> None:
    """Make every mount read-only except ``writable`` folders (bound onto themselves first)."""
    for folder in writable:
        _check(libc.mount(folder.encode(), folder.encode(), None, _MS_BIND | _MS_REC, None), f"bind {folder}")
    keep = {os.path.realpath(f) for f in writable}
    with open("/proc/self/mountinfo") as handle:
        points = [line.split()[4].encode().decode("unicode_escape") for line in handle]
    for point in points:
        if point in keep or point.startswith(("/proc", "/sys", "/dev")) or point in ("/dev", "/proc", "/sys"):
            continue
        try:
            flags = os.statvfs(point).f_flag
        except OSError:
            continue
        extra = sum(ms for st, ms in _ST_TO_MS.items() if flags & st)
        libc.mount(None, point.encode(), None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | extra, None)


def _enter_namespaces(hide: list[str], writable: list[str]) -> None:
    libc = _libc()
    uid, gid = os.getuid(), os.getgid()
    _check(libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWNET), "unshare")
    try:
        _write("/proc/self/setgroups", "deny")
    except OSError:
        pass
    _write("/proc/self/uid_map", f"0 {uid} 1")
    _write("/proc/self/gid_map", f"0 {gid} 1")
    _check(libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None), "mount private")
    _read_only_everywhere(libc, writable)
    for folder in hide:
        if os.path.isdir(folder):
            _check(libc.mount(b"none", folder.encode(), b"tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV, b"size=4k"),
                   f"hide {folder}")
    # A second, unprivileged namespace: the mounts above become locked and the kernel runs
    # as an ordinary user without capabilities (it cannot unmount or remount anything).
    _check(libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS), "unshare (inner)")
    inner_uid = uid or 1000
    inner_gid = gid or 1000
    _write("/proc/self/uid_map", f"{inner_uid} 0 1")
    try:
        _write("/proc/self/setgroups", "deny")
    except OSError:
        pass
    _write("/proc/self/gid_map", f"{inner_gid} 0 1")


def _limit(memory_mb: int, file_mb: int) -> None:
    import resource

    if memory_mb > 0:
        size = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    if file_mb > 0:
        size = file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def wrap_command(command: list[str], memory_mb: int, hide: list[str] = (), isolate: bool = False,
                 file_mb: int = 200, writable: list[str] = ()) -> list[str]:
    """The kernel ``command`` prefixed with this launcher and its options."""
    wrapped = [sys.executable, "-m", "kit.grading.sandbox", "--memory", str(memory_mb), "--files", str(file_mb)]
    if isolate:
        wrapped.append("--isolate")
        for folder in hide:
            wrapped += ["--hide", str(folder)]
        for folder in writable:
            wrapped += ["--writable", str(folder)]
    return wrapped + ["--"] + list(command)


_PROBE = None


def isolation_available() -> bool:
    """True when namespaces work here (probed once, in a child process)."""
    global _PROBE
    if _PROBE is None:
        import subprocess

        if not sys.platform.startswith("linux"):
            _PROBE = False
        else:
            try:
                done = subprocess.run(wrap_command(["/bin/true"], 0, [], isolate=True), timeout=20,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _PROBE = done.returncode == 0
            except (OSError, subprocess.SubprocessError):
                _PROBE = False
    return _PROBE


def main(argv: list[str]) -> None:
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    memory = int(options[options.index("--memory") + 1]) if "--memory" in options else 0
    files = int(options[options.index("--files") + 1]) if "--files" in options else 0
    hide = [options[i + 1] for i, o in enumerate(options) if o == "--hide"]
    writable = [options[i + 1] for i, o in enumerate(options) if o == "--writable"]
    if "--isolate" in options:
        _enter_namespaces(hide, writable)
    _limit(memory, files)
    os.execv(command[0], command)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
