"""Speaker attribution on PDNC novels: accuracy by quote type, candidate recall, addressees.

Usage::

    .venv/bin/python bench/speakers_check.py                       # default novels, gold mode
    .venv/bin/python bench/speakers_check.py --novels Emma,DaisyMiller --mode both

Modes:
  gold  gold quotes and gold characters (from character_info.csv aliases); name mentions by
        alias match, pronouns left unresolved (no coref). Isolates the speakers stage.
  e2e   the available pipeline (segment, quotes, characters, coref, speakers); predicted
        characters are mapped to gold by name/alias match and quotes by span overlap.

``--scorer ranker`` uses the learned ranker, each novel scored by the fold model that never
saw it. Reference (PDNC): BookNLP end to end 0.40; BookNLP+ with gold characters 0.785
(explicit 0.986, non-explicit 0.689). Parses are cached under --cache (default /tmp).
"""

from __future__ import annotations

import argparse
import ast
import csv
import re
import sys
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from pathlib import Path

from ficlens.model import Character, Document, Gender, Mention, MentionKind, Quote
from ficlens.stages.speakers import SpeakerConfig, SpeakerStage

PDNC = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdnc" / "data"
DEFAULT_NOVELS = "DaisyMiller,TheAwakening,WhereAngelsFearToTread,TheSportOfTheGods,PrideAndPrejudice"
_PRONOUNS = frozenset("i me my mine myself he him his she her hers you your".split())
_GENDERS = {"M": Gender.MALE, "F": Gender.FEMALE}


def load_gold(folder: Path) -> tuple[str, list[dict], list[dict]]:
    text = (folder / "novel_text.txt").read_text(encoding="utf-8")
    with open(folder / "quotation_info.csv", encoding="utf-8", newline="") as fh:
        quotes = list(csv.DictReader(fh))
    with open(folder / "character_info.csv", encoding="utf-8", newline="") as fh:
        chars = list(csv.DictReader(fh))
    return text, quotes, chars


def parse(text: str, folder: str, cache: Path, nlp_holder: list) -> Document:
    path = cache / f"ficlens_speakers_{folder}.json"
    if path.exists():
        return Document.from_json(path)
    from ficlens.nlp import load_nlp
    from ficlens.stages.segment import SegmentConfig, SegmentStage

    if not nlp_holder:
        nlp_holder.append(SegmentStage(SegmentConfig(), load_nlp()))
    doc = nlp_holder[0](Document(text=text, source=folder))
    path.write_text(doc.to_json(), encoding="utf-8")
    return doc


def gold_characters(rows: list[dict]) -> tuple[list[Character], dict[str, str]]:
    characters, by_name = [], {}
    for row in rows:
        cid = f"C{row['Character ID']}"
        aliases = sorted(set(ast.literal_eval(row["Aliases"])))
        narrator = "_narr" in aliases
        aliases = [a for a in aliases if a != "_narr"]
        characters.append(
            Character(
                id=cid, name=row["Main Name"], aliases=tuple(aliases),
                gender=_GENDERS.get(row["Gender"], Gender.UNKNOWN), is_narrator=narrator,
            )
        )
        for name in (row["Main Name"], *aliases, *(["_narr"] if narrator else [])):
            by_name.setdefault(name, cid)
    return characters, by_name


def gold_quotes(doc: Document, rows: list[dict]) -> tuple[list[Quote], list[int]]:
    """One Quote per sub-quotation span, later pieces ``continues`` the first; first piece index per row."""
    starts = [p.start for p in doc.paragraphs]
    quotes: list[Quote] = []
    first: list[int] = []
    for row in rows:
        spans = ast.literal_eval(row["quoteByteSpans"])
        head = None
        first.append(len(quotes))
        for s, e in spans:
            para = doc.paragraphs[max(0, bisect_right(starts, s) - 1)].id if doc.paragraphs else 0
            qid = f"Q{len(quotes)}"
            quotes.append(
                Quote(qid, s, e, doc.text[s:e], para, "double", open_start=s - 1, continues=head)
            )
            head = head or qid
    return quotes, first


