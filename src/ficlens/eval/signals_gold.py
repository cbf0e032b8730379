"""The content-signals gold set: sentences from real fan fiction, PDNC and LitBank, each labelled
with the kinds of content it shows and when (see ``gold/signals/README.md``).

No story text is kept: a sentence is its work, its character offsets in the text ficlens reads
for that work, and a hash of its non-space characters (``fanfic_gold.quote_hash``), so it is
found again when a reader's change moves the offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ficlens.errors import DatasetError
from ficlens.eval.fanfic_gold import find_span
from ficlens.stages.signals import KINDS

# AO3's archive warnings, by the gold's kind names.
WARNING_KINDS = {
    "graphic depictions of violence": "graphic_violence",
    "major character death": "major_character_death",
    "rape/non-con": "rape_noncon",
    "underage": "underage",
    "underage sex": "underage",
}

# When the content is in the story: it happens in the scene, or happened (backstory, a report
# stated as fact), or is only feared, threatened, supposed, denied, or a figure of speech.
TIMES = ("present", "past", "feared", "threatened", "hypothetical", "negated", "figurative")
FACT_TIMES = frozenset({"present", "past"})
COLUMNS = ("work", "start", "end", "hash", "size", "labels", "concerns")


@dataclass(frozen=True)
class SentenceLabel:
    kind: str
    time: str

    @property
    def fact(self) -> bool:
        return self.time in FACT_TIMES


@dataclass(frozen=True)
class GoldSentence:
    work: str  # "fanfic:ao3/five.html#1", "pdnc:Emma", "litbank:<stem>"
    start: int
    end: int
    hash: str
    size: int
    labels: tuple[SentenceLabel, ...]
    concerns: str = ""  # who it concerns (a name or a short description), when labelled

    def positive(self, kind: str) -> bool:
        return any(lab.kind == kind and lab.fact for lab in self.labels)


def parse_labels(cell: str, where: str = "<labels>") -> tuple[SentenceLabel, ...]:
    """``"major_character_death:past; graphic_violence:present"`` -> labels; empty -> none."""
    out: list[SentenceLabel] = []
    for part in cell.replace(",", ";").split(";"):
        part = part.strip()
        if not part or part == "none":
            continue
        kind, _, time = part.partition(":")
        kind, time = kind.strip(), (time.strip() or "present")
        if kind not in KINDS:
            raise DatasetError(where, f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
        if time not in TIMES:
            raise DatasetError(where, f"unknown time {time!r} for {kind} (known: {', '.join(TIMES)})")
        out.append(SentenceLabel(kind, time))
    return tuple(out)


def format_labels(labels: tuple[SentenceLabel, ...]) -> str:
    return "; ".join(f"{lab.kind}:{lab.time}" for lab in labels)


def load_sentences(path: Path) -> list[GoldSentence]:
    """``gold/signals/sentences.tsv``."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(str(path), "no such gold file")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t") if lines else []
    if tuple(header) != COLUMNS:
        raise DatasetError(str(path), f"header {header}, expected {list(COLUMNS)}")
    out = []
    for n, line in enumerate(lines[1:], start=2):
        cells = (line.split("\t") + [""] * len(COLUMNS))[: len(COLUMNS)]
        row = dict(zip(COLUMNS, cells, strict=True))
        where = f"{path}:{n}"
        try:
            out.append(
                GoldSentence(
                    row["work"], int(row["start"]), int(row["end"]), row["hash"], int(row["size"]),
                    parse_labels(row["labels"], where), row["concerns"],
                )
            )
        except ValueError as exc:
            raise DatasetError(where, f"malformed row: {exc}") from None
    return out


def write_sentences(path: Path, sentences: list[GoldSentence], header_comment: str = "") -> None:
    lines = [f"# {c}" for c in header_comment.splitlines()] + ["\t".join(COLUMNS)]
    for s in sorted(sentences, key=lambda s: (s.work, s.start)):
        lines.append("\t".join(map(str, (s.work, s.start, s.end, s.hash, s.size, format_labels(s.labels), s.concerns))))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Roots:
    fanfic: Path
    pdnc: Path
    litbank: Path


def work_path(work: str, roots: Roots) -> Path:
    dataset, _, rest = work.partition(":")
    if dataset == "fanfic":
        return roots.fanfic / rest.partition("#")[0]
    if dataset == "pdnc":
        return roots.pdnc / "data" / rest / "novel_text.txt"
    if dataset == "litbank":
        return roots.litbank / "original" / f"{rest}.txt"
    raise DatasetError(work, "unknown dataset (expected fanfic:, pdnc: or litbank:)")


@cache
def work_text(work: str, roots: Roots) -> str:
    """The text ficlens reads for ``work`` (what ``ficlens analyze`` and the PDNC and LitBank
    evaluations give the pipeline)."""
    dataset, _, rest = work.partition(":")
    if dataset == "fanfic":
        from ficlens.ingest import read_work

        rel, _, index = rest.partition("#")
        return read_work(roots.fanfic / rel, int(index or 1)).text
    if dataset == "pdnc":
        return work_path(work, roots).read_text(encoding="utf-8")
    if dataset == "litbank":
        from ficlens.eval.litbank import aligned_source, load_work

        return aligned_source(roots.litbank, load_work(roots.litbank, rest)).text
    raise DatasetError(work, "unknown dataset (expected fanfic:, pdnc: or litbank:)")


def locate_sentence(text: str, s: GoldSentence) -> tuple[int, int] | None:
    return find_span(text, s.start, s.end, s.hash, s.size)


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def text_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans without a parse: paragraphs (to a blank line; PDNC and LitBank texts wrap
    lines inside them) cut at end punctuation before a capital. The gold sampler reads millions
    of words and the work rule whole works; the stage's own sentences need not match (the
    evaluation maps each gold sentence to what overlaps it)."""
    out = []
    for para in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        start = para.start()
        for cut in _SENTENCE_END.finditer(para.group()):
            out.append((start, para.start() + cut.start()))
            start = para.start() + cut.end()
        out.append((start, para.end()))
    spans = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
    return spans
