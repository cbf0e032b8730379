"""Runs the pipeline over PDNC / LitBank and scores it against the gold annotations.

Modes (PDNC):
- ``end-to-end``: the pipeline sees only ``novel_text.txt``;
- ``gold-characters``: the gold character list goes in as a cast TSV, exactly what a user's
  ``--cast`` gives (``ficlens.cast.load_cast`` -> ``get_pipeline(config, cast=...)``);
- ``gold-quotes``: the same cast, and after the "quotes" stage ``doc.quotes`` is replaced by the
  gold quote spans, so the later stages do attribution alone.

Novels run in worker processes (``workers``, default 2); each worker loads spaCy once (the
pipeline factory caches it), the gold data is read inside the worker so nothing large is
pickled. Results come back as count-keeping score objects, summed into micro-averages.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import subprocess
import tempfile
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ficlens.errors import DatasetError
from ficlens.eval import metrics as M
from ficlens.eval.coref_metrics import CorefScores
from ficlens.eval.litbank import load_litbank
from ficlens.eval.pdnc import NARRATOR, GoldCharacter, PdncNovel, list_novels, load_novel
from ficlens.eval.splits import pick, split_of
from ficlens.model import Document, Quote

if TYPE_CHECKING:
    from ficlens.pipeline import Pipeline

MODES = ("end-to-end", "gold-characters", "gold-quotes")
GENDERS = {"M": "male", "F": "female", "U": "unknown", "X": "unknown"}

# (cast TSV path or None) -> a Pipeline.
PipelineFactory = Callable[[Path | None], "Pipeline"]
Progress = Callable[[int, int, str], None]  # (done, total, name of the item just finished)


def default_pipeline(cast_path: Path | None) -> Pipeline:
    """The real pipeline; the cast goes through the same loader as the user's ``--cast``."""
    from ficlens.api import get_pipeline

    cast = None
    if cast_path is not None:
        from ficlens.cast import load_cast

        cast = load_cast(cast_path)
    return get_pipeline(None, cast=cast)


# --- PDNC --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdncScores:
    detection_exact: M.PRF
    detection_overlap: M.PRF
    speaker: M.SpeakerScores
    addressee: M.AddresseeScores
    characters: M.CharacterScores
    oracle: M.Ratio
    words: int = 0
    seconds: float = 0.0

    def __add__(self, other: PdncScores) -> PdncScores:
        return PdncScores(
            *(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self))
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "quote_detection": {"exact": self.detection_exact.to_dict(), "overlap": self.detection_overlap.to_dict()},
            "speaker": self.speaker.to_dict(),
            "addressee": self.addressee.to_dict(),
            "characters": self.characters.to_dict(),
            "candidate_oracle": self.oracle.to_dict(),
            "words": self.words,
            "seconds": round(self.seconds, 2),
        }


