"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

import re
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


def _straight_quotes(text: str) -> list:
    from ficlens.model import Quote

    return [
        Quote(id=f"Q{i}", start=m.start(1), end=m.end(1), text=m.group(1), paragraph=0, mark="double")
        for i, m in enumerate(re.finditer(r'"([^"]*)"', text))
    ]


@pytest.fixture(scope="session")
def straight_quotes():
    """Quotes from straight double quote marks only: stage tests that must not depend on the quotes stage."""
    return _straight_quotes
