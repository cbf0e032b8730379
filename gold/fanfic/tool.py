"""Make the fan-fiction gold: drafts for the readers, two readings compared, the result packed.

    python gold/fanfic/tool.py draft  --data ../shared/data/fanfic --out /tmp/fanfic-draft
    python gold/fanfic/tool.py compare /tmp/fanfic-gold/A /tmp/fanfic-gold/B
    python gold/fanfic/tool.py pack   --data ../shared/data/fanfic --labels /tmp/fanfic-gold/final \\
        --readings /tmp/fanfic-gold/A /tmp/fanfic-gold/B

``--gold DIR`` (default: this folder) makes another gold set the same way, e.g. the team's own
stories: ``--gold gold/fanfic-own --data gold/fanfic-own/stories``.
``unpack --out DIR`` writes the packed gold back as a reading folder (the draft's tables,
filled), so that a reading kept only as packed gold can be compared with a new one.

``draft`` reads each file of ``works.tsv`` as ficlens reads it and writes, outside the
repository (the story text must not enter it), per file: ``annotated.txt`` (paragraphs, scene
and chapter breaks, each quote ficlens found marked ``[Q7]``), ``tags.txt`` (the work's
metadata: character tags, summary), and blank label tables ``quotes.tsv``, ``scenes.tsv``,
``characters.tsv`` and ``not-characters.txt``. Quote spans are only a starting point: a reader
marks a span that is no quote as ``not-quote`` and adds a missed one as a row with qid ``new``,
its paragraph and its exact text. No ficlens speaker, character or POV is shown.

``pack`` turns one labelled folder per file into ``<gold>/<file id>.json``: offsets, names,
labels and quote hashes, never text; ``compare`` lists where two readings differ and counts it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from ficlens.eval.align import nonspace
from ficlens.eval.fanfic_gold import (
    GoldCharacter,
    GoldFile,
    GoldQuote,
    GoldScene,
    file_id,
    load_gold,
    quote_hash,
    read_works_table,
    text_hash,
)
from ficlens.ingest import read_document
from ficlens.pipeline import Pipeline, PipelineConfig

GOLD_DIR = Path(__file__).resolve().parent
QUOTE_COLUMNS = ["qid", "start", "end", "paragraph", "scene", "text", "speaker", "addressees", "type", "note"]
SCENE_COLUMNS = ["scene", "chapter", "start", "end", "opening", "pov", "person", "tense", "note"]
CHARACTER_COLUMNS = ["name", "aliases", "gender", "naming", "note"]


def _draft_doc(path: Path):
    doc = read_document(path)
    return Pipeline(PipelineConfig()).select(["segment", "quotes"])(doc)


def _cell(value: object) -> str:
    return " ".join(str(value).replace("\t", " ").split())


def _write_tsv(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Plain tab-separated lines, no quoting: the cells hold quote marks as they are."""
    lines = ["\t".join(columns)]
    lines += ["\t".join(_cell(row.get(c, "")) for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read_tsv(path: Path) -> list[dict[str, str]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    return [{h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)} for cells in rows[1:]]


def draft(data: Path, out: Path, only: set[str] | None, gold_dir: Path = GOLD_DIR) -> None:
    for work, files in read_works_table(gold_dir).items():
        if only and work not in only:
            continue
        for rel in files:
            doc = _draft_doc(data / rel)
            folder = out / file_id(rel)
            folder.mkdir(parents=True, exist_ok=True)
            quotes_by_para: dict[int, list] = {}
            for q in doc.quotes:
                quotes_by_para.setdefault(q.paragraph, []).append(q)
            lines: list[str] = [f"# {rel} (work {work}); {len(doc.text.split())} words; text sha256 {text_hash(doc.text)}"]
            scene_of_para = {p.id: p.scene for p in doc.paragraphs}
            last_scene = last_chapter = None
            for p in doc.paragraphs:
                if p.chapter != last_chapter:
                    ch = doc.chapters[p.chapter] if p.chapter < len(doc.chapters) else None
                    lines.append(f"\n=== CHAPTER {p.chapter}: {ch.title if ch else ''}")
                    last_chapter = p.chapter
                if p.scene != last_scene:
                    lines.append(f"--- SCENE {p.scene}")
                    last_scene = p.scene
                text = doc.text[p.start : p.end]
                # Insert the quote markers from the right so earlier offsets stay valid.
                for q in sorted(quotes_by_para.get(p.id, []), key=lambda q: q.start, reverse=True):
                    at = (q.open_start if q.open_start >= 0 else q.start) - p.start
                    text = text[:at] + f"[{q.id}]" + text[at:]
                lines.append(f"[P{p.id}] {text}")
            (folder / "annotated.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            md = doc.metadata
            tags = {k: md.get(k) for k in ("title", "authors", "fandoms", "characters", "relationships", "summary")}
            (folder / "tags.txt").write_text(json.dumps(tags, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            _write_tsv(
                folder / "quotes.tsv",
                QUOTE_COLUMNS,
                [
                    {
                        "qid": q.id,
                        "start": q.start,
                        "end": q.end,
                        "paragraph": q.paragraph,
                        "scene": scene_of_para.get(q.paragraph, ""),
                        "text": q.text.replace("\t", " ").replace("\n", " ")[:80],
                    }
                    for q in doc.quotes
                ],
            )
            _write_tsv(
                folder / "scenes.tsv",
                SCENE_COLUMNS,
                [
                    {
                        "scene": s.id,
                        "chapter": s.chapter,
                        "start": s.start,
                        "end": s.end,
                        "opening": doc.text[s.start : s.start + 60].replace("\t", " ").replace("\n", " "),
                    }
                    for s in doc.scenes
                ],
            )
            _write_tsv(folder / "characters.tsv", CHARACTER_COLUMNS, [])
            (folder / "not-characters.txt").write_text("", encoding="utf-8")
            print(f"{rel}: {len(doc.quotes)} quotes, {len(doc.scenes)} scenes -> {folder}")


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _find_new_quote(text: str, para: tuple[int, int], quote_text: str) -> tuple[int, int]:
    at = text.find(quote_text, para[0], para[1])
    if at < 0:
        raise ValueError(f"text {quote_text[:40]!r} not found in its paragraph")
    return at, at + len(quote_text)


def read_labels(folder: Path, doc) -> tuple[list[GoldCharacter], list[GoldQuote], list[GoldScene], list[str]]:
    """One reader's labels for one file, checked; quotes with their hashes."""
    characters = [
        GoldCharacter(r["name"], _split(r.get("aliases", "")), r["gender"].lower(), r["naming"].lower())
        for r in _read_tsv(folder / "characters.tsv")
        if r.get("name")
    ]
    paras = {p.id: (p.start, p.end) for p in doc.paragraphs}
    quotes: list[GoldQuote] = []
    for r in _read_tsv(folder / "quotes.tsv"):
        kind = r.get("type", "").lower()
        if kind == "not-quote":
            continue
        if r["qid"] == "new":
            start, end = _find_new_quote(doc.text, paras[int(r["paragraph"])], r["text"])
        else:
            start, end = int(r["start"]), int(r["end"])
        body = doc.text[start:end]
        quotes.append(
            GoldQuote(
                start,
                end,
                quote_hash(body),
                len(nonspace(body)[0]),
                r.get("speaker") or None,
                _split(r.get("addressees", "")),
                kind,
            )
        )
    quotes.sort(key=lambda q: q.start)
    scenes = [
        GoldScene(
            int(r["start"]),
            int(r["end"]),
            None if r.get("pov", "").lower() in ("", "none") else r["pov"],
            r.get("person", "").lower(),
            r.get("tense", "").lower(),
        )
        for r in _read_tsv(folder / "scenes.tsv")
    ]
    nots = [w.strip() for w in (folder / "not-characters.txt").read_text(encoding="utf-8").splitlines() if w.strip()]
    return characters, quotes, scenes, nots


def pack(data: Path, labels: Path, readings: list[Path], gold_dir: Path = GOLD_DIR) -> None:
    for work, files in read_works_table(gold_dir).items():
        for rel in files:
            fid = file_id(rel)
            folder = labels / fid
            if not folder.is_dir():
                print(f"{rel}: no labels in {folder}, skipped")
                continue
            path = data / rel
            doc = _draft_doc(path)
            characters, quotes, scenes, nots = read_labels(folder, doc)
            counts = _disagreements([r / fid for r in readings], doc) if len(readings) == 2 else {}
            gold = GoldFile(
                id=fid,
                work=work,
                file=rel,
                file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                text_sha256=text_hash(doc.text),
                characters=characters,
                quotes=quotes,
                scenes=scenes,
                not_characters=nots,
                readings=len(readings) or 1,
                disagreements=counts,
            )
            gold.validate(str(folder))
            (gold_dir / f"{fid}.json").write_text(json.dumps(gold.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"{rel}: {len(quotes)} quotes, {len(characters)} characters, {len(scenes)} scenes")


def _disagreements(folders: list[Path], doc, show: bool = False) -> dict[str, int]:
    """Where two readings of one file differ: quote spans, speakers, addressees, types,
    characters' genders and namings, scenes' POV, person and tense."""
    a, b = (read_labels(f, doc) for f in folders)
    counts: Counter[str] = Counter()

    def report(kind: str, where: str, x: object, y: object) -> None:
        counts[kind] += 1
        if show:
            print(f"  {kind:10s} {where}: A={x!r} B={y!r}")

    def alias_map(chars: list[GoldCharacter]) -> dict[str, str]:
        return {n.lower(): c.name for c in chars for n in c.names}

    # Speakers are compared through the other reader's names: "Stiles" in A is "Stiles Stilinski" in B.
    b_names = alias_map(b[0])
    canon = {c.name: b_names.get(c.name.lower()) or next((b_names[n.lower()] for n in c.aliases if n.lower() in b_names), c.name) for c in a[0]}
    qa = {(q.start, q.end): q for q in a[1]}
    qb = {(q.start, q.end): q for q in b[1]}
    for span in sorted(set(qa) | set(qb)):
        x, y = qa.get(span), qb.get(span)
        excerpt = doc.text[span[0] : span[1]][:50].replace("\n", " ")
        where = f"quote {span[0]}-{span[1]} {excerpt!r}"
        if x is None or y is None:
            report("span", where, x is not None, y is not None)
            continue
        if canon.get(x.speaker, x.speaker) != y.speaker:
            report("speaker", where, x.speaker, y.speaker)
        if {canon.get(n, n) for n in x.addressees} != set(y.addressees):
            report("addressee", where, x.addressees, y.addressees)
        if x.type != y.type:
            report("type", where, x.type, y.type)
    cb = {c.name: c for c in b[0]}
    for c in a[0]:
        other = cb.get(canon[c.name])
        if other is None:
            report("character", c.name, "listed", "absent")
            continue
        if c.gender != other.gender:
            report("gender", c.name, c.gender, other.gender)
        if c.naming != other.naming:
            report("naming", c.name, c.naming, other.naming)
    for name in set(cb) - set(canon.values()):
        report("character", name, "absent", "listed")
    sb = {(s.start, s.end): s for s in b[2]}
    for s in a[2]:
        t = sb.get((s.start, s.end))
        if t is None:
            continue
        where = f"scene {s.start}-{s.end}"
        if canon.get(s.pov, s.pov) != t.pov:
            report("pov", where, s.pov, t.pov)
        if s.person != t.person:
            report("person", where, s.person, t.person)
        if s.tense != t.tense:
            report("tense", where, s.tense, t.tense)
    return dict(sorted(counts.items()))


def compare(data: Path, first: Path, second: Path, gold_dir: Path = GOLD_DIR) -> None:
    total: Counter[str] = Counter()
    for _work, files in read_works_table(gold_dir).items():
        for rel in files:
            fid = file_id(rel)
            if not (first / fid).is_dir() or not (second / fid).is_dir():
                continue
            print(f"== {rel}")
            doc = _draft_doc(data / rel)
            total.update(_disagreements([first / fid, second / fid], doc, show=True))
    print("disagreements:", dict(sorted(total.items())))


def unpack(data: Path, out: Path, gold_dir: Path = GOLD_DIR) -> None:
    """The packed gold back as a reading folder (the draft's tables, filled), so that a reading
    kept only in the repository can be compared with a new one: draft spans the gold holds get
    its labels, the others ``not-quote``; a gold quote no draft span has is a row of its own."""
    draft(data, out, None, gold_dir)
    golds = {g.id: g for g in load_gold(gold_dir)}
    for fid, gold in golds.items():
        folder = out / fid
        rows = _read_tsv(folder / "quotes.tsv")
        labels = {(q.start, q.end): q for q in gold.quotes}
        for r in rows:
            q = labels.pop((int(r["start"]), int(r["end"])), None)
            r.update(
                {"speaker": q.speaker or "", "addressees": "|".join(q.addressees), "type": q.type}
                if q
                else {"type": "not-quote"}
            )
        rows += [
            {"qid": "gold", "start": q.start, "end": q.end, "speaker": q.speaker or "", "addressees": "|".join(q.addressees), "type": q.type}
            for q in labels.values()
        ]
        _write_tsv(folder / "quotes.tsv", QUOTE_COLUMNS, rows)
        scenes = {(s.start, s.end): s for s in gold.scenes}
        rows = _read_tsv(folder / "scenes.tsv")
        for r in rows:
            s = scenes.pop((int(r["start"]), int(r["end"])), None)
            if s:
                r.update({"pov": s.pov or "none", "person": s.person, "tense": s.tense})
        rows += [{"start": s.start, "end": s.end, "pov": s.pov or "none", "person": s.person, "tense": s.tense} for s in scenes.values()]
        _write_tsv(folder / "scenes.tsv", SCENE_COLUMNS, rows)
        _write_tsv(
            folder / "characters.tsv",
            CHARACTER_COLUMNS,
            [{"name": c.name, "aliases": "|".join(c.aliases), "gender": c.gender, "naming": c.naming} for c in gold.characters],
        )
        (folder / "not-characters.txt").write_text("".join(w + "\n" for w in gold.not_characters), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draft")
    d.add_argument("--data", type=Path, default=Path("../shared/data/fanfic"))
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--works", default="", help="comma-separated work ids (default: all)")
    c = sub.add_parser("compare")
    c.add_argument("first", type=Path)
    c.add_argument("second", type=Path)
    c.add_argument("--data", type=Path, default=Path("../shared/data/fanfic"))
    p = sub.add_parser("pack")
    p.add_argument("--data", type=Path, default=Path("../shared/data/fanfic"))
    p.add_argument("--labels", type=Path, required=True)
    p.add_argument("--readings", type=Path, nargs="*", default=[])
    u = sub.add_parser("unpack", help="the packed gold back as a reading folder (to compare with a new reading)")
    u.add_argument("--data", type=Path, default=Path("../shared/data/fanfic"))
    u.add_argument("--out", type=Path, required=True)
    for sp in (d, c, p, u):
        sp.add_argument("--gold", type=Path, default=GOLD_DIR, help="the gold folder (its works.tsv; pack writes there)")
    args = ap.parse_args(argv)
    if not (args.gold / "works.tsv").is_file():
        print(f"{args.gold}: no works.tsv (not a gold folder)", file=sys.stderr)
        return 2
    if args.command == "draft":
        draft(args.data, args.out, {w for w in args.works.split(",") if w} or None, args.gold)
    elif args.command == "unpack":
        unpack(args.data, args.out, args.gold)
    elif args.command == "compare":
        compare(args.data, args.first, args.second, args.gold)
    else:
        pack(args.data, args.labels, args.readings, args.gold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
