"""Moved to :mod:`kit.notebooks.checks`; ``kit.checks`` keeps working as the same module object."""

import sys

from kit.notebooks import checks as _moved

sys.modules[__name__] = _moved
