"""kit.data.search_exports: the shipped seed 004 export and the synthetic export with known duplicates."""

from __future__ import annotations

import hashlib
from importlib.resources import files

import pytest

import kit.data
from kit.data.search_exports import COPY_KINDS, TWIN_KINDS
from kit.errors import InputError


def test_shipped_file_is_the_seed_export_unchanged():
    raw = (files("kit.data") / "files" / "seed004_search_export.txt").read_bytes()
    # SHA-256 of /work/shared/seeds/004_ea4c6a56928596f0.txt as delivered (34 lines, 4,195 bytes).
    assert len(raw) == 4195 and raw.count(b"\n") == 33
    assert hashlib.sha256(raw).hexdigest() == "195fbba3ff510a3b18e6b59860e68e6d1955ed9ec63416149c92097d4f7d8665"


def test_seed_export_checksum():
    frame = kit.data.load("review_seed_export")
    assert kit.data.checksum(frame) == "7541938f8ac67d90f0cbca33f31e57e1e7f7d4a350dd748d66b48219fb2aa890"
    with pytest.raises(InputError, match="takes no seed"):
        kit.data.load("review_seed_export", seed=1)


def test_synthetic_export_checksum_and_truth():
    frame = kit.data.load("review_synthetic_export")
    assert kit.data.checksum(frame) == "f32c9336fd84f1406defab33863391a82c4027d98a8147b455c9931e33c391e6"
    assert len(frame) == 2000 and frame.attrs == {"true_studies": 1282, "true_duplicate_pairs": 1008}
    assert set(frame["variant"]) == {"original", *COPY_KINDS, *TWIN_KINDS}
    sizes = frame["true_group"].value_counts()
    assert sizes.max() <= 4 and (sizes > 1).sum() > 300
    assert frame["record_id"].is_unique and frame.columns[:9].tolist() == kit.data.codebook(
        "review_synthetic_export")["column"].tolist()[:9]


def test_synthetic_export_is_seeded():
    a = kit.data.load("review_synthetic_export", seed=7, n=500)
    assert kit.data.checksum(a) == "a11f7a0f0df68fd8afaac13beae1542894ff5c9e032cb81947f8c02c9acf114a"
    assert kit.data.checksum(a) != kit.data.checksum(kit.data.load("review_synthetic_export", seed=8, n=500))
    with pytest.raises(InputError, match="at least 10"):
        kit.data.load("review_synthetic_export", n=3)
