"""Errors that reach the user as one line naming the file and the problem."""

from __future__ import annotations

import errno
import os


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


class OutputError(InputError):
    """An output path that cannot be written: unwritable, full, blocked by a file, a dangling link.

    A kind of InputError: like a bad story file, it is a path the user gave that will not do.
    """

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)


# Where a crash inside ficlens should go; the coordinator keeps this in step with the README.
REPORT_TO = "the ficlens issue tracker"
DEBUG_ENV = "FICLENS_DEBUG"

# OSErrors a user (their disk, their permissions, their paths) causes rather than a bug.
_USER_ERRNOS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.ENOENT: "no such file or directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.EISDIR: "is a directory",
    errno.EEXIST: "already exists",
    errno.ENAMETOOLONG: "file name too long",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EMFILE: "too many open files",
    errno.EFBIG: "file too large",
    errno.EIO: "input/output error",
    errno.ENXIO: "no such device",
    errno.EXDEV: "on another file system",
    errno.ENOTEMPTY: "directory not empty",
}


def is_user_os_error(err: BaseException) -> bool:
    """An OSError the user's machine caused (full disk, no permission), not a ficlens bug."""
    return isinstance(err, OSError) and err.errno in _USER_ERRNOS


def os_problem(err: OSError) -> str:
    """``no space left on device`` for an ENOSPC, else the system's own words."""
    return _USER_ERRNOS.get(err.errno or 0) or (err.strerror or type(err).__name__).lower()


def output_error(path: str | os.PathLike[str], err: OSError) -> OutputError:
    """An OSError met while writing under ``path``, as one line naming it."""
    where = err.filename if err.filename and err.errno not in (errno.ENOSPC, errno.EDQUOT) else path
    return OutputError(os.fspath(where), f"cannot write: {os_problem(err)}")


def one_line(message: str) -> str:
    """A message safe to print on one line: undecodable file-name bytes as ``\\xff``, no newlines."""
    # File names with undecodable bytes reach Python as lone surrogates (PEP 383); printing them
    # raw raises UnicodeEncodeError, so show the original bytes escaped instead.
    raw = message.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "backslashreplace")
    return text.replace("\r", "\\r").replace("\n", "\\n")
