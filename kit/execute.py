"""Moved to :mod:`kit.notebooks.run`; ``kit.execute`` keeps working as the same module object."""

import sys

from kit.notebooks import run as _moved

sys.modules[__name__] = _moved
