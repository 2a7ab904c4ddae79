"""Moved to :mod:`kit.notebooks.build`; ``kit.build`` keeps working as the same module object."""

import sys

from kit.notebooks import build as _moved

sys.modules[__name__] = _moved
