"""Time (and, for segment and quotes, memory) linear in the input for the hostile shapes of issue 25 (unbalanced quote marks, tens
of thousands of headings, runs of punctuation, deep nesting): the time of 4n against n, with
spaCy's tokenizer and a rule-based sentencizer in place of the statistical model, so the test
measures ficlens's own work (readers, segment, quotes) in a fraction of a second."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
import spacy

from ficlens.ingest import read_document
from ficlens.model import Document
from ficlens.stages.quotes import QuoteConfig, QuoteStage
from ficlens.stages.segment import SegmentConfig, SegmentStage
from hostile import cases_inputs

# Linear gives 4; quadratic 16. The slack absorbs a shared machine's noise.
MAX_RATIO = 8.0


@pytest.fixture(scope="module")
def stages() -> tuple[SegmentStage, QuoteStage]:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return SegmentStage(SegmentConfig(), nlp), QuoteStage(QuoteConfig())


def _seconds(make: Callable[[], bytes], stages: tuple[SegmentStage, QuoteStage]) -> float:
    text = make().decode("utf-8")
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        doc = Document(text=text)
        for stage in stages:
            doc = stage(doc)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("unbalanced-quotes", cases_inputs.unbalanced_quotes),  # one paragraph, a mark every 13 characters
        ("chapter-headings", lambda n: cases_inputs.chapter_headings(n // 20)),  # a chapter every 20 characters
        ("quote-marks", cases_inputs.quote_marks),  # one run of punctuation
        ("long-token", cases_inputs.long_token),  # one word
    ],
)
def test_segment_and_quotes_are_linear(name: str, make: Callable[[int], bytes], stages) -> None:
    small = _seconds(lambda: make(10_000), stages)
    large = _seconds(lambda: make(40_000), stages)
    assert large <= MAX_RATIO * max(small, 0.01), f"{name}: {small:.3f}s for n, {large:.3f}s for 4n"


def _peak_bytes(make: Callable[[], bytes], stages: tuple[SegmentStage, QuoteStage]) -> int:
    """Peak Python allocation while segment and quotes run over the input."""
    text = make().decode("utf-8")
    tracemalloc.start()
    try:
        doc = Document(text=text)
        for stage in stages:
            doc = stage(doc)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("unbalanced-quotes", cases_inputs.unbalanced_quotes),
        ("chapter-headings", lambda n: cases_inputs.chapter_headings(n // 20)),
        ("quote-marks", cases_inputs.quote_marks),
        ("long-token", cases_inputs.long_token),
    ],
)
def test_segment_and_quotes_memory_is_linear(name: str, make: Callable[[int], bytes], stages) -> None:
    # Memory bounded by the input (issue 25): 4n may take about 4 times what n takes, never 16.
    small = _peak_bytes(lambda: make(10_000), stages)
    large = _peak_bytes(lambda: make(40_000), stages)
    assert large <= MAX_RATIO * small, f"{name}: peak {small:,} bytes for n, {large:,} for 4n"


def _deep_html(depth: int) -> bytes:
    return b"<html><body><p>She ran home.</p>" + b"<div><span>" * (depth // 2) + b"deep" + b"</span></div>" * (depth // 2) + b"</body></html>"


def _read_seconds(path: Path, data: bytes) -> float:
    path.write_bytes(data)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        read_document(path)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    ("name", "make", "suffix"),
    [
        ("html-entities", lambda n: cases_inputs.html_entities(n * 10), ".html"),
        ("html-nesting", _deep_html, ".html"),  # past lxml's depth limit at 4n: the rest is dropped, with a warning
        ("nested-quotes", cases_inputs.nested_quotes, ".txt"),
        ("markdown-gt", partial(cases_inputs.markdown_run, ">"), ".md"),
        ("markdown-brackets", partial(cases_inputs.markdown_run, "["), ".md"),
    ],
)
def test_readers_are_linear(name: str, make: Callable[[int], bytes], suffix: str, tmp_path: Path) -> None:
    small = _read_seconds(tmp_path / f"small{suffix}", make(5_000))
    large = _read_seconds(tmp_path / f"large{suffix}", make(20_000))
    assert large <= MAX_RATIO * max(small, 0.01), f"{name}: {small:.3f}s for n, {large:.3f}s for 4n"