def write_cast(characters: list[GoldCharacter], path: Path) -> Path:
    """The gold characters as a user cast TSV: ``name\\taliases\\tgender``, aliases joined by ``|``.
    PDNC's ``_narr`` marker is not a name in the text, so it is left out."""
    lines = ["name\taliases\tgender"]
    for c in characters:
        aliases = sorted(a for a in c.aliases if a != c.name and not a.startswith("_"))
        clean = [_cell(a) for a in aliases]
        lines.append(f"{_cell(c.name)}\t{'|'.join(clean)}\t{GENDERS.get(c.gender, 'unknown')}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cell(value: str) -> str:
    return value.replace("\t", " ").replace("|", " ").replace("\n", " ").strip()


def gold_quotes(doc: Document, novel: PdncNovel) -> Document:
    """The quotes stage's work done by the gold: ``doc.quotes`` are the gold quote spans
    (gold-quotes mode)."""
    doc.quotes = gold_quote_records(doc, novel)
    return doc


def gold_quote_records(doc: Document, novel: PdncNovel) -> list[Quote]:
    """Gold sub-quotation spans as Quote records in text order; pieces of one gold quote are
    linked through ``continues``, as the quotes stage links an interrupted quote."""
    pieces = []
    for qi, q in enumerate(novel.quotes):
        for k, span in enumerate(q.spans):
            s, e = M.strip_span(doc.text, span)
            if e > s:
                pieces.append((s, e, qi, k))
    pieces.sort()
    para_starts = [p.start for p in doc.paragraphs]
    ids: dict[tuple[int, int], str] = {}
    out = []
    for n, (s, e, qi, k) in enumerate(pieces):
        qid = f"Q{n}"
        ids[(qi, k)] = qid
        prev = ids.get((qi, k - 1)) if k else None
        para = max(0, bisect.bisect_right(para_starts, s) - 1) if para_starts else 0
        opening = s - 1 if s > 0 and doc.text[s - 1] in "\"'“‘" else -1
        out.append(Quote(id=qid, start=s, end=e, text=doc.text[s:e], paragraph=para, mark="double", open_start=opening, continues=prev))
    return out


def align_pdnc_quotes(novel: PdncNovel, doc: Document) -> list[int | None]:
    """Per gold quote, the index of the predicted quote it is aligned to (None: undetected)."""
    text = doc.text
    pred_spans = [M.strip_span(text, (q.start, q.end)) for q in doc.quotes]
    return M.align_quotes([[M.strip_span(text, s) for s in q.spans] for q in novel.quotes], pred_spans)


@dataclass(frozen=True)
class PdncAlignment:
    """How an analysed novel lines up with the gold: predicted character id -> gold character
    id, and per gold quote the predicted quote aligned to it (None: undetected) with its
    speaker, addressees and speaker candidates as gold ids (what the scores and the per-quote
    table compare)."""

    mapping: dict[Hashable, Hashable]
    pred_quotes: list[Quote | None]
    speakers: list[Hashable | None]
    addressees: list[frozenset[Hashable]]
    candidates: list[list[Hashable]]

    @classmethod
    def of(cls, novel: PdncNovel, doc: Document) -> PdncAlignment:
        aligned = align_pdnc_quotes(novel, doc)
        return cls.from_parts(map_pdnc_characters(novel, doc), [doc.quotes[i] if i is not None else None for i in aligned])

    @classmethod
    def from_parts(cls, mapping: dict[Hashable, Hashable], pred_quotes: list[Quote | None]) -> PdncAlignment:
        return cls(
            mapping,
            pred_quotes,
            [mapping.get(q.speaker_id) if q is not None and q.speaker_id else None for q in pred_quotes],
            [frozenset(mapping[a] for a in q.addressee_ids if a in mapping) if q is not None else frozenset() for q in pred_quotes],
            [[mapping[c] for c in q.candidates if c in mapping] if q is not None else [] for q in pred_quotes],
        )


def score_pdnc_novel(novel: PdncNovel, doc: Document, alignment: PdncAlignment | None = None) -> PdncScores:
    """Everything for one analysed novel (``doc`` has gone through the pipeline)."""
    text = doc.text
    gold_spans = [M.strip_span(text, s) for q in novel.quotes for s in q.spans]
    pred_spans = [M.strip_span(text, (q.start, q.end)) for q in doc.quotes]
    exact, overlap = M.span_prf(gold_spans, pred_spans)
    alignment = alignment or PdncAlignment.of(novel, doc)
    speaker = M.speaker_accuracy(
        [q.speaker_id for q in novel.quotes],
        alignment.speakers,
        [q is not None for q in alignment.pred_quotes],
        [q.quote_type for q in novel.quotes],
    )
    addressee = M.addressee_scores([q.addressee_ids for q in novel.quotes], alignment.addressees)
    oracle = M.candidate_oracle([q.speaker_id for q in novel.quotes], alignment.candidates)
    characters = M.character_scores(
        {c.id: c.aliases for c in novel.characters},
        novel.quote_counts(),
        alignment.mapping,
        [(m.character_id, m.text) for m in doc.mentions],
        {c.id: c.gender for c in novel.characters},
        {c.id: c.gender for c in doc.characters},
    )
    words = sum(1 for _ in text.split())
    return PdncScores(exact, overlap, speaker, addressee, characters, oracle, words)


# One row per gold quote in ``<dataset>-<mode>-quotes.tsv`` (``write_run``), for error analysis
# in pandas: ``pd.read_csv(path, sep="\t", keep_default_na=False)``.
QUOTE_COLUMNS = (
    "novel", "quote", "type", "gold_speaker", "predicted_speaker", "speaker_right", "evidence",
    "gold_among_candidates", "gold_addressees", "predicted_addressees", "addressees_right", "text",
)


def pdnc_quote_rows(novel: PdncNovel, doc: Document, alignment: PdncAlignment) -> list[dict[str, str]]:
    """Per gold quote: the gold and predicted speaker and addressees by gold name (a predicted
    character that maps to no gold one in brackets; empty when the quote went undetected),
    whether each is right as the scores count it, the stage's evidence, and whether the gold
    speaker was among its candidates."""
    gold_name = {c.id: c.name for c in novel.characters}
    own_name = {c.id: c.name for c in doc.characters}

    def name(cid: str | None) -> str:
        if cid is None:
            return ""
        mapped = alignment.mapping.get(cid)
        return gold_name[mapped] if mapped in gold_name else f"[{own_name.get(cid, cid)}]"  # type: ignore[index]

    rows = []
    per_quote = zip(novel.quotes, alignment.pred_quotes, alignment.speakers, alignment.addressees, alignment.candidates, strict=True)
    for gold, pred, speaker, addressees, candidates in per_quote:
        rows.append({
            "novel": novel.folder,
            "quote": gold.id,
            "type": gold.quote_type or "",
            "gold_speaker": gold_name.get(gold.speaker_id, gold.speaker) if gold.speaker_id is not None else gold.speaker,
            "predicted_speaker": name(pred.speaker_id) if pred else "",
            "speaker_right": _flag(gold.speaker_id is not None and speaker == gold.speaker_id),
            "evidence": str(pred.evidence) if pred and pred.evidence else "",
            "gold_among_candidates": _flag(gold.speaker_id is not None and gold.speaker_id in candidates),
            "gold_addressees": "|".join(sorted(gold_name[a] for a in gold.addressee_ids)),
            "predicted_addressees": "|".join(sorted(name(a) for a in pred.addressee_ids)) if pred else "",
            "addressees_right": _flag(gold.addressee_ids == addressees) if gold.addressee_ids else "",
            "text": " ".join(gold.text.split())[:200],
        })
    return rows


def _flag(value: bool) -> str:
    return "1" if value else "0"


def map_pdnc_characters(novel: PdncNovel, doc: Document) -> dict[Hashable, Hashable]:
    """Predicted character id -> gold character id, one to one.

    A character from the cast (gold-characters and gold-quotes modes, where ``write_cast``
    made the cast from the gold list) is the gold character of its name: the user named it,
    so a line ficlens gives it is given to that character. The others (all of them end to
    end) are matched by their names and mention texts against the gold aliases
    (``metrics.map_clusters``), among the gold characters no cast member took."""
    gold_by_name: dict[str, list[int]] = {}
    for g in novel.characters:
        gold_by_name.setdefault(g.name, []).append(g.id)
    fixed: dict[Hashable, Hashable] = {}
    for c in doc.characters:
        ids = gold_by_name.get(c.name, []) if c.from_cast else []
        if len(ids) == 1 and ids[0] not in fixed.values():
            fixed[c.id] = ids[0]
    taken = set(fixed.values())
    texts: dict[Hashable, list[str]] = {c.id: [c.name, *c.aliases] for c in doc.characters if c.id not in fixed}
    for c in doc.characters:
        if c.is_narrator and c.id in texts:
            texts[c.id].append(NARRATOR)  # PDNC names the first-person narrator `_narr`
    for m in doc.mentions:
        if m.character_id in texts:
            texts[m.character_id].append(m.text)
    rest = {g.id: g.aliases for g in novel.characters if g.id not in taken}
    return {**fixed, **M.map_clusters(texts, rest)}


def speaker_model_note() -> str:
    """How the speakers stage of the default pipeline is scored on PDNC (for the report)."""
    from ficlens.stages.speakers import SpeakerConfig

    if SpeakerConfig().scorer == "ranker":
        return "learned rankers, cross-validated: each novel scored by the fold models trained without it"
    return "hand-weighted rules (no training data)"


def _pdnc_one(
    folder: Path, mode: str, cast_dir: Path, factory: PipelineFactory
) -> tuple[str, tuple[PdncScores, list[dict[str, str]]]]:
    started = time.perf_counter()
    novel = load_novel(folder)
    cast_path = None
    if mode != "end-to-end":
        cast_path = write_cast(novel.characters, cast_dir / f"{novel.folder}.cast.tsv")
    pipeline = factory(cast_path).heldout(novel.folder)
    doc = Document(text=novel.text, source=str(novel.text_path), format="text")
    replace = {"quotes": lambda d: gold_quotes(d, novel)} if mode == "gold-quotes" else None
    doc = pipeline(doc, replace=replace)
    alignment = PdncAlignment.of(novel, doc)
    scores = score_pdnc_novel(novel, doc, alignment)
    rows = pdnc_quote_rows(novel, doc, alignment)
    return novel.folder, (dataclasses.replace(scores, seconds=time.perf_counter() - started), rows)


@dataclass
class EvalRun:
    """Scores of one evaluation run, per item, summed into micro-averages.

    Items of the frozen test split (``ficlens.eval.splits``) are summed into the test micro
    and never shown one by one: ``to_dict`` and the per-quote rows hold dev items only."""

    dataset: str
    mode: str
    per_item: dict[str, Any] = field(default_factory=dict)  # name -> score object
    meta: dict[str, Any] = field(default_factory=dict)
    quote_rows: list[dict[str, str]] = field(default_factory=list)  # QUOTE_COLUMNS, PDNC dev items only
    split: str = "all"

    def finish(self, started: float, out: Path | None) -> EvalRun:
        """Record the run's wall time and, given ``out``, write its results files there."""
        self.meta["seconds"] = round(time.perf_counter() - started, 1)
        if out is not None:
            from ficlens.eval.report import write_run

            write_run(self, Path(out))
        return self

    def micro(self, split: str = "all") -> Any:
        items = [v for k, v in self.per_item.items() if split == "all" or split_of(self.dataset, k) == split]
        if not items:
            return None
        total = items[0]
        for s in items[1:]:
            total = total + s
        return total

    def to_dict(self) -> dict[str, Any]:
        counts = {name: sum(1 for k in self.per_item if split_of(self.dataset, k) == name) for name in ("dev", "test")}
        out = {
            "dataset": self.dataset,
            "mode": self.mode,
            "split": self.split,
            **self.meta,
            "items": counts,
            "micro": self.micro().to_dict() if self.per_item else {},
        }
        if all(counts.values()):
            out["micro_by_split"] = {name: self.micro(name).to_dict() for name in ("dev", "test")}
        out["per_item"] = {k: v.to_dict() for k, v in self.per_item.items() if split_of(self.dataset, k) == "dev"}
        return out


def evaluate_pdnc(
    data: Path,
    novels: list[str] | None = None,
    mode: str = "end-to-end",
    out: Path | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    pipeline_factory: PipelineFactory = default_pipeline,
    split: str = "all",
) -> EvalRun:
    if mode not in MODES:
        raise DatasetError(str(data), f"unknown mode {mode!r} (expected one of {', '.join(MODES)})")
    data = Path(data)
    folders = pick("pdnc", data, list_novels(data), novels, split)
    paths = [data / "data" / f for f in folders]
    for p in paths:  # fail before starting any work
        if not (p / "novel_text.txt").is_file():
            raise DatasetError(str(p), "missing novel_text.txt")
    # Longest first, so the two workers finish close together.
    paths.sort(key=lambda p: -(p / "novel_text.txt").stat().st_size)
    run = EvalRun("pdnc", mode, meta={**_meta(data, workers), "speaker_model": speaker_model_note()}, split=split)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        cast_dir = Path(out) / "casts" if out is not None else Path(tmp)
        cast_dir.mkdir(parents=True, exist_ok=True)
        results = _map(_pdnc_one, [(p, mode, cast_dir, pipeline_factory) for p in paths], workers, progress)
    run.per_item = {f: results[f][0] for f in folders if f in results}
    run.quote_rows = [row for f in folders if f in results and split_of("pdnc", f) == "dev" for row in results[f][1]]
    return run.finish(started, out)


def _map(fn: Callable[..., tuple[str, Any]], jobs: list[tuple[Any, ...]], workers: int, progress: Progress | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if workers <= 1 or len(jobs) <= 1:
        for n, job in enumerate(jobs, start=1):
            name, scores = fn(*job)
            results[name] = scores
            if progress:
                progress(n, len(jobs), name)
        return results
    import multiprocessing

    # fork: workers inherit the imported modules (and a caller's pipeline factory) cheaply.
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(fn, *job) for job in jobs]
        for n, fut in enumerate(as_completed(futures), start=1):
            name, scores = fut.result()
            results[name] = scores
            if progress:
                progress(n, len(jobs), name)
    return results


# --- LitBank -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LitBankScores:
    entity_prop: M.PRF  # proper-name PER mentions
    entity_all: M.PRF  # all PER entity mentions (no pronouns: the entity layer has none)
    coref: CorefScores
    detection_exact: M.PRF
    detection_overlap: M.PRF
    speaker: M.SpeakerScores
    speaker_b_cubed: Any  # CorefScore over gold quotes, clustered by speaker

    def __add__(self, other: LitBankScores) -> LitBankScores:
        return LitBankScores(*(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": {"PER_prop": self.entity_prop.to_dict(), "PER_all": self.entity_all.to_dict()},
            "coref": self.coref.to_dict(),
            "quote_detection": {"exact": self.detection_exact.to_dict(), "overlap": self.detection_overlap.to_dict()},
            "speaker": self.speaker.to_dict(),
            "speaker_b_cubed": self.speaker_b_cubed.to_dict(),
        }


def _litbank_one(root: Path, stem: str, factory: PipelineFactory) -> tuple[str, LitBankScores]:
    # The pipeline reads the original book's paragraphs covering the excerpt (real text, as a
    # user gives it); predicted spans are mapped onto the tokenized excerpt for scoring.
    import logging

    from ficlens.eval.litbank import aligned_source, score_aligned

    (work,) = load_litbank(root, works=[stem])
    src = aligned_source(root, work)
    if src.unaligned:
        logging.getLogger(__name__).warning(
            "%s: %d of %d excerpt characters not aligned to %s", stem, src.unaligned, src.nonspace, src.path
        )
    doc = Document(text=src.text, source=str(src.path), format="text")
    doc = factory(None)(doc)
    return stem, LitBankScores(**score_aligned(work, src, doc))


def evaluate_litbank(
    data: Path,
    out: Path | None = None,
    works: list[str] | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    pipeline_factory: PipelineFactory = default_pipeline,
    split: str = "all",
) -> EvalRun:
    from ficlens.eval.litbank import list_works

    data = Path(data)
    stems = pick("litbank", data, list_works(data), works, split)
    run = EvalRun("litbank", "end-to-end", meta=_meta(data, workers), split=split)
    started = time.perf_counter()
    results = _map(_litbank_one, [(data, s, pipeline_factory) for s in stems], workers, progress)
    run.per_item = {s: results[s] for s in stems}
    return run.finish(started, out)


def _meta(data: Path, workers: int) -> dict[str, Any]:
    from ficlens._version import __version__

    return {
        "data": str(data),
        "git_commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "ficlens_version": __version__,
        "workers": workers,
    }


def git_commit() -> str:
    """The checked-out commit (read-only), or "unknown" outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"
