"""The hostile-input catalogue: each case builds its input in a temporary folder and says
what ficlens must answer. Tests run the small cases; bench/reliability.py runs them all and
writes docs/reliability.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str  # short id, unique in the catalogue
    build: Callable[[Path], list[str]]  # makes the input under the folder; returns ficlens argv
    expect_exit: int  # 0 (a result) or 2 (a one-line error)
    message: str = ""  # regex the one-line error must match (exit 2)
    words: int = 0  # words of story text the input holds (for the time bound)
    large: bool = False  # big generated input: bench/reliability.py only, not the test run
