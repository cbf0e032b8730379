"""Make the content-signals gold: the split, a sample of sentences for two readers, their
readings compared, the result packed.

    python gold/signals/tool.py split   # writes src/ficlens/data/splits/signals-fanfic-test.txt
    python gold/signals/tool.py sample --out /tmp/signals-draft
    python gold/signals/tool.py compare /tmp/signals-gold/A.tsv /tmp/signals-gold/B.tsv
    python gold/signals/tool.py pack /tmp/signals-gold/final.tsv --readings A.tsv B.tsv
    python gold/signals/tool.py supplement --draw 4 --out /tmp/signals-draw4 --drawn gold/signals/sentences.tsv
    python gold/signals/tool.py pack FINAL4 --readings A4.tsv B4.tsv --append   # a further draw onto the gold

``sample`` reads every work (fan fiction as ficlens reads it, PDNC novels, LitBank's original
texts), splits it into sentences, and draws: for each kind, sentences a broad word list
flags (far broader than the signals stage's, so the gold does not inherit the stage's
blind spots), spread over works and datasets; sentences drawn at random from everywhere;
and sentences that hold an idiom or a negation near such a word (hard negatives). The
readers see each sentence with the one before and after, in a shuffled order, and never
which list drew it. The draft (story text) stays outside the repository; the gold holds
offsets, labels and hashes.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from ficlens.eval.align import nonspace
from ficlens.eval.fanfic_gold import quote_hash
from ficlens.eval.signals_gold import (
    KINDS,
    GoldSentence,
    Roots,
    format_labels,
    load_sentences,
    parse_labels,
    text_sentences,
    work_text,
    write_sentences,
)
from ficlens.stages.signals import BROAD

REPO = Path(__file__).resolve().parents[2]
SPLIT_FILE = REPO / "src" / "ficlens" / "data" / "splits" / "signals-fanfic-test.txt"
FANFIC_FOLDERS = ("ao3", "epub", "ffn")
SEED = 20261207

# Broad on purpose: what a reader would search for to find each kind, including the modern
# and fan-fiction idiom the issue names ("OD'd", "bled out", "didn't make it", "relapse").
MINING: dict[str, str] = {kind: pattern.pattern for kind, pattern in BROAD.items()}
HARD_NEGATIVE = re.compile(
    r"\b(killing me|dying to|dead (tired|serious|silent|quiet|set)|bored to death|bloody (hell|idiot|brilliant)|"
    r"drunk on|high (school|spirits|above)|cut (it out|the|a slice|across)|shot (a look|a glance|him a|her a)|"
    r"kill (time|the lights)|scared to death|to die for|deadline|over my dead body|not that|never|didn'?t|wasn'?t|"
    r"wouldn'?t|if (he|she|they|i|you)|what if|afraid (he|she|they) would|might have)\b"
)
# The second draw, for the kinds the first draw held too few of (the sources hold little
# self-harm, suicide, underage content or substance abuse): narrower phrases, every match
# taken (substance abuse: a random ``--cap`` of them), none already drawn.
SUPPLEMENT: dict[str, str] = {
    "self_harm": r"\b(cut(s|ting)? (himself|herself|myself|themselves|yourself)|self[- ]?harm\w*|self[- ]?injur\w*|(razor|blade)s? (to|across|against) (his|her|my) (skin|arm|wrist|thigh)|scars? on (his|her|my) (wrists?|arms?|thighs?)|burn(ed|ing)? (himself|herself|myself)|hurt(ing)? (himself|herself|myself)|(hit|punch|scratch)(ed|ing)? (himself|herself|myself)|do it again|cutting|relapsed?|bandaged wrists?|long sleeves)\b",
    "suicide": r"\b(suicid\w*|kill(ed|ing)? (himself|herself|myself|themselves|yourself)|t(ake|ook) (his|her|my|their) own li(fe|ves)|end(ed|ing)? (his|her|my) (own )?life|want(ed|s)? to die|overdos\w*|hang(ed)? (himself|herself|myself)|jump(ed)? (off|from) the (bridge|roof|building|cliff))\b",
    "underage": r"\b(underage|under-age|minor|(eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|11|12|13|14|15|16|17)[- ]years?[- ]old|age of consent|too young|jailbait)\b",
    "substance_abuse": r"\b(drunk(en|ard)?|alcoholi\w*|addict\w*|overdos\w*|od'?d|withdrawal|relaps\w*|sober\w*|hung ?over|hangover|rehab|cocaine|heroin|opium|laudanum|morphine|meth|stoned|high on|get(ting)? high|drank (himself|herself|myself)|intoxicat\w*|inebriat\w*|tipsy|wasted|binge\w*)\b",
}
# The third draw, for the kinds still under 60 positives after two readings whose sources
# hold more (rape/non-con, sexual content, substance abuse): every rape/non-con match, a
# random ``--cap`` of each of the other two. Underage and self-harm: every phrase that could
# find them was read in the first two draws.
SUPPLEMENT_3: dict[str, str] = {
    "rape_noncon": r"\b(rap(e|ed|es|ing|ist)|non-?con\w*|without (his|her|my|their) consent|sexual(ly)? assault\w*|molest\w*|against (his|her|my|their) will|forced (himself|herself) (on|onto|upon)|took advantage of (him|her|me)|violated)\b",
    "sexual_content": r"\b(cock|dick|penis|cunt|pussy|clit\w*|nipples?|orgasm\w*|thrust\w*|erection|hard-?on|lube|fuck(ed|ing)? (him|her|me|you)|came (inside|in|on)|cum\w*|blow ?job|ejaculat\w*|sex|naked|undress\w*|moan\w*|arous\w*|make love|made love|making love)\b",
    "substance_abuse": r"\b(drunk(en|ard)?|alcoholi\w*|addict\w*|overdos\w*|od'?d|withdrawal|relaps\w*|sober\w*|hung ?over|hangover|rehab|cocaine|heroin|opium|laudanum|morphine|meth|stoned|high on|get(ting)? high|intoxicat\w*|inebriat\w*|tipsy|wasted|binge\w*|whiske?y|gin|brandy|vodka|bottle)\b",
}
CAPPED_3 = ("sexual_content", "substance_abuse")
_AGE = r"(?:eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|1[1-7])"
# The fourth draw, for the two kinds still under 60 positives after three (self-harm,
# underage): broader phrases than the second draw's (the skin, the blade, the scars, days
# clean; ages, school years, "minor"), every match; underage phrases only where a sexual word
# is in the sentence or its neighbours (``CONTEXT_4``). ``hard`` draws look-alikes that are not
# the kind ("cut the bread", "a clean break", "a minor detail"): hard negatives.
SUPPLEMENT_4: dict[str, str] = {
    "self_harm": r"\b(cut(s|ting)? (into |at )?(his|her|my|their|your) (own )?(skin|arms?|wrists?|forearms?|thighs?|legs?|stomach|flesh|hips?)|razors?|(blade|knife)s? (to|across|against|into|on|over) (his|her|my|their|your|the) (skin|arms?|wrists?|forearms?|thighs?|flesh)|scar(s|red)? (on|along|across|up|covering) (his|her|my|their|your) (wrists?|arms?|forearms?|thighs?|legs?|hips?|stomach)|(old|white|silver(y)?|thin|faded|self-inflicted|neat|parallel) (lines|scars)|self-inflicted|burn(ed|t|ing|s)? (himself|herself|myself|themselves|yourself)|clean for (\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+ty) (days?|weeks?|months?|years?)|(days|weeks|months|years) clean|scratch(ed|ing)? (at )?(his|her|my|their) (arms?|skin|wrists?) (until|till|raw|bloody)|punish(ed|ing)? (himself|herself|myself|themselves)|(hurt|harm)(ed|ing)? (himself|herself|myself|themselves) on purpose|want(ed|s)? to (hurt|harm) (himself|herself|myself)|urge to (cut|hurt|bleed)|the urges?|bit(e|ing|ten)? (his|her|my) (own )?(arm|wrist|hand) (until|till|hard enough)|(hit|punch|slam)(med|ed|ing|s)? (his|her|my) (head|fist)s? (against|into) the wall)\b",
    "underage": r"\b(" + _AGE + r"[- ]years?[- ]olds?|" + _AGE + r" years? of age|(aged?|was|were|is|turned|only|just) " + _AGE + r"\b|minors?|under-?age(d)?|jailbait|child (porn\w*|molest\w*|sexual abuse)|p(a)?edophil\w*|statutory|age of consent|(freshman|sophomore|junior) year|high ?school(er)?s?|(sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|[6-9]th|1[0-2]th) grade(rs?)?|year (7|8|9|10|11|12|seven|eight|nine|ten|eleven|twelve)|(first|second|third|fourth|fifth|sixth|seventh)[- ]years?|teen(ager|agers|aged)?s?|school ?(boy|girl)s?|just a (kid|child|boy|girl)|too young)\b",
    "hard": r"\b(cut (the|a|some) (bread|cake|meat|rope|vegetables?|onions?|carrots?|line|engine|call|grass|deal|cards?)|clean (break|slate|sheets?|clothes|shirt)|came clean|minor (detail|thing|injur\w*|issue|key|character|role|inconvenience|setback)s?|scar(red)? for life|blades? of grass|razor[- ]sharp|relapse into (sleep|silence))\b",
}
CONTEXT_4 = {
    "underage": re.compile(
        r"\b(sex\w*|naked|nude|undress\w*|kiss\w*|moan\w*|thrust\w*|cock|dick|penis|breasts?|nipples?|orgasm\w*|arous\w*|erect\w*|fuck\w*|"
        r"virgin\w*|touch(ed|ing)? (him|her|me)|in bed|slept with|make love|made love|rap(e|ed|ist)|molest\w*|groom\w*|porn\w*|seduc\w*|lust\w*)\b",
        re.IGNORECASE,
    )
}
def sentences(text: str) -> list[tuple[int, int]]:
    """The gold's candidate sentences: ``text_sentences`` of 3 to 120 words."""
    return [(s, e) for s, e in text_sentences(text) if 3 <= len(text[s:e].split()) <= 120]


