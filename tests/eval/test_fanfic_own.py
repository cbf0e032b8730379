"""The team's own fan-fiction gold (gold/fanfic-own): it loads, matches the stories it was
made on (they are in the repository, so this needs no outside data), and its split is the
frozen hash rule."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from ficlens.eval import splits
from ficlens.eval.fanfic_gold import load_gold, quote_hash, read_works_table, text_hash
from ficlens.ingest import read_document

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "gold" / "fanfic-own"
STORIES = GOLD / "stories"


def test_own_gold_matches_the_story_texts() -> None:
    golds = load_gold(GOLD)
    assert [g.work for g in golds] == list(read_works_table(GOLD))
    for gold in golds:
        path = STORIES / gold.file
        assert hashlib.sha256(path.read_bytes()).hexdigest() == gold.file_sha256, gold.file
        text = read_document(path).text
        assert text_hash(text) == gold.text_sha256, gold.file
        # Every quote is at its offsets, so scoring never has to search for it.
        assert all(quote_hash(text[q.start : q.end]) == q.hash for q in gold.quotes), gold.file
        assert 50 <= len(gold.quotes) <= 110 and all(q.speaker for q in gold.quotes), gold.file


def test_own_gold_holds_what_the_real_fan_fiction_lacks() -> None:
    golds = load_gold(GOLD)
    persons = {s.person for g in golds for s in g.scenes}
    assert persons == {"first", "second", "third"}
    assert {s.tense for g in golds for s in g.scenes} == {"past", "present"}
    # Protagonists (a scene's point of view) who are pronoun-only or named late.
    hidden = {
        (g.id, c.name)
        for g in golds
        for c in g.characters
        if c.naming in ("unnamed", "late-named") and any(s.pov == c.name for s in g.scenes)
    }
    assert len(hidden) >= 3


def test_own_split_is_the_hash_rule_and_apart_from_the_real_gold() -> None:
    own = list(read_works_table(GOLD))
    listed = [w for w in splits.test_items("fanfic") if w in own]
    assert sorted(listed) == sorted(splits.hash_rule(own, 1 / 3))
    assert not set(own) & set(read_works_table(REPO / "gold" / "fanfic"))
    assert splits.select("fanfic", own, "dev") == [w for w in own if w not in listed]


def test_tool_drafts_from_another_gold_folder(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("fanfic_gold_tool", REPO / "gold" / "fanfic" / "tool.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    gold, data, out = tmp_path / "gold", tmp_path / "stories", tmp_path / "draft"
    gold.mkdir()
    data.mkdir()
    (gold / "works.tsv").write_text("tiny\ttiny.txt\n", encoding="utf-8")
    (data / "tiny.txt").write_text('"You came?" he asks.\n\n"Declan," she breathes.\n', encoding="utf-8")
    assert tool.main(["draft", "--gold", str(gold), "--data", str(data), "--out", str(out)]) == 0
    rows = (out / "tiny" / "quotes.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("qid\t") and [r.split("\t")[5] for r in rows[1:]] == ["You came?", "Declan,"]
    # A folder without works.tsv is refused, not drafted from gold/fanfic.
    assert tool.main(["draft", "--gold", str(data), "--data", str(data), "--out", str(out)]) == 2
