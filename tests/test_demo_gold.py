"""The demo stories and their hand-made gold.

Fast tests check the gold against the story text (offsets, completeness, the forms the stories
must contain) and check the scorer on the gold itself. The slow test runs the whole pipeline
(``ficlens.analyze``) on each story, prints a metrics table (``pytest -s``) and asserts floors.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import ficlens
from ficlens.model import (
    Character,
    Document,
    Evidence,
    Mention,
    MentionKind,
    Person,
    Quote,
    SceneNarration,
    Tense,
)

DEMO = Path(ficlens.__file__).resolve().parent / "data" / "demo"
STORIES = ("story_a", "story_b")
PROTAGONIST_PRONOUNS = re.compile(r"\b(?:she|her)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")

# Floors for the whole pipeline on the demo stories (raise them as the stages improve).
FLOORS = {"quote_f1": 0.95, "speaker_accuracy": 0.70, "character_recall": 1.0}


# --- loading ---------------------------------------------------------------------------


def load_gold(key: str) -> dict[str, Any]:
    return json.loads((DEMO / f"{key}.gold.json").read_text(encoding="utf-8"))


def story_text(gold: dict[str, Any]) -> str:
    # newline="": offsets are into the exact decoded file, as the text reader keeps it.
    with (DEMO / gold["story"]).open(encoding="utf-8", newline="") as fh:
        return fh.read()


def load_make_gold() -> ModuleType:
    # make_gold.py is package data, not a module of ficlens: load it by path.
    spec = importlib.util.spec_from_file_location("demo_make_gold", DEMO / "make_gold.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- scoring -----------------------------------------------------------------------------


def _names(name: str, aliases: Any) -> set[str]:
    return {n.strip().lower() for n in (name, *aliases) if n and n.strip()}


def map_characters(predicted: list[Character], gold_characters: list[dict[str, Any]]) -> dict[str, str]:
    """Predicted character id -> gold id: a shared name or alias (case-insensitive), or both
    being the first-person narrator (a narrator is "I" more often than a name)."""
    out: dict[str, str] = {}
    for c in predicted:
        names = _names(c.name, c.aliases)
        for g in gold_characters:
            if names & _names(g["name"], g["aliases"]) or (c.is_narrator and g["is_narrator"]):
                out[c.id] = g["id"]
                break
    return out


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_quotes(predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> dict[int, int]:
    """Gold index -> predicted index, one to one: a prediction matches a gold quote when it
    covers at least half of the gold span; the largest overlap wins."""
    used: set[int] = set()
    out: dict[int, int] = {}
    for gi, g in enumerate(gold):
        need = max(1, (g[1] - g[0] + 1) // 2)
        best, best_len = -1, 0
        for pi, p in enumerate(predicted):
            if pi in used:
                continue
            size = overlap(p, g)
            if size >= need and size > best_len:
                best, best_len = pi, size
        if best >= 0:
            used.add(best)
            out[gi] = best
    return out


def narration_pronouns(text: str, gold: dict[str, Any]) -> list[int]:
    """Offsets of she/her outside the gold quotes (all the protagonist's in story a)."""
    spans = [(q["start"], q["end"]) for q in gold["quotes"]]
    begin = gold["scenes"][0]["start"]
    return [
        m.start()
        for m in PROTAGONIST_PRONOUNS.finditer(text, begin)
        if not any(s <= m.start() < e for s, e in spans)
    ]


def protagonist(gold: dict[str, Any]) -> str | None:
    """The POV character of a story told in the third person throughout, else None."""
    povs = {s["pov"] for s in gold["scenes"]}
    if len(povs) == 1 and all(s["person"] == "third" for s in gold["scenes"]):
        return povs.pop()
    return None


def score(doc: Document, gold: dict[str, Any]) -> dict[str, float | None]:
    """Every metric in one dict; None where a metric does not apply to the story."""
    text = doc.text
    to_gold = map_characters(doc.characters, gold["characters"])
    gold_quotes = gold["quotes"]
    # Nested quotes are part of their outer quote in the gold; the pipeline keeps them as
    # records of their own (nested_in set), so they are left out rather than counted wrong.
    pred_quotes = [q for q in doc.quotes if q.nested_in is None]
    matched = match_quotes([(q.start, q.end) for q in pred_quotes], [(q["start"], q["end"]) for q in gold_quotes])

    tp = len(matched)
    precision = tp / len(pred_quotes) if pred_quotes else 0.0
    recall = tp / len(gold_quotes) if gold_quotes else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    speaker_ok = addressee_ok = evidence_ok = 0
    with_addressees = 0
    for gi, g in enumerate(gold_quotes):
        p = pred_quotes[matched[gi]] if gi in matched else None
        right_speaker = p is not None and to_gold.get(p.speaker_id or "") == g["speaker"]
        speaker_ok += right_speaker
        if right_speaker and p is not None and p.evidence is not None and str(p.evidence) == g["evidence"]:
            evidence_ok += 1
        if g["addressees"]:
            with_addressees += 1
            if p is not None and {to_gold.get(a, "?" + a) for a in p.addressee_ids} == set(g["addressees"]):
                addressee_ok += 1

    found = set(to_gold.values())
    char_recall = sum(g["id"] in found for g in gold["characters"]) / len(gold["characters"])

    pronoun_share: float | None = None
    hero = protagonist(gold)
    if hero is not None:
        offsets = narration_pronouns(text, gold)
        resolved = {m.start: to_gold.get(m.character_id or "") for m in doc.mentions if m.kind == MentionKind.PRONOUN}
        pronoun_share = sum(resolved.get(o) == hero for o in offsets) / len(offsets) if offsets else None

    person_ok = tense_ok = pov_ok = 0
    for s in gold["scenes"]:
        best = max(doc.narration, key=lambda n, s=s: overlap((n.start, n.end), (s["start"], s["end"])), default=None)
        if best is None or overlap((best.start, best.end), (s["start"], s["end"])) == 0:
            continue
        person_ok += str(best.person) == s["person"]
        tense_ok += str(best.tense) == s["tense"]
        pov_ok += to_gold.get(best.pov_character_id or "") == s["pov"] if s["pov"] else best.pov_character_id is None
    n_scenes = len(gold["scenes"])
    meta = doc.metadata or {}
    front_matter = float(meta.get("title") == gold["title"] and list(meta.get("authors") or []) == gold["authors"])

    return {
        "quote_precision": precision,
        "quote_recall": recall,
        "quote_f1": f1,
        "speaker_accuracy": speaker_ok / len(gold_quotes),
        "evidence_accuracy": evidence_ok / len(gold_quotes),  # right speaker and right evidence
        "addressee_accuracy": addressee_ok / with_addressees if with_addressees else None,
        "character_recall": char_recall,
        "protagonist_pronoun_share": pronoun_share,
        "person_accuracy": person_ok / n_scenes,
        "tense_accuracy": tense_ok / n_scenes,
        "pov_accuracy": pov_ok / n_scenes,
        "front_matter": front_matter,
    }


def metrics_table(results: dict[str, dict[str, float | None]]) -> str:
    keys = list(next(iter(results.values())))
    width = max(len(k) for k in keys)
    lines = [" " * width + "".join(f"  {name:>8}" for name in results)]
    for k in keys:
        cells = "".join(
            f"  {'-':>8}" if r[k] is None else f"  {r[k]:8.3f}" for r in results.values()
        )
        lines.append(f"{k:<{width}}{cells}")
    return "\n".join(lines)


def gold_document(gold: dict[str, Any], text: str) -> Document:
    """The gold as a predicted Document: scoring it must give 1.0 everywhere."""
    doc = Document(text=text, metadata={"title": gold["title"], "authors": list(gold["authors"])})
    doc.characters = [
        Character(id=c["id"], name=c["name"], aliases=tuple(c["aliases"]), is_narrator=c["is_narrator"])
        for c in gold["characters"]
    ]
    doc.quotes = [
        Quote(
            id=f"Q{i}",
            start=q["start"],
            end=q["end"],
            text=q["text"],
            paragraph=0,
            mark="double",
            continues=None if q["continues"] is None else f"Q{q['continues']}",
            speaker_id=q["speaker"],
            addressee_ids=tuple(q["addressees"]),
            evidence=Evidence(q["evidence"]),
        )
        for i, q in enumerate(gold["quotes"])
    ]
    hero = protagonist(gold)
    if hero is not None:
        doc.mentions = [
            Mention(start=o, end=o + 3, start_token=0, end_token_excl=0, text=text[o : o + 3],
                    kind=MentionKind.PRONOUN, character_id=hero)
            for o in narration_pronouns(text, gold)
        ]
    doc.narration = [
        SceneNarration(chapter=0, scene=i, start=s["start"], end=s["end"], person=Person(s["person"]),
                       tense=Tense(s["tense"]), past_share=0.0, present_share=0.0,
                       pov_character_id=s["pov"], confidence=1.0)
        for i, s in enumerate(gold["scenes"])
    ]
    return doc


# --- the gold against the text -----------------------------------------------------------


def test_gold_files_are_up_to_date() -> None:
    make_gold = load_make_gold()
    for key in STORIES:
        assert make_gold.dump(make_gold.build(key)) == (DEMO / f"{key}.gold.json").read_text(encoding="utf-8"), key


@pytest.mark.parametrize("key", STORIES)
def test_gold_is_consistent_with_the_story(key: str) -> None:
    gold = load_gold(key)
    text = story_text(gold)
    ids = {c["id"] for c in gold["characters"]}
    previous_end = -1
    for i, q in enumerate(gold["quotes"]):
        assert text[q["start"] : q["end"]] == q["text"], i
        assert q["start"] >= previous_end, f"quote {i} overlaps the one before"
        previous_end = q["end"]
        assert q["speaker"] in ids and set(q["addressees"]) <= ids, i
        assert q["speaker"] not in q["addressees"], i
        assert Evidence(q["evidence"])
        if q["continues"] is not None:
            assert q["continues"] == i - 1 and gold["quotes"][i - 1]["speaker"] == q["speaker"], i
    scenes = gold["scenes"]
    assert all(s["pov"] in ids for s in scenes)
    assert all(any(s["start"] <= q["start"] and q["end"] <= s["end"] for s in scenes) for q in gold["quotes"])
    # The title and byline are the first two lines; the story starts after them.
    lines = text.split("\n")
    assert lines[0] == gold["title"] and lines[1] == "by " + gold["authors"][0]
    assert scenes[0]["start"] > len(lines[0]) + len(lines[1])


def _between(text: str, quotes: list[dict[str, Any]], i: int) -> str:
    """The text between quote i-1's end and quote i's start (marks included)."""
    return text[quotes[i - 1]["end"] : quotes[i]["start"]]


_TAG = re.compile(r"\b(?:says|said|asks|asked|told|agrees|tells)\b")


def test_story_a_meets_its_brief() -> None:
    gold = load_gold("story_a")
    text = story_text(gold)
    quotes = gold["quotes"]
    body = text[gold["scenes"][0]["start"] :]
    assert 1500 <= len(WORD.findall(body)) <= 3000
    assert len(quotes) >= 25
    assert len(re.findall(r"\bWren\b", text)) == 1  # the protagonist is named once
    hero = protagonist(gold)
    assert hero == "wren"
    others = [c for c in gold["characters"] if c["id"] != hero]
    assert len(others) == 2 and any(len(c["aliases"]) >= 2 for c in others)
    assert len(gold["scenes"]) == 2 and "\n* * *\n" in text
    # Present tense, third person: narration "says" far outnumbers "said".
    narration = "".join(body[i] for i in range(len(body)) if not any(
        q["start"] <= i + gold["scenes"][0]["start"] < q["end"] for q in quotes))
    assert narration.count(" says") > 5 * max(1, narration.count(" said"))
    assert len(narration_pronouns(text, gold)) >= 40

    openers = [text[q["start"] - 1] for q in quotes]
    assert openers.count("\u201c") >= 25 and openers.count('"') >= 10
    dash = [q for q in quotes if text[q["start"] - 1] == "\u2014"]
    assert len(dash) >= 4 and all(text[q["start"] - 2] == "\n" for q in dash)
    assert any(re.search(r"‘[^’]+’", q["text"]) for q in quotes), "nested curly single quotes"
    assert any(re.search(r"(?<!\w)'[a-z][^']*'(?!\w)", q["text"]) for q in quotes), "nested straight single quotes"
    assert any("'Tis" in q["text"] for q in quotes)
    # A quote running over paragraphs: a piece ending at a paragraph end, continued next paragraph.
    running = [i for i in range(1, len(quotes)) if quotes[i]["continues"] == i - 1
               and "\n" in _between(text, quotes, i) and text[quotes[i - 1]["end"]] == "\n"]
    assert len(running) >= 2
    same_paragraph = [i for i in range(1, len(quotes)) if quotes[i]["continues"] == i - 1
                      and "\n" not in _between(text, quotes, i)]
    assert any(_TAG.search(_between(text, quotes, i)) for i in same_paragraph), "broken by a speech tag"
    assert any(not _TAG.search(_between(text, quotes, i)) for i in same_paragraph), "broken by narration"
    assert "says Marcus" in text and "says Teddy" in text
    evidence = [q["evidence"] for q in quotes]
    assert {"explicit", "anaphoric", "implicit"} <= set(evidence)
    # Vocatives: a line opening with a character's name and a comma.
    names = {n for c in gold["characters"] for n in (c["name"], *c["aliases"])}
    assert any(any(q["text"].startswith(n + ",") for n in names) for q in quotes)
    # An untagged run of four or more lines between two people.
    run = best = 0
    for i, q in enumerate(quotes):
        if q["evidence"] != "implicit" or q["continues"] is not None:
            run = 0
        elif run and q["speaker"] != quotes[i - 1]["speaker"]:
            run += 1
        else:
            run = 1
        best = max(best, run)
    assert best >= 4
    # Apostrophe-heavy prose, plural possessives included.
    assert len(re.findall(r"\w’\w", narration)) >= 40
    assert re.search(r"\ws’ ", text) and "don’t" in narration and "it’s" in narration


def test_story_b_meets_its_brief() -> None:
    gold = load_gold("story_b")
    text = story_text(gold)
    quotes = gold["quotes"]
    body = text[gold["scenes"][0]["start"] :]
    assert 600 <= len(WORD.findall(body)) <= 1200
    assert len(quotes) >= 8
    narrator = [c for c in gold["characters"] if c["is_narrator"]]
    assert len(narrator) == 1 and 2 <= len(gold["characters"]) - 1 <= 3
    name = narrator[0]["name"]
    hits = [m.start() for m in re.finditer(rf"\b{name}\b", text)]
    assert len(hits) == 1
    named_in = [q for q in quotes if q["start"] <= hits[0] < q["end"]]
    assert named_in and named_in[0]["speaker"] != narrator[0]["id"]  # named by another character
    assert any(q["speaker"] == narrator[0]["id"] for q in quotes)
    assert all(s["person"] == "first" and s["tense"] == "past" for s in gold["scenes"])
    assert len(re.findall(r"\bI\b", body)) >= 20 and body.count(" said") > body.count(" says")


# --- the scorer on the gold itself --------------------------------------------------------


@pytest.mark.parametrize("key", STORIES)
def test_scorer_gives_full_marks_to_the_gold(key: str) -> None:
    gold = load_gold(key)
    metrics = score(gold_document(gold, story_text(gold)), gold)
    expected_none = {"protagonist_pronoun_share"} if key == "story_b" else set()
    for name, value in metrics.items():
        assert value is None if name in expected_none else value == 1.0, name


def test_scorer_notices_mistakes() -> None:
    gold = load_gold("story_a")
    text = story_text(gold)
    n = len(gold["quotes"])
    doc = gold_document(gold, text)
    # One wrong speaker, one quote lost, one span cut to under half of its gold span.
    q0, q1, q2 = doc.quotes[0], doc.quotes[1], doc.quotes[2]
    doc.quotes[0] = replace(q0, speaker_id="marcus")
    doc.quotes[2] = replace(q2, end=q2.start + (q2.end - q2.start) // 3)
    doc.quotes.remove(q1)
    # A character under a name the gold does not know; the protagonist's pronouns half resolved.
    doc.characters[2] = Character(id="marcus", name="The Adeyemis' boy")
    doc.mentions = doc.mentions[::2]
    doc.narration[1] = replace(doc.narration[1], tense=Tense.PAST, pov_character_id=None)
    m = score(doc, gold)
    assert m["quote_recall"] == pytest.approx((n - 2) / n)
    assert m["quote_precision"] == pytest.approx((n - 2) / (n - 1))
    # Quote 0's speaker is wrong; 1 and 2 are unmatched; Marcus's lines lose their mapping.
    marcus_lines = sum(q["speaker"] == "marcus" for q in gold["quotes"][3:])
    assert m["speaker_accuracy"] == pytest.approx((n - 3 - marcus_lines) / n)
    assert m["character_recall"] == pytest.approx(2 / 3)
    assert m["protagonist_pronoun_share"] == pytest.approx(len(doc.mentions) / len(narration_pronouns(text, gold)))
    assert m["tense_accuracy"] == 0.5 and m["pov_accuracy"] == 0.5 and m["person_accuracy"] == 1.0


def test_narrator_matches_by_flag() -> None:
    gold = load_gold("story_b")
    found = map_characters([Character(id="C0", name="I", is_narrator=True), Character(id="C1", name="DEV")],
                           gold["characters"])
    assert found == {"C0": "nell", "C1": "dev"}


def test_match_quotes_is_one_to_one_and_needs_half() -> None:
    # Two predictions over one gold span: only the larger overlap counts.
    assert match_quotes([(0, 4), (0, 10)], [(0, 10)]) == {0: 1}
    # Exactly half of a 10-character span matches; less does not.
    assert match_quotes([(0, 5)], [(0, 10)]) == {0: 0}
    assert match_quotes([(0, 4)], [(0, 10)]) == {}
    # Nothing predicted, nothing matched.
    assert match_quotes([], [(0, 10)]) == {}


def test_nested_predictions_are_not_scored() -> None:
    gold = load_gold("story_a")
    doc = gold_document(gold, story_text(gold))
    outer = next(q for q in doc.quotes if "‘never again’" in q.text)
    start = doc.text.index("never again", outer.start)
    doc.quotes.append(Quote(id="Qn", start=start, end=start + 11, text="never again", paragraph=0,
                            mark="single", nested_in=outer.id))
    assert score(doc, gold)["quote_precision"] == 1.0


# --- the whole pipeline -------------------------------------------------------------------


@pytest.fixture(scope="module")
def analysed() -> dict[str, Document]:
    # No skip on an import error: a broken import must fail this end-to-end check.
    from ficlens import analyze

    return {key: analyze(DEMO / load_gold(key)["story"]) for key in STORIES}


@pytest.mark.slow
@pytest.mark.parametrize("key", STORIES)
def test_pipeline_on_demo_story(analysed: dict[str, Document], key: str) -> None:
    m = score(analysed[key], load_gold(key))
    print("\n" + metrics_table({key: m}))
    floors = dict(FLOORS, person_accuracy=1.0, tense_accuracy=1.0)
    if key == "story_a":  # third person limited: the POV is the protagonist in every scene
        floors["pov_accuracy"] = 1.0
    below = [f"{name} {m[name]} < {floor}" for name, floor in floors.items() if m[name] is None or m[name] < floor]
    assert not below, f"{key}: " + "; ".join(below)
