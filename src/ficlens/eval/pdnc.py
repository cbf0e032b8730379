"""Loader for PDNC (Project Dialogism Novel Corpus), exactly as ../shared/data/README.md documents it.

Layout: ``<root>/PDNC-Novel-Index.csv`` plus ``<root>/data/<Folder>/{novel_text.txt,
quotation_info.csv, character_info.csv}``. Quote spans are ``[start, end)`` offsets into
``novel_text.txt`` with the quote marks excluded; list columns are Python literals
(``ast.literal_eval``), aliases are a set or a list literal and include the main name.

    >>> novel = load_novel(Path("../shared/data/pdnc/data/Emma"))   # doctest: +SKIP
    >>> novel.quotes[36].speaker_id, novel.quotes[36].spans
    (13, ((26276, 26329),))
"""

from __future__ import annotations

import ast
import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ficlens.errors import DatasetError

NOVEL_INDEX = "PDNC-Novel-Index.csv"
QUOTE_COLUMNS = (
    "quoteID",
    "quoteText",
    "subQuotationList",
    "quoteByteSpans",
    "speaker",
    "addressees",
    "quoteType",
    "referringExpression",
)
CHARACTER_COLUMNS = ("Character ID", "Main Name", "Aliases", "Gender", "Category")
QUOTE_TYPES = ("explicit", "anaphoric", "implicit")
NARRATOR = "_narr"  # PDNC's name for the first-person narrator


@dataclass(frozen=True)
class GoldCharacter:
    id: int
    name: str  # Main Name
    aliases: frozenset[str]  # always includes the main name
    gender: str  # M, F, U, X as in the CSV
    category: str  # major, intermediate, minor


@dataclass(frozen=True)
class GoldQuote:
    id: str  # "Q0", ...
    text: str
    spans: tuple[tuple[int, int], ...]  # one [start, end) per sub-quotation, marks excluded
    speaker: str  # the name as written in the CSV
    speaker_id: int | None  # resolved against character_info.csv
    addressees: tuple[str, ...]
    addressee_ids: frozenset[int]
    quote_type: str | None  # explicit / anaphoric / implicit; None for the 13 `nan` rows
    referring_expression: str


@dataclass
class PdncNovel:
    folder: str
    title: str
    text_path: Path
    characters: list[GoldCharacter]
    quotes: list[GoldQuote]
    unresolved_names: list[str] = field(default_factory=list)  # names no character matched

    @property
    def text(self) -> str:
        return self.text_path.read_text(encoding="utf-8")

    def quote_counts(self) -> Counter[int]:
        """Gold quotes per character id (for the 'characters with >= 5 quotes' recall)."""
        return Counter(q.speaker_id for q in self.quotes if q.speaker_id is not None)


