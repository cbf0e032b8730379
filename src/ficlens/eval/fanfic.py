"""Scores ficlens on the fan-fiction gold set (``gold/fanfic``, see its README).

Each gold file is read from the fan-fiction data folder the way a user's file is read, runs
through the whole pipeline (end to end: no cast, no gold quotes), and is scored as PDNC is:
quote detection, speaker accuracy by quote type, addressees, characters (named ones found,
unnamed ones found, purity, gender), plus what fan fiction adds: predicted characters that are
words the readers listed as no person ("interjections taken as characters"), predicted
characters that match no gold one, and point of view, person and tense per gold scene.

Predicted characters map to gold ones one to one by their names, aliases and mention texts
(``metrics.map_clusters``). An unnamed character has no name to match, so both sides also
carry a marker for what it is: the first-person narrator, the "you" of a second-person story,
or a pronoun chain ("she (unnamed)"); a predicted narrator maps to the gold narrator that way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ficlens.errors import DatasetError
from ficlens.eval import metrics as M
from ficlens.eval.fanfic_gold import GoldFile, load_gold, locate, read_works_table, text_hash
from ficlens.eval.splits import pick
from ficlens.model import Document

PRONOUN_MARKERS = {"i": "~narrator", "you": "~reader", "she": "~she", "he": "~he", "they": "~they"}


@dataclass(frozen=True)
class FanficScores:
    detection_exact: M.PRF
    detection_overlap: M.PRF
    speaker: M.SpeakerScores
    addressee: M.AddresseeScores
    characters: M.CharacterScores
    named_found: M.Ratio  # gold characters named in the text that some predicted character maps to
    unnamed_found: M.Ratio  # gold unnamed (pronoun-only) characters found
    not_names: M.Ratio  # predicted characters whose name is a word the readers listed as no person
    unmatched: M.Ratio  # predicted characters that map to no gold character
    pov: M.Ratio  # gold scenes whose predicted point of view is the gold one
    person: M.Ratio
    tense: M.Ratio
    quotes_lost: M.Ratio  # gold quotes whose text was not found again in the text read today
    words: int = 0
    seconds: float = 0.0

    def __add__(self, other: FanficScores) -> FanficScores:
        return FanficScores(*(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "quote_detection": {"exact": self.detection_exact.to_dict(), "overlap": self.detection_overlap.to_dict()},
            "speaker": self.speaker.to_dict(),
            "addressee": self.addressee.to_dict(),
            "characters": {
                **self.characters.to_dict(),
                "named_found": _ratio(self.named_found),
                "unnamed_found": _ratio(self.unnamed_found),
                "not_names": _ratio(self.not_names),
                "unmatched": _ratio(self.unmatched),
            },
            "narration": {"pov": _ratio(self.pov), "person": _ratio(self.person), "tense": _ratio(self.tense)},
            "quotes_lost": self.quotes_lost.to_dict(),
            "words": self.words,
            "seconds": round(self.seconds, 2),
        }


def _ratio(r: M.Ratio) -> dict[str, Any]:
    """A ratio over nothing (a story with no unnamed character) has no value, not 0."""
    d = r.to_dict()
    return {**d, "value": None} if not r.total else d


def _markers(name: str) -> list[str]:
    """The unnamed-character marker of a gold name such as "she (unnamed)" or "I (narrator, unnamed)"."""
    if "unnamed" not in name.lower():
        return []
    first = name.split()[0].lower() if name.split() else ""
    return [PRONOUN_MARKERS[first]] if first in PRONOUN_MARKERS else []


def _description(name: str) -> list[str]:
    """What a gold character known by a role is called in the text: "the wizard (unnamed)" ->
    "the wizard" (a predicted character known by that role, "said the wizard", is them)."""
    if "(" not in name:
        return []
    described = name[: name.index("(")].strip()
    first = described.split()[0].lower() if described.split() else ""
    return [described] if described and first not in PRONOUN_MARKERS else []


def map_characters(gold: GoldFile, doc: Document) -> dict[Hashable, Hashable]:
    """Predicted character id -> gold character name, one to one (see the module docstring)."""
    narrators = {s.pov for s in gold.scenes if s.person == "first" and s.pov}
    readers = {s.pov for s in gold.scenes if s.person == "second" and s.pov}
    gold_names: dict[Hashable, list[str]] = {}
    for c in gold.characters:
        names = [*c.names, *_markers(c.name), *_description(c.name)]
        if c.name in narrators:
            names.append("~narrator")
        if c.name in readers:
            names.append("~reader")
        gold_names[c.name] = names
    texts: dict[Hashable, list[str]] = {}
    for c in doc.characters:
        own = [c.name, *c.aliases]
        if c.is_narrator:
            own.append("~narrator")
        if c.is_reader:
            own.append("~reader")
        own += _markers(c.name) if c.found_by == "pronoun" else []
        texts[c.id] = own
    for m in doc.mentions:
        if m.character_id in texts and m.kind == "name":
            texts[m.character_id].append(m.text)
    return M.map_clusters(texts, gold_names)


def score_file(gold: GoldFile, doc: Document) -> FanficScores:
    """Everything for one analysed gold file (``doc`` has gone through the pipeline)."""
    text = doc.text
    located = [locate(text, q) for q in gold.quotes]
    kept = [(q, span) for q, span in zip(gold.quotes, located, strict=True) if span is not None]
    lost = M.Ratio(len(gold.quotes) - len(kept), len(gold.quotes))
    gold_spans = [M.strip_span(text, span) for _, span in kept]
    pred_spans = [M.strip_span(text, (q.start, q.end)) for q in doc.quotes]
    exact, overlap = M.span_prf(gold_spans, pred_spans)
    aligned = M.align_quotes([[s] for s in gold_spans], pred_spans)
    pred_quotes = [doc.quotes[i] if i is not None else None for i in aligned]
    mapping = map_characters(gold, doc)
    speakers = [mapping.get(p.speaker_id) if p is not None and p.speaker_id else None for p in pred_quotes]
    speaker = M.speaker_accuracy(
        [q.speaker for q, _ in kept], speakers, [p is not None for p in pred_quotes], [q.type for q, _ in kept]
    )
    addressee = M.addressee_scores(
        [frozenset(q.addressees) for q, _ in kept],
        [frozenset(mapping[a] for a in p.addressee_ids if a in mapping) if p is not None else frozenset() for p in pred_quotes],
    )
    quote_counts: dict[Hashable, int] = {}
    for q, _ in kept:
        if q.speaker:
            quote_counts[q.speaker] = quote_counts.get(q.speaker, 0) + 1
    characters = M.character_scores(
        {c.name: c.names for c in gold.characters},
        quote_counts,
        mapping,
        [(m.character_id, m.text) for m in doc.mentions if m.kind == "name"],
        {c.name: {"female": "F", "male": "M"}.get(c.gender, "U") for c in gold.characters},
        {c.id: str(c.gender) for c in doc.characters},
    )
    found = set(mapping.values())
    named = [c for c in gold.characters if c.naming in ("named", "late-named")]
    unnamed = [c for c in gold.characters if c.naming == "unnamed"]
    not_names = {M.norm_name(w) for w in gold.not_characters}
    taken_as_names = sum(
        1 for c in doc.characters if any(M.norm_name(n) in not_names for n in (c.name, *c.aliases))
    )
    pov, person, tense = _narration_scores(gold, doc, mapping)
    return FanficScores(
        exact,
        overlap,
        speaker,
        addressee,
        characters,
        M.Ratio(sum(c.name in found for c in named), len(named)),
        M.Ratio(sum(c.name in found for c in unnamed), len(unnamed)),
        M.Ratio(taken_as_names, len(doc.characters)),
        M.Ratio(sum(c.id not in mapping for c in doc.characters), len(doc.characters)),
        pov,
        person,
        tense,
        lost,
        words=len(text.split()),
    )


def _narration_scores(gold: GoldFile, doc: Document, mapping: dict[Hashable, Hashable]) -> tuple[M.Ratio, M.Ratio, M.Ratio]:
    """Per gold scene, the predicted scene narration that overlaps it most."""
    pov = person = tense = 0
    n = 0
    for s in gold.scenes:
        best, best_cover = None, 0
        for r in doc.narration:
            cover = min(s.end, r.end) - max(s.start, r.start)
            if cover > best_cover:
                best, best_cover = r, cover
        n += 1
        if best is None:
            continue
        predicted_pov = mapping.get(best.pov_character_id) if best.pov_character_id else None
        pov += predicted_pov == s.pov
        person += str(best.person) == s.person
        tense += str(best.tense) == s.tense
    return M.Ratio(pov, n), M.Ratio(person, n), M.Ratio(tense, n)


def _fanfic_one(data: Path, work: str, golds: list[GoldFile], factory: Any) -> tuple[str, tuple[FanficScores, list[str]]]:
    from ficlens.ingest import read_document

    started = time.perf_counter()
    total: FanficScores | None = None
    notes: list[str] = []
    pipeline = factory(None)
    for gold in golds:
        path = data / gold.file
        if not path.is_file():
            raise DatasetError(str(path), f"missing (gold file {gold.id} of work {work})")
        if hashlib.sha256(path.read_bytes()).hexdigest() != gold.file_sha256:
            notes.append(f"{gold.file}: the file differs from the one the gold was made on")
        doc = pipeline(read_document(path))
        if text_hash(doc.text) != gold.text_sha256:
            notes.append(f"{gold.file}: ficlens reads a different text than when the gold was made; quotes found by hash")
        scores = score_file(gold, doc)
        total = scores if total is None else total + scores
    assert total is not None
    return work, (dataclasses.replace(total, seconds=time.perf_counter() - started), notes)


def evaluate_fanfic(
    data: Path,
    gold_dir: Path,
    works: list[str] | None = None,
    out: Path | None = None,
    workers: int = 2,
    progress: Any = None,
    pipeline_factory: Any = None,
    split: str = "all",
) -> Any:
    """Run and score every gold work of ``split``; like ``evaluate_pdnc``, test works are summed
    into one aggregate and never listed one by one."""
    from ficlens.eval.run import EvalRun, _map, _meta, default_pipeline

    data, gold_dir = Path(data), Path(gold_dir)
    if not data.is_dir():
        raise DatasetError(str(data), "no such folder (the fan-fiction data folder)")
    golds = load_gold(gold_dir)
    by_work: dict[str, list[GoldFile]] = {}
    for g in golds:
        by_work.setdefault(g.work, []).append(g)
    known = [w for w in read_works_table(gold_dir) if w in by_work]
    if not known:
        raise DatasetError(str(gold_dir), "no gold files (gold/fanfic/<file id>.json)")
    chosen = pick("fanfic", gold_dir, known, works, split)
    run = EvalRun("fanfic", "end-to-end", meta=_meta(data, workers), split=split)
    run.meta["gold"] = str(gold_dir)
    run.meta["gold_quotes"] = sum(len(g.quotes) for w in chosen for g in by_work[w])
    disagreements: dict[str, int] = {}
    for w in chosen:
        for g in by_work[w]:
            for k, v in g.disagreements.items():
                disagreements[k] = disagreements.get(k, 0) + v
    run.meta["reading_disagreements"] = dict(sorted(disagreements.items()))
    started = time.perf_counter()
    factory = pipeline_factory or default_pipeline
    results = _map(_fanfic_one, [(data, w, by_work[w], factory) for w in chosen], workers, progress)
    run.per_item = {w: results[w][0] for w in chosen if w in results}
    run.meta["notes"] = [n for w in chosen if w in results for n in results[w][1]]
    return run.finish(started, out)
