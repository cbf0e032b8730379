"""A 50 MB file with no paragraph breaks: partial results, clearly marked, in bounded time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ficlens.cli import app

pytestmark = pytest.mark.slow


def test_fifty_megabyte_single_paragraph_gives_marked_partial_results(tmp_path: Path) -> None:
    story = tmp_path / "wall.txt"
    sentence = "She walks to the window and watches the rain for a while. "
    story.write_text(sentence * (50_000_000 // len(sentence)), encoding="utf-8")
    assert story.stat().st_size > 49_000_000
    config = tmp_path / "small.toml"
    config.write_text("[segment]\nmax_words = 5000\n", encoding="utf-8")
    out = tmp_path / "out"
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["analyze", str(story), "-o", str(out), "--config", str(config), "--quiet"])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 120
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["truncated_at"] is not None and analysis["truncated_at"] < 40_000
    assert any(w.startswith("partial analysis") for w in analysis["warnings"])
    assert "partial analysis" in (out / "report.html").read_text(encoding="utf-8")
    # story.txt is still the whole input: offsets stay valid for what was analysed.
    assert (out / "story.txt").stat().st_size == story.stat().st_size
