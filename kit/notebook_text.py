"""Moved to :mod:`kit.notebooks.text`; ``kit.notebook_text`` keeps working as the same module object."""

import sys

from kit.notebooks import text as _moved

if __name__ == "__main__":  # pragma: no cover  (python -m kit.notebook_text)
    _moved.main()
else:
    sys.modules[__name__] = _moved
