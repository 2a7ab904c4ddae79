"""Systematic and configurative reviews: read search exports, normalise, deduplicate, screen, PRISMA.

The functions live in small modules (readers and formats, text, duplicates and evaluation,
screening, prisma) and are re-exported here: ``import kit.review``, then
``kit.review.read_export(...)``.
"""

from kit.review.readers import STANDARD_COLUMNS, ExportProblemError, import_problems, import_report, read_export
from kit.review.text import match_key, normalise_text
from kit.review.prisma import prisma_counts, prisma_diagram
from kit.review.screening import screen, tag_themes
from kit.review.duplicates import ABSTRACT_FLOOR, THRESHOLD, WINDOW, deduplicate, find_duplicates
from kit.review.evaluation import score_against_truth

__all__ = [
    "read_export", "import_problems", "import_report", "STANDARD_COLUMNS", "ExportProblemError",
    "normalise_text", "match_key",
    "screen", "tag_themes", "prisma_counts", "prisma_diagram",
    "find_duplicates", "deduplicate", "score_against_truth", "THRESHOLD", "ABSTRACT_FLOOR", "WINDOW",
]