def list_works(roots: Roots) -> list[str]:
    from ficlens.eval.litbank import list_works as litbank_works
    from ficlens.eval.pdnc import list_novels
    from ficlens.ingest import read_works

    works: list[str] = []
    for folder in FANFIC_FOLDERS:
        for path in sorted((roots.fanfic / folder).glob("*")):
            try:
                n = len(read_works(path))
            except Exception:  # a file ficlens refuses holds no story
                continue
            works += [f"fanfic:{folder}/{path.name}#{i}" for i in range(1, n + 1)]
    works += [f"pdnc:{n}" for n in list_novels(roots.pdnc)]
    works += [f"litbank:{s}" for s in litbank_works(roots.litbank)]
    return works


def split(roots: Roots) -> None:
    """Fan-fiction works: a work of the fan-fiction gold keeps its split there; chapters of one
    work (same title and authors) share a split; of the other works, the third whose first
    file has the smallest SHA-256 is test."""
    from ficlens.eval.fanfic_gold import read_works_table
    from ficlens.eval.splits import split_of
    from ficlens.ingest import read_work

    gold = read_works_table(REPO / "gold" / "fanfic")
    gold_split = {f: split_of("fanfic", w) for w, files in gold.items() for f in files}
    groups: dict[tuple, list[str]] = defaultdict(list)
    for work in list_works(roots):
        if not work.startswith("fanfic:"):
            continue
        rel, _, index = work[len("fanfic:") :].partition("#")
        md = read_work(roots.fanfic / rel, int(index)).metadata
        groups[(md.get("title") or rel, tuple(md.get("authors") or ()))].append(work[len("fanfic:") :])
    test: set[str] = set()
    rest: list[list[str]] = []
    for members in groups.values():
        fixed = {gold_split[m.partition("#")[0]] for m in members if m.partition("#")[0] in gold_split}
        if fixed:
            if "test" in fixed:
                test.update(members)
        else:
            rest.append(members)
    rest.sort(key=lambda m: hashlib.sha256(m[0].encode("utf-8")).hexdigest())
    for members in rest[: round(len(rest) / 3)]:
        test.update(members)
    header = (
        "# The content-signals gold's fan-fiction test works (PDNC and LitBank works keep their own\n"
        "# frozen splits). Rule: a work of the fan-fiction gold keeps its split there; the chapter\n"
        "# files of one work (same title and authors) share a split; of the other works, the third\n"
        "# (rounded) whose first file id has the smallest SHA-256 hex digest is test.\n"
        "# Written by `python gold/signals/tool.py split`; read by ficlens.eval.signals_gold.\n"
    )
    ordered = [w for members in groups.values() for w in members if w in test]
    SPLIT_FILE.write_text(header + "\n".join(ordered) + "\n", encoding="utf-8")
    print(f"{len(ordered)} of {sum(len(m) for m in groups.values())} fan-fiction works are test -> {SPLIT_FILE}")