def list_novels(root: Path) -> list[str]:
    """Folder names of the novels, in the order of PDNC-Novel-Index.csv."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(str(root), "PDNC directory not found (expected PDNC-Novel-Index.csv and data/<Folder>/)")
    index = root / NOVEL_INDEX
    if not index.is_file():
        raise DatasetError(str(index), "missing; this does not look like the PDNC layout")
    rows = _read_csv(index, ("Novel Title", "Folder Name"))
    folders = [r["Folder Name"] for r in rows if r["Folder Name"]]
    if not folders:
        raise DatasetError(str(index), "lists no novels")
    return folders


def load_pdnc(root: Path, novels: list[str] | None = None) -> list[PdncNovel]:
    """Every novel in the index (or the named folders), fully loaded."""
    from ficlens.eval.splits import pick

    root = Path(root)
    folders = pick("pdnc", root, list_novels(root), novels)
    titles = {r["Folder Name"]: r["Novel Title"] for r in _read_csv(root / NOVEL_INDEX, ("Novel Title", "Folder Name"))}
    return [load_novel(root / "data" / f, title=titles.get(f, f)) for f in folders]


def load_novel(folder: Path, title: str | None = None) -> PdncNovel:
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(str(folder), "novel folder not found")
    text_path = folder / "novel_text.txt"
    if not text_path.is_file():
        raise DatasetError(str(text_path), "missing (every PDNC novel folder has novel_text.txt)")
    characters = load_characters(folder / "character_info.csv")
    resolver = NameResolver(characters)
    quotes = load_quotes(folder / "quotation_info.csv", resolver)
    text_len = len(text_path.read_text(encoding="utf-8"))
    for q in quotes:
        for s, e in q.spans:
            if not 0 <= s <= e <= text_len:
                raise DatasetError(str(folder / "quotation_info.csv"), f"{q.id}: span [{s}, {e}) outside novel_text.txt")
    return PdncNovel(
        folder=folder.name,
        title=title or folder.name,
        text_path=text_path,
        characters=characters,
        quotes=quotes,
        unresolved_names=sorted(resolver.unresolved),
    )


def load_characters(path: Path) -> list[GoldCharacter]:
    rows = _read_csv(path, CHARACTER_COLUMNS)
    out: list[GoldCharacter] = []
    for n, row in enumerate(rows, start=2):
        try:
            cid = int(row["Character ID"])
            aliases = _literal(row["Aliases"])
        except (ValueError, SyntaxError) as err:
            raise DatasetError(str(path), f"line {n}: cannot parse ({err})") from None
        if not isinstance(aliases, set | list | tuple):
            raise DatasetError(str(path), f"line {n}: Aliases is not a set or list literal")
        name = row["Main Name"].strip()
        out.append(
            GoldCharacter(
                id=cid,
                name=name,
                aliases=frozenset({str(a).strip() for a in aliases} | {name}),
                gender=row["Gender"].strip(),
                category=row["Category"].strip(),
            )
        )
    return out


def load_quotes(path: Path, resolver: NameResolver) -> list[GoldQuote]:
    rows = _read_csv(path, QUOTE_COLUMNS)
    out: list[GoldQuote] = []
    for n, row in enumerate(rows, start=2):
        try:
            spans = tuple((int(s), int(e)) for s, e in _literal(row["quoteByteSpans"]))
            addressees = tuple(str(a) for a in _literal(row["addressees"]))
        except (ValueError, SyntaxError, TypeError) as err:
            raise DatasetError(str(path), f"record {n}: cannot parse spans/addressees ({err})") from None
        qtype = row["quoteType"].strip().lower()
        speaker = row["speaker"].strip()
        ref = row["referringExpression"]
        out.append(
            GoldQuote(
                id=row["quoteID"],
                text=row["quoteText"],
                spans=spans,
                speaker=speaker,
                speaker_id=resolver.resolve(speaker),
                addressees=addressees,
                addressee_ids=frozenset(i for i in (resolver.resolve(a) for a in addressees) if i is not None),
                quote_type=qtype if qtype in QUOTE_TYPES else None,
                referring_expression="" if ref.strip() == "nan" else ref,
            )
        )
    return out


class NameResolver:
    """Name -> character id. Main names win over aliases; an alias two characters share
    goes to the one that has it as main name, else the lowest id (deterministic)."""

    def __init__(self, characters: list[GoldCharacter]) -> None:
        self.by_main = {c.name: c.id for c in characters}
        self.by_alias: dict[str, int] = {}
        for c in sorted(characters, key=lambda c: c.id):
            for a in c.aliases:
                self.by_alias.setdefault(a, c.id)
        self.unresolved: set[str] = set()

    def resolve(self, name: str) -> int | None:
        name = name.strip()
        if name in self.by_main:
            return self.by_main[name]
        if name in self.by_alias:
            return self.by_alias[name]
        if name:
            self.unresolved.add(name)
        return None


def _literal(value: str) -> object:
    value = value.strip()
    if value in ("", "nan"):
        return []
    return ast.literal_eval(value)


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise DatasetError(str(path), "missing")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise DatasetError(str(path), f"header lacks column(s) {missing} (found {header})")
        try:
            return list(reader)
        except csv.Error as err:
            raise DatasetError(str(path), f"malformed CSV ({err})") from None