def alias_mentions(doc: Document, characters: list[Character], quotes: list[Quote]) -> list[Mention]:
    """Name mentions by exact alias match (ambiguous aliases unresolved) and pronoun mentions."""
    owners: dict[str, set[str]] = {}
    for c in characters:
        for alias in {c.name, *c.aliases}:
            if len(alias) > 1:
                owners.setdefault(alias, set()).add(c.id)
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in sorted(owners, key=len, reverse=True)) + r")\b")
    spans = sorted((q.start, q.end) for q in quotes)
    qstarts = [s for s, _ in spans]

    def inside(pos: int) -> bool:
        i = bisect_right(qstarts, pos) - 1
        return i >= 0 and spans[i][0] <= pos < spans[i][1]

    tstarts = [t.start for t in doc.tokens]
    mentions, taken = [], set()
    for m in pattern.finditer(doc.text):
        ids = owners[m.group(1)]
        lo, hi = bisect_left(tstarts, m.start()), bisect_left(tstarts, m.end())
        if hi <= lo:
            continue
        cid = next(iter(ids)) if len(ids) == 1 else None
        mentions.append(Mention(m.start(), m.end(), lo, hi, m.group(1), MentionKind.NAME, cid, inside(m.start())))
        taken.update(range(lo, hi))
    for t in doc.tokens:
        if t.i not in taken and t.text.lower() in _PRONOUNS:
            mentions.append(Mention(t.start, t.end, t.i, t.i + 1, t.text, MentionKind.PRONOUN, None, inside(t.start)))
    mentions.sort(key=lambda m: m.start)
    return mentions


def score(rows, predicted, candidates, addressees, by_name) -> dict:
    """predicted/candidates/addressees: per gold row (gold character ids)."""
    total, correct = Counter(), Counter()
    recall = Counter()
    addr_total = addr_ok = 0
    for row, pred, cands, addr in zip(rows, predicted, candidates, addressees, strict=True):
        kind = row["quoteType"] if row["quoteType"] in ("Explicit", "Anaphoric", "Implicit") else "Other"
        gold = by_name.get(row["speaker"])
        for key in (kind, "All"):
            total[key] += 1
            correct[key] += pred is not None and pred == gold
            recall[key] += gold in cands
        gold_addr = {by_name.get(n) for n in ast.literal_eval(row["addressees"] or "[]")} - {None}
        if gold_addr:
            addr_total += 1
            addr_ok += bool(set(addr) & gold_addr)
    out = {k: (correct[k] / total[k], recall[k] / total[k], total[k]) for k in total}
    out["addressee"] = (addr_ok / addr_total if addr_total else 0.0, 0.0, addr_total)
    return out


def run_gold(folder: Path, cache: Path, holder: list, config: SpeakerConfig) -> tuple[dict, float]:
    text, rows, char_rows = load_gold(folder)
    doc = parse(text, folder.name, cache, holder)
    characters, by_name = gold_characters(char_rows)
    quotes, first = gold_quotes(doc, rows)
    doc.quotes, doc.characters = quotes, characters
    doc.mentions = alias_mentions(doc, characters, quotes)
    started = time.perf_counter()
    doc = SpeakerStage(config).heldout(folder.name)(doc)
    elapsed = time.perf_counter() - started
    pred = [doc.quotes[i].speaker_id for i in first]
    cands = [doc.quotes[i].candidates for i in first]
    addr = [doc.quotes[i].addressee_ids for i in first]
    return score(rows, pred, cands, addr, by_name), elapsed


