"""The kit's own code imports the notebook layer by its real names, never by the old aliases.

kit.build, kit.checks, kit.capture, ... replace themselves in sys.modules with kit.notebooks.*;
two threads importing an alias at once (dask workers grading in threads) can see it half-made
("cannot import name 'repo_root' from 'kit.build'"), which graded a right answer as grader-error.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALIASES = ("authoring", "build", "capture", "checks", "execute", "notebook_text", "values")
# Kernel side: the guard watches the names a student's code might patch, aliases included.
WATCHERS = {"kit/grading/guard.py"}


def test_kit_code_never_imports_an_alias_module():
    pattern = re.compile(r"^\s*(from kit\.(%s) import|import kit\.(%s)\b)" % ("|".join(ALIASES), "|".join(ALIASES)), re.M)
    found = []
    for path in sorted((ROOT / "kit").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in WATCHERS or path.stem in ALIASES and path.parent.name == "kit":
            continue
        text = re.sub(r'"""[\s\S]*?"""', "", path.read_text(encoding="utf-8"))  # examples in docstrings may
        found += [f"{rel}: {m.group(0).strip()}" for m in pattern.finditer(text)]
    assert not found, "import kit.notebooks.* instead: " + "; ".join(found)
