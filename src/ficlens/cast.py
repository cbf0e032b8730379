"""``--cast CAST.tsv``: the characters a user already knows, handed to the character stage.

The file is UTF-8 TSV with the header ``name<TAB>aliases<TAB>gender``; aliases are joined
with ``|`` and may be empty; gender is ``female``, ``male``, ``nonbinary``, ``unknown`` or
empty. Lines that are blank or start with ``#`` are skipped. Example::

    name	aliases	gender
    Harry Potter	Harry|Potter|the Boy Who Lived	male
    Hermione Granger	Hermione|Granger	female
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ficlens.errors import InputError
from ficlens.model import Gender

CAST_COLUMNS = ("name", "aliases", "gender")
_MAX_CAST_BYTES = 5 * 1024 * 1024  # a cast list, not a book


@dataclass(frozen=True, slots=True)
class CastMember:
    name: str
    aliases: tuple[str, ...] = ()
    gender: Gender = Gender.UNKNOWN


def load_cast(path: str | Path) -> list[CastMember]:
    """Parse a cast TSV; a malformed file raises ``InputError`` naming the file and line."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(where, "cast file not found" if not path.exists() else "cast path is not a file")
    if path.stat().st_size > _MAX_CAST_BYTES:
        raise InputError(where, "cast file is larger than 5 MB")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(where, f"cast file is not UTF-8 (byte {err.start})") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError(where, "cast file is empty")
    header_line, header = lines[0][0], [h.strip().lower() for h in lines[0][1].split("\t")]
    if tuple(header[:3]) != CAST_COLUMNS:
        raise InputError(where, f"line {header_line}: header must be 'name<TAB>aliases<TAB>gender', got {'<TAB>'.join(header)!r}")
    members: list[CastMember] = []
    seen: set[str] = set()
    for n, line in lines[1:]:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) > len(header):
            raise InputError(where, f"line {n}: {len(cells)} columns, expected {len(header)}")
        cells += [""] * (3 - len(cells))
        name, aliases, gender = cells[:3]
        if not name:
            raise InputError(where, f"line {n}: empty name")
        if name.lower() in seen:
            raise InputError(where, f"line {n}: {name!r} is listed twice")
        seen.add(name.lower())
        try:
            g = Gender(gender.lower()) if gender else Gender.UNKNOWN
        except ValueError:
            choices = ", ".join(g.value for g in Gender)
            raise InputError(where, f"line {n}: gender {gender!r} is not one of {choices}") from None
        alias_list = tuple(dict.fromkeys(a.strip() for a in aliases.split("|") if a.strip() and a.strip() != name))
        members.append(CastMember(name, alias_list, g))
    return members
