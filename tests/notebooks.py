"""Which notebooks the suite executes, shared by the test modules."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def notebooks(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).glob("*.ipynb") if not p.name.startswith("."))


def ids(paths: list[Path]) -> list[str]:
    return [f"{p.parent.name}/{p.stem}" for p in paths]
