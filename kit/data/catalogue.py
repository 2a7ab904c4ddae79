"""The data catalogue: every dataset builder registers itself here with its codebook.

A builder is a function ``build(seed=..., **options) -> DataFrame`` decorated with
:func:`dataset`. Builders live in their own modules in ``kit/data/``; the catalogue
finds them by importing every module of the package the first time it is asked.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from kit.errors import InputError, unknown_name

__all__ = ["Column", "Dataset", "dataset", "get", "names"]


@dataclass(frozen=True)
class Column:
    """One codebook entry: what a column means, its unit and its range."""

    name: str
    meaning: str
    unit: str = ""
    range: str = ""


@dataclass(frozen=True)
class Dataset:
    """A registered dataset: its builder, description, what it teaches, source and codebook."""

    name: str
    builder: Callable[..., pd.DataFrame]
    description: str
    teaches: str
    source: str
    columns: tuple[Column, ...]
    default_seed: int | None = 2024
    options: dict = field(default_factory=dict)

    def build(self, seed: int | None = None, **options) -> pd.DataFrame:
        kwargs = dict(options)
        if self.default_seed is not None:
            kwargs["seed"] = self.default_seed if seed is None else seed
        elif seed is not None:
            raise InputError(f"The dataset {self.name!r} is real data shipped with the kit; it takes no seed.")
        try:
            return self.builder(**kwargs)
        except TypeError as err:  # an unknown option name
            if "unexpected keyword" in str(err):
                import inspect

                allowed = [p for p in inspect.signature(self.builder).parameters if p != "seed"]
                raise InputError(
                    f"{err}. The options of {self.name!r} are: {', '.join(allowed) or 'none'}."
                ) from None
            raise

    def codebook(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(c.name, c.meaning, c.unit, c.range) for c in self.columns],
            columns=["column", "meaning", "unit", "range"],
        )


_REGISTRY: dict[str, Dataset] = {}
_DISCOVERED = False


def dataset(
    name: str,
    *,
    description: str,
    teaches: str,
    source: str,
    columns: list[Column] | tuple[Column, ...],
    default_seed: int | None = 2024,
):
    """Register a builder function under ``name`` (decorator)."""

    def register(func):
        if name in _REGISTRY and _REGISTRY[name].builder is not func:
            raise RuntimeError(f"dataset {name!r} is registered twice")
        _REGISTRY[name] = Dataset(name, func, description, teaches, source, tuple(columns), default_seed)
        return func

    return register


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    import kit.data as package

    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_") and info.name != "catalogue":
            importlib.import_module(f"kit.data.{info.name}")
    _DISCOVERED = True


def names() -> list[str]:
    """The registered dataset names, sorted."""
    _discover()
    return sorted(_REGISTRY)


def get(name: str) -> Dataset:
    """The :class:`Dataset` called ``name``; an unknown name lists the valid ones."""
    _discover()
    if name not in _REGISTRY:
        raise unknown_name("dataset", name, names())
    return _REGISTRY[name]


def checksum(frame: pd.DataFrame) -> str:
    """A SHA-256 of a table's CSV text: identical data gives the identical checksum everywhere."""
    text = frame.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
