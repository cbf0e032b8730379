"""evaluate_pdnc / evaluate_litbank / report / CLI with a fake pipeline on tiny made-up datasets.

The fake pipeline is a real ``Pipeline`` over made-up stages:
quotes are straight double-quoted spans, characters are the capitalised words in a small
name list, a quote's speaker is the first name after it, its addressee the other character.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ficlens.errors import DatasetError
from ficlens.eval.cli import app
from ficlens.eval.pdnc import load_novel
from ficlens.eval.report import BEGIN, END, update_docs
from ficlens.eval.run import (
    QUOTE_COLUMNS,
    PdncAlignment,
    evaluate_litbank,
    evaluate_pdnc,
    map_pdnc_characters,
    pdnc_quote_rows,
)
from ficlens.model import Character, Document, Gender, Mention, MentionKind, Paragraph, Quote
from ficlens.pipeline import Pipeline

NAMES = ("Bob", "Ann")  # predicted ids C0=Bob, C1=Ann: the reverse of the gold ids
GENDERS = {"Ann": Gender.FEMALE}  # Bob's gender is left unknown


class _Stage:
    requires: tuple[str, ...] = ()

    def __init__(self, name: str, fn, assigns: tuple[str, ...]) -> None:  # noqa: ANN001
        self.name = name
        self.fn = fn
        self.assigns = assigns

    def __call__(self, doc: Document) -> Document:
        self.fn(doc)
        return doc


def _segment(doc: Document) -> None:
    doc.paragraphs = [Paragraph(0, 0, len(doc.text), 0, 0)]


def _quotes(doc: Document, find: bool) -> None:
    if find:
        doc.quotes = [
            Quote(id=f"Q{i}", start=m.start(1), end=m.end(1), text=m.group(1), paragraph=0, mark="double")
            for i, m in enumerate(re.finditer(r'"([^"]*)"', doc.text))
        ]


def _characters(doc: Document) -> None:
    doc.characters = [Character(id=f"C{i}", name=n, gender=GENDERS.get(n, Gender.UNKNOWN)) for i, n in enumerate(NAMES)]
    doc.mentions = [
        Mention(m.start(), m.end(), 0, 0, m.group(), MentionKind.NAME, character_id=f"C{NAMES.index(m.group())}")
        for m in re.finditer("|".join(NAMES), doc.text)
    ]


def _speakers(doc: Document) -> None:
    out = []
    for q in doc.quotes:
        after = [m for m in doc.mentions if m.start >= q.end]
        sid = after[0].character_id if after else None
        other = tuple(c.id for c in doc.characters if c.id != sid)
        out.append(Quote(**{**{f: getattr(q, f) for f in q.__slots__}, "speaker_id": sid, "addressee_ids": other, "candidates": ("C0", "C1")}))
    doc.quotes = out


def fake_pipeline(find_quotes: bool = True, quotes=None) -> Pipeline:  # noqa: ANN001
    return Pipeline(
        stages=[
            _Stage("segment", _segment, ("paragraphs",)),
            _Stage("quotes", quotes or (lambda d: _quotes(d, find_quotes)), ("quotes",)),
            _Stage("characters", _characters, ("characters", "mentions")),
            _Stage("speakers", _speakers, ("quotes",)),
        ]
    )


SEEN_CASTS: list[Path | None] = []


def fake_factory(cast_path: Path | None) -> Pipeline:
    SEEN_CASTS.append(cast_path)
    return fake_pipeline()


def blind_factory(cast_path: Path | None) -> Pipeline:
    return fake_pipeline(find_quotes=False)


TEXT = '"Hello there," said Ann. "Hi," said Bob.\n'


def _pdnc(root: Path, folders: tuple[str, ...] = ("One",)) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    rows = "\n".join(f"{f},{f}" for f in folders)
    (root / "PDNC-Novel-Index.csv").write_text(f"Novel Title,Folder Name\n{rows}\n", encoding="utf-8")
    for f in folders:
        d = root / "data" / f
        d.mkdir(parents=True)
        (d / "novel_text.txt").write_text(TEXT, encoding="utf-8")
        (d / "character_info.csv").write_text(
            "Character ID,Main Name,Aliases,Gender,Category\n"
            "0,Ann,\"{'Ann', 'Miss Ann'}\",F,major\n1,Bob,\"{'Bob'}\",M,major\n2,Cy,\"{'Cy', '_narr'}\",X,minor\n",
            encoding="utf-8",
        )
        (d / "quotation_info.csv").write_text(
            "quoteID,quoteText,subQuotationList,quoteByteSpans,speaker,addressees,quoteType,referringExpression\n"
            "Q0,\"Hello there,\",\"['Hello there,']\",\"[[1, 13]]\",Ann,['Bob'],Explicit,said Ann\n"
            "Q1,\"Hi,\",\"['Hi,']\",\"[[26, 29]]\",Bob,['Ann'],Explicit,said Bob\n",
            encoding="utf-8",
        )
    return root


def test_end_to_end_scores(tmp_path: Path) -> None:
    run = evaluate_pdnc(_pdnc(tmp_path / "pdnc"), workers=1, pipeline_factory=fake_factory)
    micro = run.micro()
    assert micro.detection_exact.f1 == 1.0
    # C1 (Ann) maps to gold 0 and C0 (Bob) to gold 1, so both speakers are right
    assert (micro.speaker.all.correct, micro.speaker.all.total) == (2, 2)
    assert micro.addressee.exact.value == 1.0
    assert micro.oracle.value == 1.0
    # Cy is never predicted: 2 of 3 gold characters found
    assert (micro.characters.recall_all.correct, micro.characters.recall_all.total) == (2, 3)
    # gender, through the mapping: Ann (C1 -> gold F) right, Bob (C0 -> gold M, predicted
    # unknown) wrong; Cy (X) is never checked
    assert (micro.characters.gender.correct, micro.characters.gender.total) == (1, 2)


def test_gold_characters_mode_writes_a_user_cast(tmp_path: Path) -> None:
    SEEN_CASTS.clear()
    out = tmp_path / "results"
    evaluate_pdnc(_pdnc(tmp_path / "pdnc"), mode="gold-characters", out=out, workers=1, pipeline_factory=fake_factory)
    (cast,) = SEEN_CASTS
    lines = cast.read_text(encoding="utf-8").splitlines()
    # header, aliases joined with "|" (main name and the `_narr` marker left out), genders spelt out
    assert lines == ["name\taliases\tgender", "Ann\tMiss Ann\tfemale", "Bob\t\tmale", "Cy\t\tunknown"]


def test_gold_quotes_mode_substitutes_gold_spans(tmp_path: Path) -> None:
    root = _pdnc(tmp_path / "pdnc")
    blind = evaluate_pdnc(root, workers=1, pipeline_factory=blind_factory).micro()
    assert blind.speaker.all.value == 0.0  # no quotes found, every gold quote is wrong
    gold = evaluate_pdnc(root, mode="gold-quotes", workers=1, pipeline_factory=blind_factory).micro()
    assert gold.detection_exact.f1 == 1.0
    assert gold.speaker.all.value == 1.0


def test_parallel_workers_give_the_same_scores(tmp_path: Path) -> None:
    root = _pdnc(tmp_path / "pdnc", ("One", "Two", "Three"))
    serial = evaluate_pdnc(root, workers=1, pipeline_factory=fake_factory)
    parallel = evaluate_pdnc(root, workers=2, pipeline_factory=fake_factory)
    assert list(parallel.per_item) == ["One", "Two", "Three"]  # index order, not finishing order
    assert parallel.micro().speaker == serial.micro().speaker
    assert parallel.micro().speaker.all.total == 6


def test_results_files_and_docs_block(tmp_path: Path) -> None:
    out = tmp_path / "results"
    evaluate_pdnc(_pdnc(tmp_path / "pdnc"), out=out, workers=1, pipeline_factory=fake_factory)
    data = json.loads((out / "pdnc-end-to-end.json").read_text(encoding="utf-8"))
    assert data["micro"]["speaker"]["all"]["value"] == 1.0 and "git_commit" in data
    md = (out / "pdnc-end-to-end.md").read_text(encoding="utf-8")
    assert "| speaker acc (all) | 100.0 | 100.0 |" in md
    assert "| gender (found) | 50.0 | 50.0 |" in md
    docs = tmp_path / "evaluation.md"
    docs.write_text(f"intro\n\n{BEGIN}\nSTALE-TABLE\n{END}\n\nafter\n", encoding="utf-8")
    update_docs(docs, [out / "pdnc-end-to-end.json"])
    text = docs.read_text(encoding="utf-8")
    assert "STALE-TABLE" not in text and text.startswith("intro") and text.rstrip().endswith("after")
    assert "| speaker acc (all) | 100.0 |" in text
    update_docs(docs, [out / "pdnc-end-to-end.json"])  # rerunnable: same result
    assert docs.read_text(encoding="utf-8") == text


def _quote_table(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_quote_table_says_who_was_right_per_gold_quote(tmp_path: Path) -> None:
    out = tmp_path / "results"
    evaluate_pdnc(_pdnc(tmp_path / "pdnc"), out=out, workers=1, pipeline_factory=fake_factory)
    rows = _quote_table(out / "pdnc-end-to-end-quotes.tsv")
    assert list(rows[0]) == list(QUOTE_COLUMNS)
    # Speakers are named by the gold character their cluster maps to (C1 "Ann" -> gold Ann).
    assert [(r["quote"], r["gold_speaker"], r["predicted_speaker"], r["speaker_right"]) for r in rows] == [
        ("Q0", "Ann", "Ann", "1"),
        ("Q1", "Bob", "Bob", "1"),
    ]
    assert [(r["gold_addressees"], r["predicted_addressees"], r["addressees_right"]) for r in rows] == [
        ("Bob", "Bob", "1"),
        ("Ann", "Ann", "1"),
    ]
    assert rows[0]["type"] == "explicit" and rows[0]["gold_among_candidates"] == "1"
    assert rows[0]["text"] == "Hello there,"


def test_quote_table_marks_undetected_quotes(tmp_path: Path) -> None:
    out = tmp_path / "results"
    evaluate_pdnc(_pdnc(tmp_path / "pdnc"), out=out, workers=1, pipeline_factory=blind_factory)
    rows = _quote_table(out / "pdnc-end-to-end-quotes.tsv")
    assert [(r["predicted_speaker"], r["speaker_right"], r["gold_among_candidates"], r["addressees_right"]) for r in rows] == [
        ("", "0", "0", "0"),
        ("", "0", "0", "0"),
    ]


def test_quote_table_brackets_a_speaker_no_gold_character_maps_to(tmp_path: Path) -> None:
    novel = load_novel(_pdnc(tmp_path / "pdnc") / "data" / "One")
    doc = fake_pipeline()(Document(text=novel.text, source="One", format="text"))
    only_ann = PdncAlignment.from_parts({"C1": 0}, [doc.quotes[0], doc.quotes[1]])  # Bob's cluster unmapped
    rows = pdnc_quote_rows(novel, doc, only_ann)
    assert [(r["predicted_speaker"], r["speaker_right"]) for r in rows] == [("Ann", "1"), ("[Bob]", "0")]
    assert rows[0]["predicted_addressees"] == "[Bob]" and rows[0]["addressees_right"] == "0"


def test_cast_members_map_to_the_gold_character_they_name(tmp_path: Path) -> None:
    # The cast member "Ann" has one mention; a cluster the characters stage kept apart has
    # three "Miss Ann"s. By mention texts alone the gold Ann would go to the stray cluster.
    novel = load_novel(_pdnc(tmp_path / "pdnc") / "data" / "One")
    doc = Document(text=novel.text, source="One", format="text")
    doc.characters = [Character(id="C0", name="Ann", from_cast=True), Character(id="C1", name="Miss Ann")]
    doc.mentions = [Mention(0, 3, 0, 1, "Ann", MentionKind.NAME, character_id="C0")] + [
        Mention(0, 8, 0, 2, "Miss Ann", MentionKind.NAME, character_id="C1") for _ in range(3)
    ]
    assert map_pdnc_characters(novel, doc) == {"C0": 0}
    doc.characters[0] = Character(id="C0", name="Ann")  # end to end: no cast, texts decide
    assert map_pdnc_characters(novel, doc) == {"C1": 0}


def _litbank(root: Path) -> Path:
    for layer in ("entities/brat", "coref/tsv", "quotations/tsv"):
        (root / layer).mkdir(parents=True)
    stem = "1_tiny"
    txt = "“ Hello , ” said Ann .\n“ Hi , ” said Bob .\n"
    (root / f"coref/tsv/{stem}_brat.txt").write_text(txt, encoding="utf-8")
    (root / f"entities/brat/{stem}_brat.ann").write_text("T1\tPER 17 20\tAnn\nT2\tPER 37 40\tBob\n", encoding="utf-8")
    (root / f"coref/tsv/{stem}_brat.ann").write_text(
        "MENTION\tT1\t0\t5\t0\t5\tAnn\tPER\tPROP\nMENTION\tT2\t1\t5\t1\t5\tBob\tPER\tPROP\n"
        "COREF\tT1\tAnn-0\nCOREF\tT2\tBob-1\n",
        encoding="utf-8",
    )
    (root / f"quotations/tsv/{stem}_brat.ann").write_text(
        "QUOTE\tQ1\t0\t0\t0\t3\t“ Hello , ”\nQUOTE\tQ2\t1\t0\t1\t3\t“ Hi , ”\nATTRIB\tQ1\tAnn-0\nATTRIB\tQ2\tBob-1\n",
        encoding="utf-8",
    )
    return root


def _curly_quotes(doc: Document) -> None:
    doc.quotes = [
        Quote(id=f"Q{i}", start=m.start(1), end=m.end(1), text=m.group(1), paragraph=0, mark="double")
        for i, m in enumerate(re.finditer(r"“ ([^”]*) ”", doc.text))
    ]


def curly_factory(cast_path: Path | None) -> Pipeline:
    return fake_pipeline(quotes=_curly_quotes)


def test_litbank_scores(tmp_path: Path) -> None:
    run = evaluate_litbank(_litbank(tmp_path / "lb"), workers=1, pipeline_factory=curly_factory)
    m = run.micro()
    assert m.entity_prop.f1 == 1.0 and m.entity_all.f1 == 1.0
    assert m.coref.b_cubed.f1 == 1.0 and m.coref.ceaf_e.f1 == 1.0
    assert m.detection_exact.f1 == 1.0
    assert m.speaker.all.value == 1.0 and m.speaker_b_cubed.f1 == 1.0


def test_cli_dataset_error_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["pdnc", "--data", str(tmp_path / "missing"), "-o", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "PDNC directory not found" in result.output and "Traceback" not in result.output


def test_cli_error_prints_the_path_as_data(tmp_path: Path) -> None:
    # Issue 25: a path holding Rich markup and an emoji code was printed as "x❌" with the tag gone.
    missing = tmp_path / "[bold]root:x:0"
    result = CliRunner().invoke(app, ["pdnc", "--data", str(missing), "-o", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert f"error: {missing}: PDNC directory not found" in result.output
    assert "\N{CROSS MARK}" not in result.output


def test_cli_unknown_mode(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["pdnc", "--data", str(_pdnc(tmp_path / "p")), "--mode", "magic"])
    assert result.exit_code == 2 and "unknown mode" in result.output


@pytest.mark.parametrize("args", [["report", "nothing-here"]])  # no results directory yet
def test_cli_report_without_results(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args[:1], str(tmp_path / args[1]), "--docs", str(tmp_path / "e.md")])
    assert result.exit_code == 2 and "no results" in result.output


def test_test_split_items_are_summed_never_shown_one_by_one(tmp_path: Path) -> None:
    # "Persuasion" is in the frozen PDNC test split, "One" and "Two" are not.
    root = _pdnc(tmp_path / "pdnc", ("One", "Persuasion", "Two"))
    out = tmp_path / "results"
    run = evaluate_pdnc(root, out=out, workers=1, pipeline_factory=fake_factory)
    data = json.loads((out / "pdnc-end-to-end.json").read_text(encoding="utf-8"))
    assert data["items"] == {"dev": 2, "test": 1}
    assert list(data["per_item"]) == ["One", "Two"]
    assert data["micro"]["speaker"]["all"]["total"] == 6  # all three novels are scored
    assert data["micro_by_split"]["test"]["speaker"]["all"]["total"] == 2
    assert {r["novel"] for r in run.quote_rows} == {"One", "Two"}
    tsv = (out / "pdnc-end-to-end-quotes.tsv").read_text(encoding="utf-8")
    assert "Persuasion" not in tsv
    md = (out / "pdnc-end-to-end.md").read_text(encoding="utf-8")
    assert "Persuasion" not in md
    assert "| metric | micro (all) | dev (2) | test (1) | One | Two |" in md


def test_split_selects_novels_and_refuses_one_outside_it(tmp_path: Path) -> None:
    root = _pdnc(tmp_path / "pdnc", ("One", "Persuasion"))
    test = evaluate_pdnc(root, workers=1, pipeline_factory=fake_factory, split="test", out=tmp_path / "r")
    assert list(test.per_item) == ["Persuasion"] and test.to_dict()["per_item"] == {}
    assert (tmp_path / "r" / "pdnc-end-to-end-test.json").exists()
    assert not (tmp_path / "r" / "pdnc-end-to-end-test-quotes.tsv").exists()
    assert list(evaluate_pdnc(root, workers=1, pipeline_factory=fake_factory, split="dev").per_item) == ["One"]
    with pytest.raises(DatasetError, match="not in the dev split"):
        evaluate_pdnc(root, novels=["Persuasion"], workers=1, pipeline_factory=fake_factory, split="dev")
    with pytest.raises(DatasetError, match="unknown split"):
        evaluate_pdnc(root, workers=1, pipeline_factory=fake_factory, split="train")
