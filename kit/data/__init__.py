"""Datasets for the notebooks and apps: seeded, deterministic builders, each with a codebook.

>>> import kit.data
>>> "schools_panel" in kit.data.list_datasets()["name"].tolist()
True
>>> schools = kit.data.load("schools_panel", n_schools=50, years=(2019, 2020))
>>> schools.shape
(100, 12)
>>> kit.data.codebook("schools_panel").columns.tolist()
['column', 'meaning', 'unit', 'range']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kit.data.catalogue import Column, checksum, dataset, get, names

__all__ = ["load", "list_datasets", "codebook", "describe", "export", "checksum", "Column", "dataset"]


def load(name: str, seed: int | None = None, **options) -> pd.DataFrame:
    """Build the dataset ``name`` (same seed and options, same table on every machine).

    >>> load("schools_panel", n_schools=10, years=(2019,)).shape[0]
    10
    """
    return get(name).build(seed=seed, **options)


def list_datasets() -> pd.DataFrame:
    """One row per dataset: name, description, what it teaches, source."""
    rows = [(d.name, d.description, d.teaches, d.source) for d in map(get, names())]
    return pd.DataFrame(rows, columns=["name", "description", "teaches", "source"])


def codebook(name: str) -> pd.DataFrame:
    """The codebook of ``name``: one row per column with its meaning, unit and range."""
    return get(name).codebook()


def describe(name: str) -> str:
    """A plain-text description of a dataset and its codebook, as `kit data describe` prints it."""
    d = get(name)
    book = d.codebook()
    lines = [d.name, "=" * len(d.name), d.description, "", f"Teaches: {d.teaches}", f"Source: {d.source}", ""]
    width = max(len(c) for c in book["column"])
    for row in book.itertuples(index=False):
        unit = f" [{row.unit}]" if row.unit else ""
        rng = f" range {row.range}" if row.range else ""
        lines.append(f"  {row.column:<{width}}  {row.meaning}{unit}{rng}")
    return "\n".join(lines)


def export(name: str, out: str | Path, seed: int | None = None, **options) -> Path:
    """Write the dataset to ``out`` and return the path; the ending chooses the format.

    ``.csv``, ``.xlsx``, ``.json``, ``.parquet``, and ``.sav`` (SPSS, JASP, jamovi) or ``.dta``
    (Stata) with the codebook's meanings as variable labels (:mod:`kit.data.formats`).

    >>> import tempfile, pathlib
    >>> export("nlc_schools", pathlib.Path(tempfile.mkdtemp()) / "nlc.dta").suffix
    '.dta'
    """
    from kit.data.formats import write_table

    frame = load(name, seed=seed, **options)
    book = get(name).codebook()
    labels = {row.column: f"{row.meaning} [{row.unit}]" if row.unit else row.meaning for row in book.itertuples()}
    return write_table(frame, out, labels)
