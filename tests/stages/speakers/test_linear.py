"""The speakers stage stays linear in a paragraph of thousands of touching quotes (issue 25):
walks over runs of quotes used to restart at every quote."""

from __future__ import annotations

import time

import pytest

from ficlens.api import get_pipeline
from ficlens.ingest import read_text_document

pytestmark = pytest.mark.slow

AFTER_SPEAKERS = ("speakers", "quote_pronouns", "narration", "signals", "network")


def _speakers_seconds(n: int) -> float:
    # One paragraph of short quotes that touch: '"Ah" "no" "Ah" "no" ...' (CC0, made up).
    text = "Mara said " + " ".join('"Ah" "no"' for _ in range(n)) + "\n"
    pipeline = get_pipeline()
    doc = pipeline.select([s for s in pipeline.names if s not in AFTER_SPEAKERS])(read_text_document(text))
    started = time.perf_counter()
    pipeline.select(["speakers"])(doc)
    return time.perf_counter() - started


def test_touching_quotes_cost_the_speakers_stage_linear_time() -> None:
    _speakers_seconds(50)  # warm up
    small, large = _speakers_seconds(400), _speakers_seconds(1600)
    # Four times the quotes: linear is about 4x, the old quadratic walk 16x.
    assert large < 9 * small + 0.05, (small, large)
