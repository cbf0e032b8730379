"""Loader for LitBank, exactly as ../shared/data/README.md documents it.

Every work is a tokenized excerpt (``*_brat.txt``: one sentence per line, tokens split by
single spaces). We analyse that text as is, so every gold annotation is turned into
``[start, end)`` character offsets into it:

- entities: ``entities/brat/<stem>_brat.ann`` (brat standoff, character offsets);
- coreference: ``coref/tsv/<stem>_brat.ann`` (MENTION rows with token indices, end token
  inclusive; COREF rows give the chain label). We use the tsv layout, not coref/brat, because
  it carries mention type and chain in one place and its labels are the speaker ids of the
  quotation layer. MENTION rows without a COREF row (copula predicates such as "a woman of
  mean understanding") are kept with ``chain=None`` and left out of coreference scoring;
- quotations: ``quotations/tsv/<stem>_brat.ann`` (QUOTE rows include the quote marks; we also
  give the span inside the marks, which is what ``Quote.start/end`` mean in ficlens).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ficlens.errors import DatasetError

LAYERS = ("entities/brat", "coref/tsv", "quotations/tsv")
QUOTE_MARKS = frozenset("\"'“”‘’«»")


@dataclass(frozen=True)
class GoldEntity:
    start: int
    end: int
    label: str  # PER, FAC, GPE, LOC, VEH, ORG
    text: str
    mention_type: str | None  # PROP/NOM/PRON from the coref layer when a coref mention has this span


@dataclass(frozen=True)
class GoldMention:
    id: str  # T<n>
    start: int
    end: int
    text: str
    entity_type: str
    mention_type: str  # PROP, NOM, PRON
    chain: str | None  # coreference entity label, e.g. "Mrs_Bennet-7"


@dataclass(frozen=True)
class GoldLitQuote:
    id: str
    outer_start: int  # includes the quote marks, as annotated
    outer_end: int
    start: int  # inside the marks
    end: int
    speaker: str | None  # chain label of the speaker


@dataclass
class LitBankWork:
    stem: str  # e.g. 1342_pride_and_prejudice
    text: str
    entities: list[GoldEntity]
    mentions: list[GoldMention]
    quotes: list[GoldLitQuote]

    def chains(self, entity_type: str | None = "PER") -> dict[str, list[GoldMention]]:
        """Coreference chains (label -> mentions), restricted to one entity type."""
        out: dict[str, list[GoldMention]] = {}
        for m in self.mentions:
            if m.chain is None or (entity_type and m.entity_type != entity_type):
                continue
            out.setdefault(m.chain, []).append(m)
        return out


def list_works(root: Path) -> list[str]:
    """Stems present in every layer we read, sorted."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(str(root), "LitBank directory not found (expected entities/, coref/, quotations/)")
    per_layer = []
    for layer in LAYERS:
        d = root / layer
        if not d.is_dir():
            raise DatasetError(str(d), "missing; this does not look like the LitBank layout")
        per_layer.append({p.name[: -len("_brat.ann")] for p in d.glob("*_brat.ann")})
    stems = set.intersection(*per_layer)
    union = set.union(*per_layer)
    if not stems:
        raise DatasetError(str(root), "no *_brat.ann files found in " + ", ".join(LAYERS))
    if stems != union:
        lacking = sorted(union - stems)[:3]
        raise DatasetError(str(root), f"incomplete: {lacking} lack a file in some of {', '.join(LAYERS)}")
    return sorted(stems)


def load_litbank(root: Path, works: list[str] | None = None) -> list[LitBankWork]:
    root = Path(root)
    stems = list_works(root)
    if works:
        unknown = [w for w in works if w not in stems]
        if unknown:
            raise DatasetError(str(root), f"unknown work(s) {unknown}")
        stems = [s for s in stems if s in works]
    return [load_work(root, s) for s in stems]


def load_work(root: Path, stem: str) -> LitBankWork:
    root = Path(root)
    text_path = root / "coref" / "tsv" / f"{stem}_brat.txt"
    if not text_path.is_file():
        raise DatasetError(str(text_path), "missing")
    text = text_path.read_text(encoding="utf-8")
    offsets = token_offsets(text)
    mentions = _load_mentions(root / "coref" / "tsv" / f"{stem}_brat.ann", text, offsets)
    types = {(m.start, m.end): m.mention_type for m in mentions}
    entities = _load_entities(root / "entities" / "brat" / f"{stem}_brat.ann", text, types)
    quotes = _load_quotes(root / "quotations" / "tsv" / f"{stem}_brat.ann", text, offsets)
    return LitBankWork(stem=stem, text=text, entities=entities, mentions=mentions, quotes=quotes)


