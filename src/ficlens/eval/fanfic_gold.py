"""The fan-fiction gold set: its file format, and how its quotes are found again in a story.

The stories belong to their authors, so the gold (``gold/fanfic/*.json``) holds no story text:
each quote is its character offsets in the text ficlens reads from the file, and a hash of
the quote's non-space characters (quote marks and dashes folded to one form). When a reader
changes the text (whitespace, invisible characters, a fixed entity), the offsets move and the
hash finds the quote again near where it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ficlens.errors import DatasetError
from ficlens.eval.align import fold, nonspace

SCHEMA = 1
QUOTE_TYPES = ("explicit", "anaphoric", "implicit")
GENDERS = ("female", "male", "nonbinary", "unknown", "group")
NAMINGS = ("named", "late-named", "unnamed", "group")
PERSONS = ("first", "second", "third")
TENSES = ("past", "present")
HASH_CHARS = 16
SEARCH_WINDOW = 4000  # characters either side of a moved quote's old offset that are searched


def quote_hash(text: str) -> str:
    """The hash a gold quote keeps of its text: its non-space characters, marks folded."""
    return hashlib.sha256(fold(nonspace(text)[0]).encode("utf-8")).hexdigest()[:HASH_CHARS]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class GoldCharacter:
    name: str
    aliases: tuple[str, ...]
    gender: str
    naming: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class GoldQuote:
    start: int
    end: int
    hash: str
    size: int  # non-space characters of the quote's text (finds it again when offsets move)
    speaker: str | None  # a character name; None when the readers could not tell
    addressees: tuple[str, ...]
    type: str


@dataclass(frozen=True)
class GoldScene:
    start: int
    end: int
    pov: str | None  # a character name; None: no single point of view
    person: str
    tense: str


@dataclass
class GoldFile:
    """The gold of one story file (a work may span several files: chapter pages)."""

    id: str
    work: str
    file: str  # relative to the fan-fiction data folder
    file_sha256: str
    text_sha256: str
    characters: list[GoldCharacter]
    quotes: list[GoldQuote]
    scenes: list[GoldScene]
    not_characters: list[str] = field(default_factory=list)
    readings: int = 2
    disagreements: dict[str, int] = field(default_factory=dict)

    def character(self, name: str | None) -> GoldCharacter | None:
        return next((c for c in self.characters if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "id": self.id,
            "work": self.work,
            "file": self.file,
            "file_sha256": self.file_sha256,
            "text_sha256": self.text_sha256,
            "readings": self.readings,
            "disagreements": self.disagreements,
            "characters": [
                {"name": c.name, "aliases": list(c.aliases), "gender": c.gender, "naming": c.naming}
                for c in self.characters
            ],
            "not_characters": self.not_characters,
            "scenes": [
                {"start": s.start, "end": s.end, "pov": s.pov, "person": s.person, "tense": s.tense}
                for s in self.scenes
            ],
            "quotes": [
                {
                    "start": q.start,
                    "end": q.end,
                    "hash": q.hash,
                    "size": q.size,
                    "speaker": q.speaker,
                    "addressees": list(q.addressees),
                    "type": q.type,
                }
                for q in self.quotes
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<gold>") -> GoldFile:
        if data.get("schema") != SCHEMA:
            raise DatasetError(source, f"gold schema {data.get('schema')!r}, expected {SCHEMA}")
        try:
            gold = cls(
                id=data["id"],
                work=data["work"],
                file=data["file"],
                file_sha256=data["file_sha256"],
                text_sha256=data["text_sha256"],
                characters=[
                    GoldCharacter(c["name"], tuple(c["aliases"]), c["gender"], c["naming"])
                    for c in data["characters"]
                ],
                quotes=[
                    GoldQuote(q["start"], q["end"], q["hash"], q["size"], q["speaker"], tuple(q["addressees"]), q["type"])
                    for q in data["quotes"]
                ],
                scenes=[GoldScene(s["start"], s["end"], s["pov"], s["person"], s["tense"]) for s in data["scenes"]],
                not_characters=list(data.get("not_characters", [])),
                readings=int(data.get("readings", 2)),
                disagreements=dict(data.get("disagreements", {})),
            )
        except (KeyError, TypeError) as exc:
            raise DatasetError(source, f"malformed gold: {exc!r}") from None
        gold.validate(source)
        return gold

    def validate(self, source: str = "<gold>") -> None:
        """Every label from its closed set, every speaker, addressee and POV a listed character."""
        names = {c.name for c in self.characters}
        problems: list[str] = []
        for c in self.characters:
            if c.gender not in GENDERS:
                problems.append(f"character {c.name!r}: gender {c.gender!r}")
            if c.naming not in NAMINGS:
                problems.append(f"character {c.name!r}: naming {c.naming!r}")
        for q in self.quotes:
            if q.type not in QUOTE_TYPES:
                problems.append(f"quote at {q.start}: type {q.type!r}")
            for who in (q.speaker, *q.addressees):
                if who is not None and who not in names:
                    problems.append(f"quote at {q.start}: {who!r} is not a listed character")
        for s in self.scenes:
            if s.pov is not None and s.pov not in names:
                problems.append(f"scene at {s.start}: POV {s.pov!r} is not a listed character")
            if s.person not in PERSONS or s.tense not in TENSES:
                problems.append(f"scene at {s.start}: person/tense {s.person!r}/{s.tense!r}")
        if problems:
            raise DatasetError(source, "; ".join(problems[:5]) + (" ..." if len(problems) > 5 else ""))


def read_works_table(gold_dir: Path) -> dict[str, list[str]]:
    """``works.tsv``: work id -> its files (relative to the data folder), in reading order."""
    path = Path(gold_dir) / "works.tsv"
    if not path.is_file():
        raise DatasetError(str(gold_dir), "no works.tsv (the list of gold works and their files)")
    works: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        work, *files = line.split("\t")
        works[work.strip()] = [f.strip() for f in files if f.strip()]
    return works


def file_id(relpath: str) -> str:
    """``ao3/misfits1.html`` -> ``ao3-misfits1``: the gold file's name."""
    p = Path(relpath)
    return f"{p.parent.name}-{p.stem}" if p.parent.name else p.stem


