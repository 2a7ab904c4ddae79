"""Write a dataset in the formats education researchers open: CSV, Excel, JSON, Parquet, SPSS and Stata.

SPSS ``.sav`` (also read by JASP, jamovi and PSPP) and Stata ``.dta`` files carry the codebook: each
column's meaning (and unit) as its variable label, and True/False columns as 1/0 with the value
labels "Yes"/"No", so the file explains itself in those programs. They are written with pyreadstat
(ReadStat, the library R's haven uses).

>>> import tempfile, pathlib, pandas as pd
>>> frame = pd.DataFrame({"school_id": ["S1", "S2"], "programme": [True, False], "score": [51.5, 48.0]})
>>> book = {"school_id": "School ID", "programme": "In the programme", "score": "Mean score [points]"}
>>> path = write_table(frame, pathlib.Path(tempfile.mkdtemp()) / "schools.sav", book)
>>> import pyreadstat
>>> data, meta = pyreadstat.read_sav(path)
>>> data["programme"].tolist(), meta.column_labels[1], meta.variable_value_labels["programme"]
([1.0, 0.0], 'In the programme', {0.0: 'No', 1.0: 'Yes'})
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kit.errors import InputError

__all__ = ["FORMATS", "write_table"]

FORMATS = {".csv": "CSV (any spreadsheet)", ".xlsx": "Excel", ".json": "JSON", ".parquet": "Parquet",
           ".sav": "SPSS, JASP, jamovi, PSPP", ".dta": "Stata"}
_LABEL_LIMIT = {".sav": 256, ".dta": 80}  # longest variable label each format keeps
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")  # a name both SPSS and Stata accept


def _labelled(frame: pd.DataFrame, labels: dict[str, str], suffix: str):
    """The frame as SPSS/Stata want it (booleans as 1/0, text as plain str), its variable and value labels."""
    bad = [str(c) for c in frame.columns if not _NAME.match(str(c))]
    if bad:
        raise InputError(f"{suffix} files need column names of at most 32 letters, digits and _ starting with a "
                         f"letter; rename {bad[0]!r} (e.g. frame.rename(columns={{{bad[0]!r}: 'new_name'}})) or "
                         "write a .csv file instead.")
    out, value_labels = {}, {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.astype("Int64").astype(float)
            value_labels[column] = {0: "No", 1: "Yes"}
        elif pd.api.types.is_string_dtype(values) or values.dtype == object:
            out[column] = values.astype(object).where(values.notna(), None)
        else:
            out[column] = values
    limit = _LABEL_LIMIT[suffix]
    names = [str(c) for c in frame.columns]
    column_labels = [str(labels.get(c, ""))[:limit] for c in names]
    return pd.DataFrame(out, index=frame.index), column_labels, value_labels


def write_table(frame: pd.DataFrame, out: str | Path, labels: dict[str, str] | None = None) -> Path:
    """Write ``frame`` to ``out``; the file name's ending chooses the format (:data:`FORMATS`).

    ``labels`` (column -> words) become variable labels in .sav and .dta files.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        listed = ", ".join(f"{s} ({what})" for s, what in FORMATS.items())
        raise InputError(f"Cannot write {out.name!r}: the file name should end in one of {listed}.")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(out, index=False)
    elif suffix == ".xlsx":
        frame.to_excel(out, index=False)
    elif suffix == ".json":
        frame.to_json(out, orient="records", force_ascii=False)
    elif suffix == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        import pyreadstat

        data, column_labels, value_labels = _labelled(frame.reset_index(drop=True), labels or {}, suffix)
        write = pyreadstat.write_sav if suffix == ".sav" else pyreadstat.write_dta
        write(data, str(out), column_labels=column_labels, variable_value_labels=value_labels)
    return out
