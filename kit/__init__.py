"""kit: helpers for the education-research notebooks, checks, grading and workshop apps.

Importing ``kit`` is cheap and changes no global state; submodules are imported on use
(``import kit.stats``, ``from kit.checks import checker``).
"""

__version__ = "0.1.0"

from kit.errors import KitError  # noqa: F401  (the one name everyone catches)

__all__ = ["KitError", "report", "__version__"]


def report(result, **options) -> str:
    """One plain-language sentence for any kit result (see :func:`kit.results.report`).

    >>> import kit, kit.stats
    >>> kit.report(kit.stats.icc(__import__("pandas").DataFrame({"g": [1, 1, 2, 2], "v": [1, 2, 5, 6]}), "g", "v"))[:12]
    'ICC(1) = 0.9'
    """
    from kit.results import report as _report

    return _report(result, **options)
