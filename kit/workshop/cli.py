"""``kit workshop``: serve the workshop apps to a room (the facilitator's command; ``make workshop``)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

__all__ = ["configure", "run"]


def configure(parser) -> None:
    """Add ``kit workshop``'s options to its argparse sub-parser."""
    parser.add_argument("folder", nargs="?", default=None, help="folder of apps or one app notebook (default: workshops/)")
    parser.add_argument("--port", type=int, default=8866, help="port to serve on (default 8866)")
    parser.add_argument("--host", default="0.0.0.0", help="interface to listen on (default: all, so phones on the same network can join)")
    parser.add_argument("--cull", type=int, default=600, help="seconds before the kernel of a closed page is stopped (default 600)")
    parser.add_argument("--pool", type=int, default=0, metavar="N",
                        help="kernels kept ready for each app in --pool-apps, for a room that opens it at once "
                             "(default 0): the size of the room. Each uses 60-120 MiB; a pool fills in about a second "
                             "a kernel, and kit workshop says when the room can join")
    parser.add_argument("--pool-apps", default=None, metavar="APPS",
                        help="with --pool: the apps that get ready kernels, by number or name, e.g. 03 or 03,04 or index "
                             "(default: every notebook)")
    parser.add_argument("--store", default=None, help="database URL for answers (default: KIT_STORE_URL or SQLite in the data folder)")
    parser.add_argument("--dry-run", action="store_true", help="print the Voila command and exit")


def _banner(urls: list[str], key: str, store_url: str, data_dir: Path) -> str:
    width = 72
    line = "=" * width
    out = [line, "  Workshop apps are running. Share this address with the room:", ""]
    out += [f"      {u}" for u in urls]
    out += [
        "",
        "  Participants need the same Wi-Fi/network; nothing is loaded from the internet.",
        f"  FACILITATOR KEY (keep it to yourself):   {key}",
        "  Type it in the 'Facilitator' panel of an app to open a session, see answers, export.",
        f"  Answers are stored in: {store_url}",
        f"  Data folder: {data_dir}",
        "  Stop with Ctrl+C.",
        line,
    ]
    return "\n".join(out)


def _report_pool(proc, pool_config: Path, limit: float = 900) -> None:
    """Tell the facilitator when the preheated kernels are ready, so the room joins after that."""
    import json

    from kit.workshop.server import wait_for_kernels

    settings = json.loads((Path(pool_config) / "voila.json").read_text(encoding="utf-8"))
    pools = settings["VoilaKernelManager"]["kernel_pools_config"]
    wanted = sum(p["pool_size"] for p in pools.values())
    apps = ", ".join(n.removesuffix(".ipynb") for n, p in pools.items() if n != "default" and p["pool_size"])
    print(f"  Getting {wanted} kernels ready for {apps} (about a second each on a small laptop).\n"
          "  Let the room join once the next line says so.", flush=True)
    took = wait_for_kernels(proc.pid, wanted, limit=limit)
    if took is not None:
        print(f"  ROOM READY: {wanted} kernels are waiting ({took:.0f} s). Participants can join now.", flush=True)
    elif proc.poll() is None:
        print(f"  The ready kernels were not all prepared within {limit / 60:.0f} minutes (is the computer busy?). "
              "The room can join; the first pages may be slow.", flush=True)


def run(args) -> int:
    """Start Voila on the workshops folder, print the addresses and the facilitator key, wait."""
    from kit.workshop import data_dir, facilitator_key
    from kit.workshop.server import share_urls, start, voila_command, wait_until_up, workshops_dir
    from kit.workshop.store import Store

    target = Path(args.folder) if args.folder else workshops_dir()
    if not target.exists():
        print(f"Error: {target} does not exist. Run `kit workshop` from the kit's folder or name the folder.", file=sys.stderr)
        return 1
    options = dict(ip=args.host, cull_idle=args.cull, cull_interval=max(10, min(60, args.cull // 5)), pool=args.pool)
    if args.pool > 0:
        from kit.errors import KitError
        from kit.workshop.server import write_pool_config

        apps = [a for a in args.pool_apps.split(",") if a.strip()] if args.pool_apps else None
        try:
            options["pool_config"] = write_pool_config(target, args.pool, apps)
        except KitError as err:
            print(f"Error: {err}", file=sys.stderr)
            return 1
    elif args.pool_apps:
        print("Error: --pool-apps needs --pool N (how many ready kernels each of those apps keeps).", file=sys.stderr)
        return 1
    if args.dry_run:
        print(" ".join(voila_command(target, args.port, **options)))
        return 0
    if args.store:
        os.environ["KIT_STORE_URL"] = args.store
    from kit.workshop.config import key_problem

    if os.environ.get("KIT_FACILITATOR_KEY", "").strip() and key_problem(os.environ["KIT_FACILITATOR_KEY"]):
        print(f"Error: {key_problem(os.environ['KIT_FACILITATOR_KEY'])}", file=sys.stderr)
        return 1
    key = facilitator_key()
    os.environ["KIT_FACILITATOR_KEY"] = key  # kernels inherit it; pages never see it
    store = Store()  # create the tables now, and fail early if the database can't be reached
    def _stop(signum, _frame):  # `kill` or a closed terminal: stop Voila and its kernels too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    proc = start(target, args.port, log=None if os.environ.get("KIT_QUIET") else sys.stderr, **options)
    try:
        wait_until_up(args.port, proc, timeout=120)
        urls = share_urls(args.port)
        print(_banner(urls, key, store.shown_url(), data_dir()), flush=True)
        if args.pool > 0:
            _report_pool(proc, options["pool_config"])
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    except RuntimeError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except Exception:  # noqa: BLE001
                os.killpg(proc.pid, signal.SIGKILL)