def token_offsets(text: str) -> list[list[tuple[int, int]]]:
    """[sentence][token] -> (start, end) character offsets in the tokenized text."""
    out: list[list[tuple[int, int]]] = []
    pos = 0
    for line in text.split("\n"):
        row = []
        p = pos
        for tok in line.split(" "):
            row.append((p, p + len(tok)))
            p += len(tok) + 1
        out.append(row)
        pos += len(line) + 1
    return out


def _span(offsets: list[list[tuple[int, int]]], path: Path, s_sent: str, s_tok: str, e_sent: str, e_tok: str) -> tuple[int, int]:
    try:
        start = offsets[int(s_sent)][int(s_tok)][0]
        end = offsets[int(e_sent)][int(e_tok)][1]  # end token is inclusive
    except (ValueError, IndexError):
        raise DatasetError(str(path), f"token position {s_sent}:{s_tok}-{e_sent}:{e_tok} not in the text") from None
    return start, end


def _rows(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise DatasetError(str(path), "missing")
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _load_mentions(path: Path, text: str, offsets: list[list[tuple[int, int]]]) -> list[GoldMention]:
    raw: dict[str, tuple[int, int, str, str]] = {}
    chains: dict[str, str] = {}
    for row in _rows(path):
        kind = row[0]
        if kind == "MENTION":
            if len(row) < 9:
                raise DatasetError(str(path), f"MENTION row with {len(row)} fields, expected 9")
            start, end = _span(offsets, path, *row[2:6])
            raw[row[1]] = (start, end, row[7], row[8])
        elif kind == "COREF":
            chains[row[1]] = row[2]
        elif kind not in ("COP", "APPOS"):
            raise DatasetError(str(path), f"unexpected row kind {kind!r} (expected MENTION/COREF/COP/APPOS)")
    return [
        GoldMention(id=mid, start=s, end=e, text=text[s:e], entity_type=et, mention_type=mt, chain=chains.get(mid))
        for mid, (s, e, et, mt) in raw.items()
    ]


def _load_entities(path: Path, text: str, types: dict[tuple[int, int], str]) -> list[GoldEntity]:
    out = []
    for row in _rows(path):
        if not row[0].startswith("T"):
            continue
        try:
            label, s, e = row[1].split(" ")
            start, end = int(s), int(e)
        except ValueError:
            raise DatasetError(str(path), f"not a brat entity line: {row!r}") from None
        if end > len(text):
            raise DatasetError(str(path), f"{row[0]}: offset {end} beyond the text")
        if len(row) > 2 and row[2] != text[start:end]:
            raise DatasetError(str(path), f"{row[0]}: text {row[2]!r} is not what [{start}, {end}) holds")
        out.append(GoldEntity(start, end, label, text[start:end], types.get((start, end))))
    return out


def _load_quotes(path: Path, text: str, offsets: list[list[tuple[int, int]]]) -> list[GoldLitQuote]:
    spans: dict[str, tuple[int, int]] = {}
    speakers: dict[str, str] = {}
    for row in _rows(path):  # an excerpt without dialogue has an empty file
        if row[0] == "QUOTE":
            spans[row[1]] = _span(offsets, path, *row[2:6])
        elif row[0] == "ATTRIB":
            speakers[row[1]] = row[2].strip()
        else:
            raise DatasetError(str(path), f"unexpected row kind {row[0]!r} (expected QUOTE/ATTRIB)")
    out = []
    for qid, (s, e) in spans.items():
        inner_s, inner_e = _strip_marks(text, s, e)
        out.append(GoldLitQuote(qid, s, e, inner_s, inner_e, speakers.get(qid)))
    out.sort(key=lambda q: q.outer_start)
    return out


def _strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop whole quote-mark tokens at either end (the annotation includes the marks); a
    token is only dropped when it is nothing but marks, so "lovers’" keeps its apostrophe."""
    tokens = text[start:end].split(" ")
    while tokens and tokens[0] and set(tokens[0]) <= QUOTE_MARKS:
        start += len(tokens.pop(0)) + 1
    while tokens and tokens[-1] and set(tokens[-1]) <= QUOTE_MARKS:
        end -= len(tokens.pop()) + 1
    return start, max(start, end)
