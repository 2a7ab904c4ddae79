"""Moved to :mod:`kit.notebooks.format`; ``kit.authoring`` keeps working as the same module object."""

import sys

from kit.notebooks import format as _moved

sys.modules[__name__] = _moved
