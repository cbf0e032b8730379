"""Loader for LitBank, exactly as ../shared/data/README.md documents it.

Every work is a tokenized excerpt (``*_brat.txt``: one sentence per line, tokens split by
single spaces). Gold annotations are kept as ``[start, end)`` character offsets into it; the
pipeline itself reads the original book text, and its spans are mapped onto the excerpt
(``aligned_source`` / ``score_aligned`` below, docs/evaluation.md "LitBank: original text"):

- entities: ``entities/brat/<stem>_brat.ann`` (brat standoff, character offsets);
- coreference: ``coref/tsv/<stem>_brat.ann`` (MENTION rows with token indices, end token
  inclusive; COREF rows give the chain label). We use the tsv layout, not coref/brat, because
  it carries mention type and chain in one place and its labels are the speaker ids of the
  quotation layer. MENTION rows without a COREF row (copula predicates such as "a woman of
  mean understanding") are kept with ``chain=None`` and left out of coreference scoring;
- quotations: ``quotations/tsv/<stem>_brat.ann`` (QUOTE rows include the quote marks, and so
  are scored with them; the span inside the marks is kept too).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ficlens.errors import DatasetError
from ficlens.eval.align import Alignment, TokenIndex, align
from ficlens.model import Document, Mention, MentionKind, Quote

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
    from ficlens.eval.splits import pick

    root = Path(root)
    return [load_work(root, s) for s in pick("litbank", root, list_works(root), works)]


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


# --- analysing the original text -----------------------------------------------------------
#
# The tokenized excerpt is no text a user would give ficlens: no paragraphs (quotes and
# speakers work by paragraph) and re-spaced punctuation. So the pipeline reads the start of
# ``original/<stem>.txt`` (the Gutenberg book the excerpt was cut from) with its real
# paragraphs, and every predicted span is mapped back onto the tokenized excerpt through a
# character alignment (``ficlens.eval.align``), then widened to whole tokens, since gold
# spans are token spans.


@dataclass
class AlignedSource:
    """What the pipeline reads for one work, and how to map its spans onto the excerpt."""

    text: str  # whole paragraphs of the original covering the excerpt
    offset: int  # where ``text`` starts in the original
    path: Path  # the file ``text`` comes from
    alignment: Alignment  # a = tokenized excerpt, b = the original
    tokens: TokenIndex  # tokens of the excerpt

    @property
    def unaligned(self) -> int:
        """Non-space characters of the excerpt with no partner in the original."""
        return self.alignment.unaligned_a

    @property
    def nonspace(self) -> int:
        return len(self.alignment.a_pos)

    def to_excerpt(self, start: int, end: int) -> tuple[int, int] | None:
        """A span of ``text`` -> the token span of the excerpt holding the same characters;
        None when it lies outside the excerpt (a span running past its end is clipped)."""
        span = self.alignment.map_span(start + self.offset, end + self.offset)
        return self.tokens.snap(span) if span is not None else None


def aligned_source(root: Path, work: LitBankWork) -> AlignedSource:
    """The paragraphs of ``original/<stem>.txt`` that cover the excerpt, aligned to it. Without
    an original file the tokenized excerpt itself is read (identity alignment)."""
    path = Path(root) / "original" / f"{work.stem}.txt"
    if not path.is_file():
        path = Path(root) / "coref" / "tsv" / f"{work.stem}_brat.txt"
        return AlignedSource(work.text, 0, path, align(work.text, work.text), TokenIndex(work.text))
    original = path.read_text(encoding="utf-8")
    # The excerpt is the book's beginning: align against a generous prefix first (whole books
    # run to a megabyte), and against the whole book only if that leaves something unaligned.
    alignment = align(work.text, original[: 2 * len(work.text) + 20_000])
    if alignment.unaligned_a:
        alignment = align(work.text, original)
    first = next((j for j in alignment.a_to_b if j >= 0), None)
    if first is None:
        raise DatasetError(str(path), f"shares no text with the excerpt {work.stem}_brat.txt")
    # Whole paragraphs: from the one holding the excerpt's first character to the end of the
    # one holding its last, so no quote or sentence is cut mid-way.
    begin = original.rfind("\n\n", 0, alignment.b_pos[first])
    begin = 0 if begin < 0 else begin + 2
    cut = original.find("\n\n", alignment.b_end)
    cut = len(original) if cut < 0 else cut
    return AlignedSource(original[begin:cut], begin, path, alignment, TokenIndex(work.text))


def name_core(text: str, start: int, end: int) -> tuple[int, int]:
    """The name inside a proper-noun mention of the tokenized ``text``: leading and trailing
    tokens with no capital letter are dropped (determiners, adjectives, quote marks, a
    relative clause: "old Tom Jarndyce", "Margaret dear"); capitalised titles stay ("Mr.
    Bennet", "Sir Pagan d'Urberville"). The whole span when no token has a capital."""
    tokens = []
    pos = start
    for tok in text[start:end].split(" "):
        tokens.append((pos, pos + len(tok), tok))
        pos += len(tok) + 1
    named = [k for k, (_, _, tok) in enumerate(tokens) if any(c.isupper() for c in tok)]
    if not named:
        return start, end
    return tokens[named[0]][0], tokens[named[-1]][1]


_OPENERS = {"double": "“\"«„", "single": "‘'‚"}
_CLOSERS = {"double": "”\"»“", "single": "’'‘"}


def quote_outer_span(text: str, q: Quote) -> tuple[int, int]:
    """A predicted quote with its marks, as LitBank annotates quotes: ``open_start`` (the
    opening mark) when known, else a mark right before ``start``; and the closing mark right
    after ``end`` (on the same line). A quote closed by a paragraph end or a dash quote has
    no closing mark and keeps its end."""
    start = q.open_start if q.open_start >= 0 else q.start
    if q.open_start < 0:
        k = q.start
        while k > 0 and text[k - 1] in " \t":
            k -= 1
        if k > 0 and text[k - 1] in _OPENERS.get(q.mark, ""):
            start = k - 1
    end = q.end
    k = end
    while k < len(text) and text[k] in " \t":
        k += 1
    if k < len(text) and text[k] in _CLOSERS.get(q.mark, ""):
        end = k + 1
    return start, end


def score_aligned(work: LitBankWork, src: AlignedSource, doc: Document) -> dict[str, Any]:
    """Scores of ``doc`` (the pipeline's analysis of ``src.text``) against the gold excerpt,
    every predicted span mapped onto the excerpt first. Returns the fields of
    ``ficlens.eval.run.LitBankScores``."""
    from ficlens.eval import metrics as M
    from ficlens.eval.coref_metrics import b_cubed, score_all

    mentions = []  # (excerpt span, mention) for predicted mentions inside the excerpt
    phrases = []  # (excerpt span of the whole noun phrase, mention): what coreference gold marks
    for m in doc.mentions:
        span = src.to_excerpt(m.start, m.end)
        if span is not None:
            mentions.append((span, m))
            phrase = src.to_excerpt(m.np_start, m.np_end) if m.np_start >= 0 else None
            phrases.append((phrase or span, m))
    gold_per = [(e.start, e.end) for e in work.entities if e.label == "PER"]
    # ficlens finds names, not noun phrases: a gold PROP mention is matched on its name
    # (``name_core``: "the same handsome Miss Elliot" -> "Miss Elliot"; titles stay).
    gold_prop = [
        name_core(work.text, e.start, e.end)
        for e in work.entities
        if e.label == "PER" and e.mention_type == "PROP"
    ]
    pred_names = [s for s, m in mentions if m.kind == MentionKind.NAME]
    pred_all = [s for s, m in phrases if m.kind != MentionKind.PRONOUN]
    prop, _ = M.span_prf(gold_prop, pred_names)
    per_all, _ = M.span_prf(gold_per, pred_all)

    chains = work.chains("PER")
    key = [[(m.start, m.end) for m in ms] for ms in chains.values()]
    clusters: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for n, (span, m) in enumerate(phrases):
        cluster: Hashable = m.character_id or (("group", m.group) if m.group else ("single", n))
        clusters[cluster].append(span)
    coref = score_all(key, list(clusters.values()))

    # Quotes: LitBank spans include the quote marks, ficlens's exclude them; both sides are
    # compared with their marks, on the excerpt's tokens. LitBank annotates no quote inside
    # another (`“Because of ‘women and children first.’”` is one quote), so a predicted quote
    # nested in another one is left out rather than counted wrong.
    pred_q: list[tuple[tuple[int, int], Quote]] = []
    for q in doc.quotes:
        if q.nested_in is not None:
            continue
        span = src.to_excerpt(*quote_outer_span(doc.text, q))
        if span is not None:
            pred_q.append((span, q))
    gold_spans = [(q.outer_start, q.outer_end) for q in work.quotes]
    pred_spans = [s for s, _ in pred_q]
    exact, overlap = M.span_prf(gold_spans, pred_spans)
    aligned = M.align_quotes([[s] for s in gold_spans], pred_spans)
    found = [pred_q[i][1] if i is not None else None for i in aligned]

    mapping = map_characters(work, mentions)
    speakers = [mapping.get(q.speaker_id) if q is not None and q.speaker_id else None for q in found]
    speaker = M.speaker_accuracy(
        [q.speaker for q in work.quotes], speakers, [q is not None for q in found], [None] * len(found)
    )
    # B-cubed over gold quotes: gold clusters by gold speaker, predicted by predicted speaker
    # (no mapping needed); a quote without a predicted speaker is its own cluster.
    gold_groups: dict[Hashable, list[int]] = defaultdict(list)
    pred_groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, (g, q) in enumerate(zip(work.quotes, found, strict=True)):
        gold_groups[g.speaker].append(i)
        pred_groups[q.speaker_id if q is not None and q.speaker_id else ("none", i)].append(i)
    return {
        "entity_prop": prop,
        "entity_all": per_all,
        "coref": coref,
        "detection_exact": exact,
        "detection_overlap": overlap,
        "speaker": speaker,
        "speaker_b_cubed": b_cubed(gold_groups.values(), pred_groups.values()),
    }


def map_characters(work: LitBankWork, mentions: list[tuple[tuple[int, int], Mention]]) -> dict[str, str]:
    """One-to-one map predicted character -> gold coreference entity (the labels ATTRIB rows
    use), by the mentions they share: a pair scores one per predicted mention of the character
    whose excerpt span is a gold mention of the entity; the Hungarian method picks the
    assignment with the largest total, and pairs that share nothing stay unmapped."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    owner = {(m.start, m.end): m.chain for m in work.mentions if m.chain is not None}
    counts: Counter[tuple[str, str]] = Counter()
    for span, m in mentions:
        label = owner.get(span)
        if m.character_id is not None and label is not None:
            counts[(m.character_id, label)] += 1
    preds = sorted({p for p, _ in counts})
    golds = sorted({g for _, g in counts})
    if not counts:
        return {}
    scores = np.zeros((len(preds), len(golds)))
    for (p, g), n in counts.items():
        scores[preds.index(p), golds.index(g)] = n
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return {preds[i]: golds[j] for i, j in zip(rows, cols, strict=True) if scores[i, j] > 0}
