"""Characters + coref against PDNC gold characters.

    .venv/bin/python bench/characters_check.py [--all | Folder ...]

``--all`` runs every PDNC novel and adds a micro-averaged total row. The segment
stage's output is cached under /tmp/ficlens_characters_check (keyed on the text and
the sources of the segment module and of ficlens.nlp), so a re-run only pays for quotes, characters and coref.

Runs segment + quotes + characters + coref on PDNC novels (../shared/data/pdnc) and
prints, per novel: recall of gold characters with >= 5 quotes (found when a predicted
character's name or aliases include one of the gold aliases, case-insensitive; a
predicted narrator matches PDNC's `_narr`), purity
(share of matched predicted characters whose aliases match only one gold character),
gender accuracy of the found ones (gold M/F only), and the time of the two stages.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import pickle
import re
import sys
import time
from collections import Counter
from pathlib import Path

from ficlens.model import Document, Gender, Quote
from ficlens.nlp import load_nlp
from ficlens.stages.characters import CharacterConfig, CharacterStage
from ficlens.stages.coref import CorefConfig, CorefStage
from ficlens.stages.segment import SegmentConfig, SegmentStage

PDNC = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdnc" / "data"
CACHE = Path("/tmp/ficlens_characters_check")
DEFAULT = ["PrideAndPrejudice", "Emma", "TheAwakening", "DaisyMiller", "TheSportOfTheGods", "AHandfulOfDust"]


def _quotes(doc: Document) -> list[Quote]:
    try:
        from ficlens.stages.quotes import QuoteConfig, QuoteStage
    except ImportError:  # the quotes stage may not be there yet: plain double quotes
        out = []
        for m in re.finditer(r'"([^"]*)"', doc.text):
            out.append(Quote(id=f"Q{len(out)}", start=m.start(1), end=m.end(1), text=m.group(1), paragraph=0, mark="double"))
        return out
    return QuoteStage(QuoteConfig())(doc).quotes


def _gold(folder: Path) -> list[tuple[str, set[str], str, int]]:
    counts: Counter[str] = Counter()
    with open(folder / "quotation_info.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            counts[row["speaker"]] += 1
    out = []
    with open(folder / "character_info.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            aliases = {a.lower() for a in ast.literal_eval(row["Aliases"])} | {row["Main Name"].lower()}
            n = counts[row["Main Name"]] + sum(counts[a] for a in ast.literal_eval(row["Aliases"]) if a != row["Main Name"])
            out.append((row["Main Name"], aliases, row["Gender"], n))
    return out


def _segmented(text: str, nlp) -> tuple[Document, float]:  # type: ignore[no-untyped-def]
    import ficlens.nlp as nlp_module
    import ficlens.stages.segment as segment_module

    # The pipeline's tokenizer settings (nlp.py) shape the parse as much as the stage does.
    source = Path(segment_module.__file__).read_bytes() + Path(nlp_module.__file__).read_bytes()
    key = hashlib.sha1(text.encode("utf-8") + source).hexdigest()[:20]
    path = CACHE / f"{key}.pkl"
    if path.exists():
        with open(path, "rb") as fh:
            return pickle.load(fh), 0.0
    if nlp[0] is None:
        nlp[0] = load_nlp()
    t0 = time.perf_counter()
    doc = SegmentStage(SegmentConfig(), nlp[0])(Document(text=text))
    seconds = time.perf_counter() - t0
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        pickle.dump(doc, fh)
    return doc, seconds


def check(name: str, nlp) -> dict[str, float]:  # type: ignore[no-untyped-def]
    folder = PDNC / name
    doc, t_seg = _segmented((folder / "novel_text.txt").read_text(encoding="utf-8"), nlp)
    doc.quotes = _quotes(doc)
    t0 = time.perf_counter()
    doc = CharacterStage(CharacterConfig())(doc)
    doc = CorefStage(CorefConfig())(doc)
    t_stages = time.perf_counter() - t0
    gold = _gold(folder)
    # PDNC names a first-person narrator `_narr`, as the eval's character mapping does.
    predicted = [
        (c, {c.name.lower(), *(a.lower() for a in c.aliases), *(["_narr"] if c.is_narrator else [])})
        for c in doc.characters
    ]
    wanted = [g for g in gold if g[3] >= 5]
    found = gender_ok = gender_n = 0
    missed = []
    for main, aliases, gender, _ in wanted:
        hits = [c for c, names in predicted if names & aliases]
        if not hits:
            missed.append(main)
            continue
        found += 1
        best = max(hits, key=lambda c: c.mentions)
        if gender in ("M", "F"):
            gender_n += 1
            gender_ok += best.gender == (Gender.MALE if gender == "M" else Gender.FEMALE)
    matched = impure = 0
    impure_names = []
    for c, names in predicted:
        golds = {g[0] for g in gold if names & g[1]}
        if golds:
            matched += 1
            if len(golds) > 1:
                impure += 1
                impure_names.append(f"{c.name}->{sorted(golds)}")
    words = sum(1 for t in doc.tokens if t.pos not in ("PUNCT", "SPACE"))
    return {
        "found": found,
        "gender_ok": gender_ok,
        "gender_n": gender_n,
        "matched": matched,
        "impure_n": impure,
        "recall": found / len(wanted) if wanted else 1.0,
        "purity": 1 - impure / matched if matched else 1.0,
        "gender": gender_ok / gender_n if gender_n else 1.0,
        "n_gold": len(wanted),
        "n_pred": len(doc.characters),
        "seconds": t_stages,
        "segment_s": t_seg,
        "words": words,
        "missed": ", ".join(missed[:6]),
        "impure": "; ".join(impure_names[:4]),
    }


def main(argv: list[str]) -> None:
    nlp = [None]  # loaded on the first cache miss only
    names = sorted(p.name for p in PDNC.iterdir() if p.is_dir()) if argv == ["--all"] else argv or DEFAULT
    total: Counter[str] = Counter()
    print("| novel | gold>=5q | recall | purity | gender | predicted | chars+coref s | segment s | words |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    notes = []
    for name in names:
        r = check(name, nlp)
        print(
            f"| {name} | {r['n_gold']} | {r['recall']:.2f} | {r['purity']:.2f} | {r['gender']:.2f} | {r['n_pred']} "
            f"| {r['seconds']:.2f} | {r['segment_s']:.1f} | {r['words']} |",
            flush=True,
        )
        notes.append(f"{name}: missed [{r['missed']}] impure [{r['impure']}]")
        for k in ("found", "n_gold", "gender_ok", "gender_n", "matched", "impure_n", "n_pred", "seconds", "words"):
            total[k] += r[k]
    print(
        f"| micro | {total['n_gold']} | {total['found'] / max(total['n_gold'], 1):.2f} "
        f"| {1 - total['impure_n'] / max(total['matched'], 1):.2f} | {total['gender_ok'] / max(total['gender_n'], 1):.2f} "
        f"| {total['n_pred']} | {total['seconds']:.2f} | | {total['words']} |"
    )
    print("\n".join(notes))


if __name__ == "__main__":
    main(sys.argv[1:])
