"""Markdown: text unchanged, headings and breaks as hints, YAML front matter as metadata."""

from __future__ import annotations

import pytest

from ficlens.errors import InputError
from ficlens.ingest.markdown import MarkdownReader
from ficlens.model import HintKind

MD = """---
title: "Salt and Iron"
author: [Rook Alder, Fen]
tags:
  - found family
  - road trip
rating: Teen
---

# Chapter One

Rook *hated* the road, but **Fen** loved it.

* * *

They stopped for the night.

Chapter Two
===========

Morning came.

---

#

The end was quiet.
"""


def spans(doc, kind):
    return [(doc.text[h.start : h.end], h.text) for h in doc.hints if h.kind == kind]


def test_text_is_unchanged() -> None:
    doc = MarkdownReader().read_string(MD)
    assert doc.text == MD
    assert doc.format == "markdown"


def test_front_matter_to_metadata() -> None:
    doc = MarkdownReader().read_string(MD)
    assert doc.metadata["title"] == "Salt and Iron"
    assert doc.metadata["authors"] == ["Rook Alder", "Fen"]
    assert doc.metadata["additional_tags"] == ["found family", "road trip"]
    assert doc.metadata["rating"] == "Teen"
    assert doc.text[doc.metadata["front_matter_end"] :].startswith("# Chapter One")


def test_headings_atx_and_setext() -> None:
    doc = MarkdownReader().read_string(MD)
    assert spans(doc, HintKind.HEADING) == [
        ("# Chapter One", "Chapter One"),
        ("Chapter Two\n===========", "Chapter Two"),
    ]


def test_scene_breaks() -> None:
    doc = MarkdownReader().read_string(MD)
    # "* * *", "---" and an empty "#" heading
    assert [s for s, _ in spans(doc, HintKind.SCENE_BREAK)] == ["* * *", "---", "#"]


def test_hints_are_sorted_and_inside_text() -> None:
    doc = MarkdownReader().read_string(MD)
    starts = [h.start for h in doc.hints]
    assert starts == sorted(starts)
    assert all(0 <= h.start < h.end <= len(doc.text) for h in doc.hints)


@pytest.mark.parametrize(
    ("text", "breaks"),
    [
        ("One.\n\n~~~\n\nTwo.\n", ["~~~"]),  # tildes are a scene break, not a code fence
        ("One.\n\noOo\n\nTwo.\n", ["oOo"]),  # ornament paragraph
        ("A long line of prose that ends here.\n---\n\nTwo.\n", ["---"]),  # prose over ---
        ("```\n# not a heading\n```\n\nTwo.\n", []),  # code fences hide headings
    ],
)
def test_break_variants(text: str, breaks: list[str]) -> None:
    doc = MarkdownReader().read_string(text)
    assert [s for s, _ in spans(doc, HintKind.SCENE_BREAK)] == breaks
    assert doc.text == text
    if "not a heading" in text:
        assert spans(doc, HintKind.HEADING) == []


def test_title_heading_and_byline_without_yaml() -> None:
    text = "# Salt and Iron\n\nby Rook Alder\n\nThe road was long.\n"
    doc = MarkdownReader().read_string(text)
    assert doc.metadata["title"] == "Salt and Iron"
    assert doc.metadata["authors"] == ["Rook Alder"]
    assert text[doc.metadata["front_matter_end"] :] == "The road was long.\n"


def test_crlf_offsets() -> None:
    text = "# One\r\n\r\nText.\r\n\r\n***\r\n\r\nMore.\r\n"
    doc = MarkdownReader().read_string(text)
    assert [text[h.start : h.end] for h in doc.hints] == ["# One", "***"]


def test_empty_markdown_is_an_error() -> None:
    with pytest.raises(InputError):
        MarkdownReader().read_string("  \n")
