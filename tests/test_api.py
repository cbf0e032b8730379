"""ficlens.analyze: a path, a path as a string, or the story text itself."""

from __future__ import annotations

from pathlib import Path

import pytest

import ficlens
from ficlens.errors import InputError

pytestmark = pytest.mark.slow

STORY = '"Wait," said Anna. "You came back?"\n\nTom nodded. "I did."\n'


def test_text_path_and_string_path_give_the_same_document(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    from_text = ficlens.analyze(STORY)
    from_path = ficlens.analyze(path)
    from_string = ficlens.analyze(str(path))
    assert from_path.text == from_text.text == from_string.text == STORY
    assert [q.text for q in from_path.quotes] == [q.text for q in from_text.quotes] == ["Wait,", "You came back?", "I did."]
    assert from_path.source == str(path) and from_text.source == "<string>"


def test_a_missing_story_path_is_an_error_not_text(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ficlens.analyze(str(tmp_path / "missing.txt"))


def test_the_pipeline_is_reused() -> None:
    from ficlens.api import get_pipeline

    assert get_pipeline() is get_pipeline()
