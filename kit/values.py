"""Moved to :mod:`kit.notebooks.values`; ``kit.values`` keeps working as the same module object."""

import sys

from kit.notebooks import values as _moved

sys.modules[__name__] = _moved
