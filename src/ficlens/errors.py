"""Errors that reach the user as one line naming the file and the problem."""

from __future__ import annotations


class FiclensError(Exception):
    """Base class; ``cli.py`` prints ``str(err)`` and exits with ``exit_code``."""

    exit_code = 2


class InputError(FiclensError):
    """A story file that cannot be read: missing, empty, binary, too large, undecodable."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class PipelineError(FiclensError):
    """A stage is missing something an earlier stage should have assigned."""

    def __init__(self, stage: str, problem: str) -> None:
        super().__init__(f"stage {stage!r}: {problem}")
        self.stage = stage


class DatasetError(FiclensError):
    """An evaluation dataset directory that is missing, incomplete or in another layout."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