def run_e2e(folder: Path, cache: Path, holder: list, config: SpeakerConfig) -> tuple[dict, float] | None:
    try:
        from ficlens.stages.characters import CharacterConfig, CharacterStage
        from ficlens.stages.coref import CorefConfig, CorefStage
        from ficlens.stages.quotes import QuoteConfig, QuoteStage
    except ImportError as exc:
        print(f"  e2e: not available yet ({exc})", file=sys.stderr)
        return None
    text, rows, char_rows = load_gold(folder)
    doc = parse(text, folder.name, cache, holder)
    for stage in (QuoteStage(QuoteConfig()), CharacterStage(CharacterConfig()), CorefStage(CorefConfig())):
        doc = stage(doc)
    started = time.perf_counter()
    doc = SpeakerStage(config).heldout(folder.name)(doc)
    elapsed = time.perf_counter() - started
    _, by_name = gold_characters(char_rows)
    gold_lower = {n.lower(): cid for n, cid in by_name.items()}
    # Predicted character -> gold id: first of its name/aliases that is a gold alias.
    mapping = {}
    for c in doc.characters:
        if c.is_narrator and "_narr" in by_name:
            # PDNC names the first-person narrator "_narr" among the gold aliases.
            mapping[c.id] = by_name["_narr"]
            continue
        for name in (c.name, *c.aliases):
            if name.lower() in gold_lower:
                mapping[c.id] = gold_lower[name.lower()]
                break
    qstarts = [q.start for q in doc.quotes]
    pred, cands, addr = [], [], []
    for row in rows:
        s, e = ast.literal_eval(row["quoteByteSpans"])[0]
        i = bisect_right(qstarts, s) - 1
        q = doc.quotes[i] if i >= 0 and doc.quotes[i].end > s else None
        if q is None and i + 1 < len(doc.quotes) and doc.quotes[i + 1].start < e:
            q = doc.quotes[i + 1]
        pred.append(mapping.get(q.speaker_id) if q and q.speaker_id else None)
        cands.append(tuple(mapping.get(c) for c in q.candidates) if q else ())
        addr.append(tuple(mapping.get(c) for c in q.addressee_ids) if q else ())
    return score(rows, pred, cands, addr, by_name), elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--novels", default=DEFAULT_NOVELS)
    ap.add_argument("--mode", choices=("gold", "e2e", "both"), default="gold")
    ap.add_argument("--cache", type=Path, default=Path("/tmp"))
    ap.add_argument("--scorer", choices=("rules", "ranker"), default=SpeakerConfig().scorer)
    args = ap.parse_args()
    if not PDNC.is_dir():
        sys.exit(f"PDNC not found at {PDNC}")
    holder: list = []
    # The ranker scores each novel with its fold model (trained without that novel).
    config = SpeakerConfig(scorer=args.scorer)
    modes = ("gold", "e2e") if args.mode == "both" else (args.mode,)
    header = f"{'mode':5} {'novel':28} {'all':>6} {'expl':>6} {'anaph':>6} {'impl':>6} {'cand@':>6} {'addr':>6} {'n':>5} {'sec':>5}"
    print(header)
    for mode in modes:
        totals: Counter = Counter()
        hits: Counter = Counter()
        for name in args.novels.split(","):
            runner = run_gold if mode == "gold" else run_e2e
            result = runner(PDNC / name, args.cache, holder, config)
            if result is None:
                break
            res, elapsed = result
            for key, (acc, rec, n) in res.items():
                totals[key] += n
                hits[key] += acc * n
                if key == "All":
                    hits["recall"] += rec * n
            print(
                f"{mode:5} {name:28} {res['All'][0]:6.3f} {res.get('Explicit', (0,))[0]:6.3f} "
                f"{res.get('Anaphoric', (0,))[0]:6.3f} {res.get('Implicit', (0,))[0]:6.3f} "
                f"{res['All'][1]:6.3f} {res['addressee'][0]:6.3f} {res['All'][2]:5d} {elapsed:5.1f}"
            )
        if totals["All"]:
            avg = {k: hits[k] / totals[k] for k in totals}
            print(
                f"{mode:5} {'(micro average)':28} {avg['All']:6.3f} {avg.get('Explicit', 0):6.3f} "
                f"{avg.get('Anaphoric', 0):6.3f} {avg.get('Implicit', 0):6.3f} "
                f"{hits['recall'] / totals['All']:6.3f} {avg.get('addressee', 0):6.3f} {totals['All']:5d}"
            )


if __name__ == "__main__":
    main()