def sample(roots: Roots, out: Path, per_kind: int, randoms: int, hard: int) -> None:
    rng = random.Random(SEED)
    pool: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    everything: list[tuple[str, int, int]] = []
    hard_pool: list[tuple[str, int, int]] = []
    compiled = {k: re.compile(p, re.IGNORECASE) for k, p in MINING.items()}
    texts: dict[str, str] = {}
    for work in list_works(roots):
        text = work_text(work, roots)
        texts[work] = text
        for s, e in sentences(text):
            sent = text[s:e]
            item = (work, s, e)
            everything.append(item)
            hits = [k for k, rx in compiled.items() if rx.search(sent)]
            for k in hits:
                pool[k].append(item)
            if hits and HARD_NEGATIVE.search(sent):
                hard_pool.append(item)
    chosen: dict[tuple[str, int, int], set[str]] = defaultdict(set)

    def draw(items: list[tuple[str, int, int]], n: int, why: str) -> None:
        # Spread over works: at most a tenth of a kind's draw from one work, fan fiction first.
        by_work: dict[str, list] = defaultdict(list)
        for it in items:
            by_work[it[0]].append(it)
        cap = max(3, n // 10)
        picked: list = []
        works = sorted(by_work, key=lambda w: (not w.startswith("fanfic:"), rng.random()))
        for w in works:
            picked += rng.sample(by_work[w], min(cap, len(by_work[w])))
        fanfic = [p for p in picked if p[0].startswith("fanfic:")]
        other = [p for p in picked if not p[0].startswith("fanfic:")]
        rng.shuffle(fanfic)
        rng.shuffle(other)
        take = fanfic[: (2 * n) // 3]
        take += other[: n - len(take)]
        take += fanfic[len(take) : n] if len(take) < n else []
        for it in take[:n]:
            chosen[it].add(why)

    for kind in KINDS:
        draw(pool[kind], per_kind, kind)
    draw(hard_pool, hard, "hard")
    for it in rng.sample(everything, randoms):
        chosen[it].add("random")
    _write_draft(out, chosen, texts, "S")


def supplement(roots: Roots, out: Path, drawn: list[Path], cap: int, draw: int = 2) -> None:
    """A further draw (``SUPPLEMENT`` for the second, ``SUPPLEMENT_3`` for the third,
    ``SUPPLEMENT_4`` for the fourth), written like ``sample``'s with ids T0, ... (second),
    U0, ... (third) or V0, ... (fourth). Sentences in any
    ``drawn`` file (a draw's drawn.tsv or the packed gold) are skipped; every match is taken,
    except for the kinds in ``CAPPED``, of which a random ``cap`` are."""
    patterns, capped, prefix = {
        2: (SUPPLEMENT, ("substance_abuse",), "T"),
        3: (SUPPLEMENT_3, CAPPED_3, "U"),
        4: (SUPPLEMENT_4, (), "V"),
    }[draw]
    context = CONTEXT_4 if draw == 4 else {}
    rng = random.Random(SEED + draw - 1)
    seen: set[tuple[str, str, str]] = set()
    for path in drawn:
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            if line and not line.startswith("#"):
                cells = line.split("\t")
                # drawn.tsv: sid, work, start, end; sentences.tsv: work, start, end
                seen.add(tuple(cells[1:4]) if cells[0][:1] in "STUV" and cells[0][1:].isdigit() else tuple(cells[0:3]))
    compiled = {k: re.compile(p, re.IGNORECASE) for k, p in patterns.items()}
    chosen: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    texts: dict[str, str] = {}
    pools: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for work in list_works(roots):
        text = texts[work] = work_text(work, roots)
        for s, e in sentences(text):
            if (work, str(s), str(e)) in seen:
                continue
            for kind, rx in compiled.items():
                if rx.search(text[s:e]):
                    if kind in context and not context[kind].search(text[max(0, s - 300) : e + 300]):
                        continue
                    if kind in capped:
                        pools[kind].append((work, s, e))
                    else:
                        chosen[(work, s, e)].add(kind)
    for kind in capped:
        for item in rng.sample(pools[kind], min(cap, len(pools[kind]))):
            chosen[item].add(kind)
    _write_draft(out, chosen, texts, prefix)


def _write_draft(out: Path, chosen: dict, texts: dict[str, str], prefix: str) -> None:
    rows = sorted(chosen, key=lambda it: hashlib.sha256(f"{SEED}{it}".encode()).hexdigest())
    out.mkdir(parents=True, exist_ok=True)
    lines = ["sid\twork\tstart\tend\tbefore\tsentence\tafter\tlabels\tconcerns\tnote"]
    mined = ["sid\twork\tstart\tend\tdrawn_for"]
    for n, (work, s, e) in enumerate(rows):
        text = texts[work]
        lo = max(0, s - 600)
        spans = [(lo + a, lo + b) for a, b in sentences(text[lo : e + 600])]
        before = next((text[a:b] for a, b in reversed(spans) if b <= s), "")
        after = next((text[a:b] for a, b in spans if a >= e), "")
        lines.append("\t".join([f"{prefix}{n}", work, str(s), str(e), _cell(before), _cell(text[s:e]), _cell(after), "", "", ""]))
        mined.append("\t".join([f"{prefix}{n}", work, str(s), str(e), ",".join(sorted(chosen[(work, s, e)]))]))
    (out / "sentences.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "drawn.tsv").write_text("\n".join(mined) + "\n", encoding="utf-8")
    counts = Counter(w.partition(":")[0] for w, _, _ in rows)
    print(f"{len(rows)} sentences ({dict(counts)}) -> {out / 'sentences.tsv'}; draw reasons in drawn.tsv")


def _cell(text: str) -> str:
    """One line, no tabs: a sentence wrapped over lines is shown as one."""
    return " ".join(text.replace("\t", " ").split())


def read_reading(path: Path) -> dict[tuple[str, int, int], tuple[str, str]]:
    """A reader's file: (work, start, end) -> (labels, concerns), labels checked."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    out = {}
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        row = dict(zip(header, line.split("\t") + [""] * len(header), strict=False))
        if row.get("labels", "").strip() == "?":  # not read (a reader ran out of time)
            continue
        labels = parse_labels(row.get("labels", ""), f"{path}:{n}")
        out[(row["work"], int(row["start"]), int(row["end"]))] = (format_labels(labels), row.get("concerns", "").strip())
    return out


def compare(first: Path, second: Path) -> Counter:
    a, b = read_reading(first), read_reading(second)
    counts: Counter[str] = Counter()
    for key in sorted(set(a) & set(b)):
        la = {lab.kind: lab.time for lab in parse_labels(a[key][0])}
        lb = {lab.kind: lab.time for lab in parse_labels(b[key][0])}
        for kind in sorted(set(la) | set(lb)):
            if la.get(kind) != lb.get(kind):
                kind_of = "fact" if {la.get(kind), lb.get(kind)} & {"present", "past"} else "other"
                counts[f"{kind}:{kind_of}"] += 1
                print(f"{key[0]}\t{key[1]}\t{key[2]}\t{kind}\tA={la.get(kind)}\tB={lb.get(kind)}")
    missing = len(set(a) ^ set(b))
    if missing:
        print(f"{missing} sentences labelled by one reader only")
    print("disagreements:", dict(sorted(counts.items())))
    return counts


def pack(final: Path, readings: list[Path], roots: Roots, append: bool = False) -> None:
    """Write the settled labels as ``sentences.tsv``; with ``append``, after the gold already
    there (a further draw: its comment lines are kept and this draw's disagreements added)."""
    settled = read_reading(final)
    counts = compare(*readings) if len(readings) == 2 else Counter()
    target = REPO / "gold" / "signals" / "sentences.tsv"
    out: list[GoldSentence] = load_sentences(target) if append else []
    earlier = [line[2:] for line in target.read_text(encoding="utf-8").splitlines() if line.startswith("# ")] if append else []
    have = {(g.work, g.start, g.end) for g in out}
    for (work, s, e), (labels, concerns) in settled.items():
        if (work, s, e) in have:
            continue
        body = work_text(work, roots)[s:e]
        out.append(GoldSentence(work, s, e, quote_hash(body), len(nonspace(body)[0]), parse_labels(labels), concerns))
    comment = "\n".join(earlier) + f"\nA further draw: {len(settled)} sentences; disagreements before settling, by kind: {dict(sorted(counts.items()))}" if append else (
        "Content-signals gold (CC0 labels; see gold/signals/README.md). One row per sentence: its work, offsets in\n"
        "the text ficlens reads, a hash of its non-space characters and its size, labels kind:time, who it concerns.\n"
        f"Readings: {len(readings)}; disagreements before settling, by kind: {dict(sorted(counts.items()))}"
    )
    write_sentences(target, out, comment)
    print(f"{len(out)} sentences -> gold/signals/sentences.tsv")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fanfic", type=Path, default=Path("../shared/data/fanfic"))
    ap.add_argument("--pdnc", type=Path, default=Path("../shared/data/pdnc"))
    ap.add_argument("--litbank", type=Path, default=Path("../shared/data/litbank"))
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("split")
    s = sub.add_parser("sample")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--per-kind", type=int, default=120)
    s.add_argument("--random", type=int, default=400)
    s.add_argument("--hard", type=int, default=150)
    u = sub.add_parser("supplement")
    u.add_argument("--out", type=Path, required=True)
    u.add_argument("--drawn", type=Path, nargs="+", required=True,
                   help="earlier draws' drawn.tsv files or the packed gold (those sentences are skipped)")
    u.add_argument("--cap", type=int, default=250)
    u.add_argument("--draw", type=int, choices=(2, 3, 4), default=2,
                   help="which draw: 2 (SUPPLEMENT), 3 (SUPPLEMENT_3) or 4 (SUPPLEMENT_4)")
    c = sub.add_parser("compare")
    c.add_argument("first", type=Path)
    c.add_argument("second", type=Path)
    p = sub.add_parser("pack")
    p.add_argument("final", type=Path)
    p.add_argument("--readings", type=Path, nargs="*", default=[])
    p.add_argument("--append", action="store_true", help="add the settled draw to the gold already packed")
    args = ap.parse_args(argv)
    roots = Roots(args.fanfic, args.pdnc, args.litbank)
    if args.command == "split":
        split(roots)
    elif args.command == "sample":
        sample(roots, args.out, args.per_kind, args.random, args.hard)
    elif args.command == "supplement":
        supplement(roots, args.out, args.drawn, args.cap, args.draw)
    elif args.command == "compare":
        compare(args.first, args.second)
    else:
        pack(args.final, args.readings, roots, args.append)
    return 0


if __name__ == "__main__":
    sys.exit(main())
