"""Sizes as a user writes them (``--max-size 50MB``), for ``ficlens analyze`` and ``ficlens corpus run``
alike: a module of its own so that neither command's module imports the other's."""

from __future__ import annotations

import re

# The largest --max-size: what one process can analyse in bounded memory (docs/reliability.md).
MAX_MAX_BYTES = 200 * 1024**2
_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "KIB": 1024, "M": 1024**2, "MB": 1024**2, "MIB": 1024**2,
          "G": 1024**3, "GB": 1024**3, "GIB": 1024**3}  # fmt: skip


def parse_size(value: str) -> int:
    """``50MB`` -> bytes (1 MB = 1024 KB, as the reader's limit); a bare number is bytes."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", value)
    if not m or m.group(2).upper() not in _UNITS:
        raise ValueError(f"--max-size: {value!r} is not a size like 50MB, 800KB or 1000000")
    size = float(m.group(1)) * _UNITS[m.group(2).upper()]
    if size < 1:
        raise ValueError("--max-size must be more than 0")
    if size > MAX_MAX_BYTES:
        raise ValueError(f"--max-size: {value!r} is too large (at most {MAX_MAX_BYTES // 1024**2}MB)")
    return int(size)
