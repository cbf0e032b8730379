"""Writing one file safely: a temp file next to the target, then ``os.replace``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO


def atomic_write(path: str | Path, write: Callable[[IO[str]], None]) -> Path:
    """Call ``write(f)`` on a UTF-8 text file (no newline translation), then move it into place.

    A failure inside ``write`` leaves neither a partial file nor the temp file behind.
    """
    path = Path(path)
    # Not mkstemp: its 0600 mode would stick to the final file; "x" refuses to clobber.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
