"""Check the quotes stage against PDNC gold quote spans (marks excluded).

Usage: .venv/bin/python bench/quotes_check.py [Novel ...]

Paragraphs are blank-line blocks. Gold units are the sub-quotation spans of
quotation_info.csv; predictions are top-level quote pieces (nested quotes are
left out: PDNC does not annotate them). Exact: same [start, end). Overlap: the
pieces overlap at least half of the gold span (and, for precision, half of the
predicted piece is covered by gold). The dashP column counts paragraphs opening with
a dash (—, ―, –, --, -) and dashQ the quotes read as dash dialogue: PDNC's dash-opening
paragraphs are narration, so dashQ should stay 0.
"""

from __future__ import annotations

import ast
import csv
import re
import sys
import time
from pathlib import Path

from ficlens.model import Document, Paragraph
from ficlens.stages.quotes import QuoteConfig, QuoteStage

PDNC = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdnc" / "data"


def paragraphs(text: str) -> list[Paragraph]:
    out, pos = [], 0
    for m in [*re.finditer(r"\n\s*\n", text), None]:
        end = m.start() if m else len(text)
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Paragraph(id=len(out), start=s, end=e, chapter=0, scene=0))
        pos = m.end() if m else len(text)
    return out


def gold_spans(folder: Path) -> list[tuple[int, int]]:
    spans = []
    with open(folder / "quotation_info.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for s, e in ast.literal_eval(row["quoteByteSpans"]):
                spans.append((int(s), int(e)))
    return sorted(spans)


def covered(span: tuple[int, int], others: list[tuple[int, int]]) -> int:
    s, e = span
    return sum(max(0, min(e, oe) - max(s, os_)) for os_, oe in others)


def overlapping(span, sorted_spans, starts):
    import bisect

    k = bisect.bisect_left(starts, span[0])
    lo = max(0, k - 3)
    return [o for o in sorted_spans[lo : k + 3] if o[0] < span[1] and o[1] > span[0]]


def prf(tp_p, n_p, tp_r, n_r):
    p = tp_p / n_p if n_p else 1.0
    r = tp_r / n_r if n_r else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def check(folder: Path, verbose: int = 0):
    text = (folder / "novel_text.txt").read_text(encoding="utf-8")
    doc = Document(text=text, paragraphs=paragraphs(text))
    t0 = time.perf_counter()
    QuoteStage(QuoteConfig())(doc)
    secs = time.perf_counter() - t0
    pred = sorted((q.start, q.end) for q in doc.quotes if q.nested_in is None)
    gold = gold_spans(folder)
    gs, ps = [g[0] for g in gold], [p[0] for p in pred]
    gset, pset = set(gold), set(pred)
    exact = prf(len(pset & gset), len(pred), len(gset & pset), len(gold))
    good_g = [g for g in gold if covered(g, overlapping(g, pred, ps)) * 2 >= g[1] - g[0]]
    good_p = [p for p in pred if covered(p, overlapping(p, gold, gs)) * 2 >= p[1] - p[0]]
    over = prf(len(good_p), len(pred), len(good_g), len(gold))
    if verbose:
        miss = [g for g in gold if g not in set(good_g)]
        extra = [p for p in pred if p not in set(good_p)]
        for label, items in (("MISSED", miss), ("EXTRA", extra)):
            for s, e in items[:verbose]:
                print(
                    label,
                    s,
                    repr(text[max(0, s - 60) : s]),
                    "[[",
                    repr(text[s:e][:150]),
                    "]]",
                    repr(text[e : e + 40]),
                )
    dash_paras = sum(
        1 for p in doc.paragraphs if re.match(r"\s*(?:—|―|–|-)", text[p.start : p.end])
    )
    dash_quotes = sum(1 for q in doc.quotes if q.mark == "dash")
    return exact, over, len(gold), len(pred), secs, dash_paras, dash_quotes


def main(argv: list[str]) -> None:
    verbose = 0
    if argv and argv[0].startswith("-v"):
        verbose = int(argv[0][2:] or 20)
        argv = argv[1:]
    folders = [PDNC / n for n in argv] if argv else sorted(p for p in PDNC.iterdir() if p.is_dir())
    print(
        f"{'novel':30s} {'gold':>5s} {'pred':>5s}  exactP exactR exactF   overP  overR  overF   secs dashP dashQ"
    )
    tot = [0, 0, 0, 0, 0, 0]
    dash_tot = [0, 0]
    for folder in folders:
        (ep, er, ef), (op, orr, of), ng, np_, secs, dp, dq = check(folder, verbose)
        dash_tot[0] += dp
        dash_tot[1] += dq
        print(
            f"{folder.name:30s} {ng:5d} {np_:5d}  {ep:.3f}  {er:.3f}  {ef:.3f}   {op:.3f}  {orr:.3f}  {of:.3f}  {secs:.2f} {dp:5d} {dq:5d}"
        )
        for n, v in enumerate((ep * np_, er * ng, op * np_, orr * ng)):
            tot[n] += v
        tot[4] += np_
        tot[5] += ng
    if len(folders) > 1:
        ep, er, ef = prf(tot[0], tot[4], tot[1], tot[5])
        op, orr, of = prf(tot[2], tot[4], tot[3], tot[5])
        print(
            f"{'ALL (micro)':30s} {int(tot[5]):5d} {int(tot[4]):5d}  {ep:.3f}  {er:.3f}  {ef:.3f}   {op:.3f}  {orr:.3f}  {of:.3f}        {dash_tot[0]:5d} {dash_tot[1]:5d}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
