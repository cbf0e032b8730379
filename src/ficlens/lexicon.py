"""Word and name tables, read from ``ficlens/data/lexicon/<name>.txt``.

Each table is a plain text file. Lines starting with ``#`` say what the table is for and
where its words come from; the other lines hold the words, separated by whitespace (a
table of multi-word entries puts one entry a line and says so with ``# one entry a line``).
Words are kept as written: a table of lower-case words is written in lower case.

A table is read once per process. An unknown table name is an error, not an empty set.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

_ONE_ENTRY_A_LINE = "# one entry a line"


@cache
def words(name: str) -> frozenset[str]:
    """The entries of table ``name`` (``data/lexicon/<name>.txt``)."""
    return frozenset(entries(name))


@cache
def entries(name: str) -> tuple[str, ...]:
    """The entries of table ``name`` in file order (for tables whose order matters)."""
    path = resources.files("ficlens") / "data" / "lexicon" / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(f"no word table {name!r} in ficlens/data/lexicon") from None
    return parse_table(text)


def parse_table(text: str) -> tuple[str, ...]:
    """The entries of a table file's text (``#`` lines are comments)."""
    lines = text.splitlines()
    per_line = any(line.strip().lower() == _ONE_ENTRY_A_LINE for line in lines)
    out: list[str] = []
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        if per_line:
            if line.strip():
                out.append(line.strip())
        else:
            out.extend(line.split())
    return tuple(out)
