"""kit: helpers for the education-research notebooks, checks, grading and workshop apps.

Importing ``kit`` is cheap and changes no global state; submodules are imported on use
(``import kit.stats``, ``from kit.checks import checker``).
"""

__version__ = "0.1.0"

from kit.errors import KitError  # noqa: F401  (the one name everyone catches)

__all__ = ["KitError", "__version__"]
