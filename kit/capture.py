"""Moved to :mod:`kit.notebooks.capture`; ``kit.capture`` keeps working as the same module object."""

import sys

from kit.notebooks import capture as _moved

sys.modules[__name__] = _moved
