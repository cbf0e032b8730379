"""The fan-fiction gold format and ``ficlens eval fanfic``.

The story below is written for this test and released CC0.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ficlens.eval import splits
from ficlens.eval.fanfic import evaluate_fanfic, score_file
from ficlens.eval.fanfic_gold import (
    GoldCharacter,
    GoldFile,
    GoldQuote,
    GoldScene,
    load_gold,
    locate,
    quote_hash,
    text_hash,
)

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "gold" / "fanfic"
FANFIC = REPO.parent / "shared" / "data" / "fanfic"

STORY = (
    "Mira Castell crossed the yard before dawn.\n\n"
    '"You are late," said Tobin Reyes.\n\n'
    '"The gate was locked," said Mira.\n\n'
    "Tobin shrugged and handed her the lantern. He walked on ahead.\n"
)


def _quote(text: str, body: str, speaker: str | None, addressees: tuple[str, ...] = (), kind: str = "explicit") -> GoldQuote:
    start = text.index(body)
    end = start + len(body)
    return GoldQuote(start, end, quote_hash(body), len("".join(body.split())), speaker, addressees, kind)


def _gold(text: str, file: str = "story.txt", work: str = "castell", wrong: bool = False) -> GoldFile:
    return GoldFile(
        id=Path(file).stem,
        work=work,
        file=file,
        file_sha256=hashlib.sha256(text.encode()).hexdigest(),
        text_sha256=text_hash(text),
        characters=[
            GoldCharacter("Mira Castell", ("Mira",), "female", "named"),
            GoldCharacter("Tobin Reyes", ("Tobin",), "male", "named"),
        ],
        quotes=[
            _quote(text, "You are late,", "Mira Castell" if wrong else "Tobin Reyes", ("Mira Castell",)),
            _quote(text, "The gate was locked,", "Mira Castell", ("Tobin Reyes",)),
        ],
        scenes=[GoldScene(0, len(text), "Mira Castell", "third", "past")],
        not_characters=["Dawn"],
    )


def test_locate_finds_a_quote_again_after_the_text_moved() -> None:
    gold = _gold(STORY)
    q = gold.quotes[1]
    assert locate(STORY, q) == (q.start, q.end)
    moved = "\u00a0Title\n\n" + STORY.replace("  ", " ")
    span = locate(moved, q)
    assert span is not None and moved[span[0] : span[1]] == "The gate was locked,"
    assert locate(STORY.replace("gate", "door"), q) is None


def test_gold_round_trips_and_refuses_unknown_labels() -> None:
    gold = _gold(STORY)
    again = GoldFile.from_dict(json.loads(json.dumps(gold.to_dict())))
    assert again == gold
    bad = gold.to_dict()
    bad["quotes"][0]["speaker"] = "Nobody"
    with pytest.raises(Exception, match="not a listed character"):
        GoldFile.from_dict(bad)


def test_score_file_counts_right_and_wrong_speakers() -> None:
    from ficlens.api import analyze_document

    doc = analyze_document(STORY)
    right = score_file(_gold(doc.text), doc)
    assert right.detection_exact.f1 == 1.0
    assert right.speaker.all.value == 1.0 and right.named_found.value == 1.0
    assert right.tense.value == 1.0 and right.person.value == 1.0
    wrong = score_file(_gold(doc.text, wrong=True), doc)
    assert wrong.speaker.all.correct == 1 and wrong.speaker.all.total == 2


def test_evaluate_fanfic_keeps_test_works_out_of_the_per_work_table(tmp_path: Path) -> None:
    test_work = sorted(splits.test_items("fanfic"))[0]
    data, gold_dir = tmp_path / "data", tmp_path / "gold"
    data.mkdir()
    gold_dir.mkdir()
    (data / "story.txt").write_text(STORY, encoding="utf-8")
    (data / "again.txt").write_text(STORY, encoding="utf-8")
    (gold_dir / "works.tsv").write_text(f"castell\tstory.txt\n{test_work}\tagain.txt\n", encoding="utf-8")
    from ficlens.ingest import read_document

    text = read_document(data / "story.txt").text
    for file, work in (("story.txt", "castell"), ("again.txt", test_work)):
        gold = _gold(text, file=file, work=work)
        (gold_dir / f"{Path(file).stem}.json").write_text(json.dumps(gold.to_dict()), encoding="utf-8")
    run = evaluate_fanfic(data, gold_dir, out=tmp_path / "out", workers=1)
    out = run.to_dict()
    assert list(out["per_item"]) == ["castell"]
    assert out["items"] == {"dev": 1, "test": 1}
    assert out["micro_by_split"]["test"]["speaker"]["all"]["total"] == 2
    assert (tmp_path / "out" / "fanfic-end-to-end.md").is_file()


def test_committed_gold_holds_labels_not_story_text() -> None:
    golds = load_gold(GOLD)
    for gold in golds:
        data = gold.to_dict()
        assert all(len(q["hash"]) == 16 for q in data["quotes"])

        def strings(value: object) -> list[str]:
            if isinstance(value, str):
                return [value]
            if isinstance(value, dict):
                return [s for v in value.values() for s in strings(v)]
            if isinstance(value, list):
                return [s for v in value for s in strings(v)]
            return []

        # Names, labels and hashes are short; a sentence of a story would not be.
        assert max(len(s) for s in strings(data)) <= 80, gold.id


@pytest.mark.skipif(not FANFIC.is_dir(), reason=f"fan-fiction data not found at {FANFIC}")
def test_committed_gold_matches_the_data_files() -> None:
    for gold in load_gold(GOLD):
        digest = hashlib.sha256((FANFIC / gold.file).read_bytes()).hexdigest()
        assert digest == gold.file_sha256, gold.file


def test_a_gold_character_known_by_a_role_matches_a_predicted_one_of_that_role() -> None:
    from ficlens.eval.fanfic import map_characters
    from ficlens.model import Character, Document

    gold = _gold(STORY)
    gold.characters.append(GoldCharacter("the wizard (unnamed)", (), "male", "unnamed"))
    gold.characters.append(GoldCharacter("she (unnamed)", (), "female", "unnamed"))
    doc = Document(text=STORY)
    doc.characters = [Character(id="C0", name="the wizard"), Character(id="C1", name="she (unnamed)", found_by="pronoun")]
    assert map_characters(gold, doc) == {"C0": "the wizard (unnamed)", "C1": "she (unnamed)"}