def load_gold(gold_dir: Path) -> list[GoldFile]:
    """Every gold file named by ``works.tsv``, in its order; a listed file without gold is skipped."""
    gold_dir = Path(gold_dir)
    out: list[GoldFile] = []
    for work, files in read_works_table(gold_dir).items():
        for rel in files:
            path = gold_dir / f"{file_id(rel)}.json"
            if not path.is_file():
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise DatasetError(str(path), f"unreadable gold: {exc}") from None
            gold = GoldFile.from_dict(data, str(path))
            if gold.work != work or gold.file != rel:
                raise DatasetError(str(path), f"says work {gold.work!r} / file {gold.file!r}; works.tsv says {work!r} / {rel!r}")
            out.append(gold)
    return out


def locate(text: str, quote: GoldQuote) -> tuple[int, int] | None:
    """The quote's span in ``text`` (see ``find_span``)."""
    return find_span(text, quote.start, quote.end, quote.hash, quote.size)


def find_span(text: str, start: int, end: int, digest: str, size: int) -> tuple[int, int] | None:
    """A labelled span in ``text``: at its offsets when the hash still matches there, else the
    nearest span within ``SEARCH_WINDOW`` whose ``size`` non-space characters hash the same."""
    if end <= len(text) and quote_hash(text[start:end]) == digest:
        return start, end
    lo = max(0, start - SEARCH_WINDOW)
    hi = min(len(text), end + SEARCH_WINDOW)
    stream, pos = nonspace(text[lo:hi])
    best: tuple[int, int] | None = None
    for i in range(0, len(stream) - size + 1):
        if quote_hash(stream[i : i + size]) == digest:
            span = (lo + pos[i], lo + pos[i + size - 1] + 1)
            if best is None or abs(span[0] - start) < abs(best[0] - start):
                best = span
    return best
