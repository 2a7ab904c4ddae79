"""Every attack of the grading review in one hostile batch: none gains a mark, none changes an honest row.

Also: no state passes from one student to the next (one warm process, graded in order), and a stopped,
sleeping or runaway submission ends at its notebook limit as ``timeout`` while the batch finishes.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import threading
import uuid
from pathlib import Path

import pytest

from kit.cli import main
from kit.grading.sandbox import isolation_available
from tests import grading_attacks as A
from tests import grading_fixtures as F

pytestmark = [pytest.mark.skipif(not F.EXERCISE.exists(), reason="exercise 00 not built"),
              pytest.mark.skipif(not isolation_available(), reason="the grading sandbox cannot be built here")]

CELL, NOTEBOOK = 5, 20  # seconds: a stall costs one worker NOTEBOOK + 2 s at most


def _grade(subs: Path, out: Path, workers: int = 2) -> dict:
    code = main(["grade", str(subs), "--assignment", F.ASSIGNMENT, "--out", str(out), "--timeout", str(CELL),
                 "--notebook-timeout", str(NOTEBOOK), "--workers", str(workers), "--quiet"])
    assert code == 0
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        return {r["submission"]: r for r in csv.DictReader(handle)}


class _Listeners:
    """Host endpoints an attack tries to reach: TCP on 127.0.0.1, a path unix socket, an abstract one."""

    def __init__(self, base: Path):
        self.heard: list[str] = []
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.path = str(base / "host.sock")
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix.bind(self.path)
        self.abstract_name = f"kit-attack-{uuid.uuid4().hex[:8]}"
        self.abstract = socket.socket(socket.AF_UNIX)
        self.abstract.bind("\0" + self.abstract_name)
        for s in (self.tcp, self.unix, self.abstract):
            s.listen()
            threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, s):
        while True:
            try:
                conn, _ = s.accept()
            except OSError:
                return
            self.heard.append(conn.recv(100).decode(errors="replace"))
            conn.close()

    def close(self):
        for s in (self.tcp, self.unix, self.abstract):
            s.close()


def _survivors(marker: str) -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in line:
            found.append(f"{pid}: {line[:80]}")
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    subs, outside, out = F.batch_folders(base)
    (outside / "secret.txt").write_text("a secret")
    (outside / "secret.txt").chmod(0o600)
    listeners = _Listeners(base)
    victim = subprocess.Popen(["sleep", "600"])
    targets = A.Targets(out=out, outside=outside, socket=listeners.path, abstract=listeners.abstract_name,
                        tcp=listeners.tcp.getsockname()[1], victim=victim.pid, shm=f"kit-{uuid.uuid4().hex[:8]}",
                        marker=f"kitattack{uuid.uuid4().hex[:8]}")
    items = A.attacks(targets) + A.stalls(targets) + A.honest()
    for name, data, _ in items:
        (subs / name).write_bytes(data)
    try:
        rows = _grade(subs, out)
        leftovers = {"survivors": _survivors(targets.marker), "victim_alive": victim.poll() is None,
                     "heard": list(listeners.heard), "shm": os.path.exists(f"/dev/shm/{targets.shm}")}
    finally:
        victim.kill()
        listeners.close()
        for line in _survivors(targets.marker):  # never leave them running, whatever the test says
            os.kill(int(line.split(":")[0]), 9)
    return {"rows": rows, "items": {n: e for n, _, e in items}, "out": out, "outside": outside, "base": base,
            "targets": targets, **leftovers}


def _auto(row) -> float:
    return sum(float(row[q] or 0) for q in ("q1", "q2"))


ATTACKS = [n for n, _, _ in A.attacks(A.Targets(*[Path("/x")] * 2, "/x", "x", 1, 1, "x", "x"))]
STALLS = [n for n, _, _ in A.stalls(A.Targets(*[Path("/x")] * 2, "/x", "x", 1, 1, "x", "x"))]
KNOWN_HOLES = {
    "a02k-sign-with-the-stolen-key.ipynb": "the capture key lives in the student's own process (emit's closure), so "
    "code that reads it signs any values; needs signing the student cannot reach (audit hook or a second process)",
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_HOLES[n]))
                                  if n in KNOWN_HOLES else n for n in ATTACKS + STALLS])
def test_attack_gains_nothing(hostile, name):
    row, expected = hostile["rows"][name], hostile["items"][name]
    most = expected["max"]
    for q, top in (most.items() if isinstance(most, dict) else []):
        assert float(row[q] or 0) <= top, (q, row)
    assert _auto(row) <= (sum(most.values()) if isinstance(most, dict) else most), row
    assert _auto(row) >= expected.get("min", 0), row
    if "status" in expected:
        assert row["status"] in expected["status"], row
    if row["status"] != "graded":
        assert row["reason"].strip(), row
    page = (hostile["out"] / "feedback" / f"{row['student_id']}.html")
    html = page.read_text() if page.exists() else ""
    for text in ["REACHED"] + expected.get("absent", []):
        assert text not in html, (text, row["status"], row["reason"])


def test_honest_rows_are_full_marks_and_the_same_as_without_the_attackers(hostile, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, data, _ in A.honest():
        (subs / name).write_bytes(data)
    alone = _grade(subs, F.seeded_out(tmp_path / "out"))
    ignore = {"submitted", "sha256"}  # the file's time, and its key (file + who + time)
    for name in alone:
        assert alone[name]["status"] == "graded" and alone[name]["total"] == "3", alone[name]
        assert {k: v for k, v in hostile["rows"][name].items() if k not in ignore} == \
               {k: v for k, v in alone[name].items() if k not in ignore}
        assert (hostile["out"] / "feedback" / f"{name[:-6]}.html").exists()


def test_nothing_outlives_grading_or_reaches_the_host(hostile):
    assert hostile["survivors"] == [], "processes left behind by a11/stalls"
    assert hostile["victim_alive"], "a29 killed a host process of the grader's user"
    assert hostile["heard"] == [], "a submission reached a host socket"
    assert not hostile["shm"], "a27 left a file in the host's /dev/shm"
    assert (hostile["outside"] / "keep.txt").read_text() == "keep me"
    assert not (hostile["outside"] / "atexit.txt").exists()
    assert not list(Path("/dev/shm").glob("fill*"))


def test_spoofs_are_named_in_the_reason(hostile):
    for name in ("a02-replace-emit", "a03-fake-sys-modules", "a04-builtins-eval", "a04b-json-dumps",
                 "a06-numpy-subclass-posing", "a09-iopub-session-send"):
        row = hostile["rows"][name + ".ipynb"]
        assert row["status"] == "tampered" and "grading machinery" in row["reason"], row


def test_stalls_end_at_the_notebook_limit_and_say_so(hostile):
    for name in STALLS[1:]:  # not SIGSTOP: the kernel, PID 1 of its room, ignores it
        row = hostile["rows"][name]
        assert row["status"] == "timeout" and f"longer than {NOTEBOOK} s" in row["reason"], row


def test_formula_and_spoofed_ids_do_not_take_an_honest_students_place(hostile):
    rows = hostile["rows"]
    assert rows["a17-spoofed-student-id.ipynb"]["student_id"] != "honest-right" or \
        rows["honest-right.ipynb"]["student_id"] == "honest-right"
    raw = (hostile["out"] / "gradebook.csv").read_text(encoding="utf-8-sig")
    assert ',=HYPERLINK' not in raw and ',"=HYPERLINK' not in raw


def test_no_state_passes_from_one_student_to_the_next(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, data in A.state_pair():
        (subs / name).write_bytes(data)
    rows = _grade(subs, F.seeded_out(tmp_path / "out"), workers=1)  # one warm process forks both kernels
    assert [rows[n]["status"] for n, _ in A.state_pair()] == ["graded", "graded"]
    html = (tmp_path / "out" / "feedback" / "2-looks-for-state.html").read_text()
    assert "clean []" in html and "REACHED" not in html
    assert rows["2-looks-for-state.ipynb"]["total"] == "3"
