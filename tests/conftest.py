"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def nlp():
    from ficlens.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip: evaluation data is not in the repo."""
    if not (SHARED_DATA / "pdnc").is_dir() or not (SHARED_DATA / "litbank").is_dir():
        pytest.skip(f"evaluation data not found at {SHARED_DATA} (PDNC and LitBank live in ../shared/data)")
    return SHARED_DATA
