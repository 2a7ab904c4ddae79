"""`kit workshop` (what `make workshop` runs): all interfaces, offline template, culling, key on the terminal."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from kit.workshop.server import TEMPLATES_DIR, free_port, voila_command


def test_voila_command_is_offline_safe_and_culls():
    cmd = " ".join(voila_command("workshops", 8866))
    for part in ["--Voila.ip=0.0.0.0", "--template=kit", "--strip_sources=True", "--show_tracebacks=False",
                 "cull_idle_timeout=600", "allow_template_override=NO", "classic_tree=True",
                 "--KernelManager.transport=ipc", "--VoilaExecutor.iopub_timeout=120"]:
        assert part in cmd
    assert "--preheat_kernel=True --pool_size=3" in " ".join(voila_command("w", 1, pool=3))
    template = TEMPLATES_DIR / "voila" / "templates" / "kit"
    for name in ["index.html.j2", "page.html", "tree.html", "tree-lab.html"]:
        assert "cdn.jsdelivr" not in (template / name).read_text(), name
    assert (template / "conf.json").read_text().strip() == '{"base_template": "lab"}'


def test_dry_run_prints_the_command():
    done = subprocess.run([sys.executable, "-m", "kit.cli", "workshop", "--dry-run", "--port", "9999"], capture_output=True, text=True)
    assert done.returncode == 0 and "--port=9999" in done.stdout
    assert "-m kit.workshop.launch" in done.stdout  # Voila behind the kit's websocket guard


def read_until(proc, marker: str, timeout: float) -> str:
    """What ``proc`` printed up to the line holding ``marker`` (or until it stopped or ``timeout`` passed)."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            break
    return "".join(lines)


@pytest.mark.slow
def test_kit_workshop_prints_address_and_key_serves_the_index_and_stops_cleanly(tmp_path):
    port = free_port()
    env = dict(os.environ, KIT_DATA_DIR=str(tmp_path), KIT_QUIET="1")
    env.pop("KIT_FACILITATOR_KEY", None)
    env.pop("KIT_STORE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "workshop", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        banner = read_until(proc, "Stop with Ctrl+C", 120)
        key = (tmp_path / "facilitator.key").read_text().strip()
        assert f"FACILITATOR KEY (keep it to yourself):   {key}" in banner
        urls = re.findall(r"http://[\w.\-]+:\d+/", banner)
        assert f"http://localhost:{port}/" in urls
        for url in urls:  # every address printed answers (LAN addresses too: Voila listens on all interfaces)
            page = urllib.request.urlopen(url, timeout=30).read().decode()
            assert "voila/render/index.ipynb" in page and "cdn.jsdelivr" not in page
        assert (tmp_path / "workshop.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    time.sleep(1)
    with pytest.raises(OSError):  # Voila stopped with it
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)


def test_voila_reads_the_longer_wait_for_outputs():
    """A busy server waits for a cell's outputs instead of showing a blank app (nbclient's default is 4 s)."""
    import nbformat
    from traitlets.config.loader import KVArgParseConfigLoader
    from voila.execute import VoilaExecutor

    flags = [f for f in voila_command("w", 1) if f.startswith("--VoilaExecutor.")]
    config = KVArgParseConfigLoader(argv=flags).load_config()
    executor = VoilaExecutor(nbformat.v4.new_notebook(), km=None, config=config)
    assert executor.iopub_timeout == 120 > VoilaExecutor(nbformat.v4.new_notebook(), km=None).iopub_timeout


def test_pool_settings_cover_the_named_apps_and_fit_in_memory(tmp_path):
    from kit.errors import InputError, UnknownNameError
    from kit.workshop.server import POOL_REFILL_DELAY, pool_settings, workshops_dir

    def pools(apps):
        return pool_settings(workshops_dir(), 20, apps)["VoilaKernelManager"]["kernel_pools_config"]

    assert pools(["3"]) == {"default": {"pool_size": 0}, "03-network-mapper.ipynb": {"pool_size": 20}}
    assert pools(["03-network-mapper.ipynb"]) == pools(["mapper"]) == pools(["03"])
    two = pool_settings(workshops_dir(), 10, ["health", "index"])["VoilaKernelManager"]["kernel_pools_config"]
    assert two == {"default": {"pool_size": 0}, "04-health-check.ipynb": {"pool_size": 10}, "index.ipynb": {"pool_size": 10}}
    everything = pool_settings(workshops_dir(), 2)["VoilaKernelManager"]["kernel_pools_config"]
    assert len(everything) == 1 + len(list(workshops_dir().glob("*.ipynb")))
    assert pool_settings(workshops_dir(), 2)["VoilaKernelManager"]["fill_delay"] == POOL_REFILL_DELAY >= 10
    # A room of 30 on a laptop with 8 GB, 5 GB of it free, fits; two apps' pools of 30 with 2 GB free do not.
    assert pool_settings(workshops_dir(), 30, ["03"], free_mib=5 * 1024)
    with pytest.raises(InputError, match=r"60 kernels ready, about 7\.0 GB of memory; this computer has 2\.0 GB free, "
                                         r"enough for about 13\. Name only the app"):
        pool_settings(workshops_dir(), 30, ["03", "04"], free_mib=2 * 1024)
    with pytest.raises(UnknownNameError, match="no app called '07'.*'06-evidence-screener'"):
        pools(["07"])
    one = tmp_path / "talk.ipynb"
    one.write_text("{}")
    assert pool_settings(one, 2)["VoilaKernelManager"]["kernel_pools_config"]["talk.ipynb"] == {"pool_size": 2}
    cmd = voila_command("w", 1, pool=2, pool_config=tmp_path)
    assert f"--Voila.config_file_paths={tmp_path}" in cmd and "--preheat_kernel=True" in cmd


def test_pool_apps_errors_are_plain():
    def run(*args):
        return subprocess.run([sys.executable, "-m", "kit.cli", "workshop", "--dry-run", *args], capture_output=True, text=True)

    bad = run("--pool", "3", "--pool-apps", "mapper,99")
    assert bad.returncode == 1 and "There is no app called '99'" in bad.stderr and "Traceback" not in bad.stderr
    big = run("--pool", "100000", "--pool-apps", "03")  # more memory than any laptop has
    assert big.returncode == 1 and "GB free" in big.stderr and "--pool-apps 03" in big.stderr and "Traceback" not in big.stderr
    alone = run("--pool-apps", "03")
    assert alone.returncode == 1 and "--pool-apps needs --pool N" in alone.stderr
    good = run("--pool", "3", "--pool-apps", "03")
    assert good.returncode == 0 and "--Voila.config_file_paths=" in good.stdout


@pytest.mark.slow
def test_kit_workshop_with_a_pool_says_when_the_room_can_join(tmp_path):
    from kit.workshop.server import kernel_processes

    port = free_port()
    env = dict(os.environ, KIT_DATA_DIR=str(tmp_path), KIT_QUIET="1", KIT_FACILITATOR_KEY="ROOM-KEY-FOR-TESTS")
    env.pop("KIT_STORE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "workshop", "--port", str(port), "--pool", "2",
                             "--pool-apps", "03"], env=env, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        said = read_until(proc, "ROOM READY", 240)
        assert "Getting 2 kernels ready for 03-network-mapper" in said, said
        assert "ROOM READY: 2 kernels are waiting" in said, said
        assert len(kernel_processes(proc.pid)) == 2  # the pool (Voila's kernels), nothing else started yet
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

