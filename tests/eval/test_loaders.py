"""PDNC and LitBank loaders: counts from ../shared/data/README.md, and DatasetError cases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ficlens.errors import DatasetError
from ficlens.eval.litbank import list_works, load_litbank
from ficlens.eval.pdnc import list_novels, load_novel, load_pdnc


@pytest.mark.data
def test_pdnc_counts(shared_data: Path) -> None:
    novels = load_pdnc(shared_data / "pdnc")
    assert len(novels) == 21
    quotes = [q for n in novels for q in n.quotes]
    assert len(quotes) == 30468
    assert sum(len(q.spans) for q in quotes) == 39474
    assert sum(len(n.characters) for n in novels) == 1016
    assert Counter(q.quote_type for q in quotes) == {
        "implicit": 14199,
        "explicit": 8415,
        "anaphoric": 7841,
        None: 13,  # the literal `nan` rows
    }
    assert Counter(c.gender for n in novels for c in n.characters) == {"M": 440, "F": 319, "X": 247, "U": 10}
    # every speaker resolves to a character (main name or alias, `_narr` included)
    assert all(q.speaker_id is not None for q in quotes)
    emma = next(n for n in novels if n.folder == "Emma")
    assert len(emma.quotes) == 1593 and len(emma.characters) == 18
    # aliases always include the main name, whether the CSV holds a set or a list
    assert all(c.name in c.aliases for n in novels for c in n.characters)


@pytest.mark.data
def test_pdnc_spans_match_quote_text_modulo_whitespace(shared_data: Path) -> None:
    novel = load_novel(shared_data / "pdnc" / "data" / "Persuasion")
    text = novel.text
    for q in novel.quotes:
        joined = " ".join(text[s:e] for s, e in q.spans)
        assert joined.split() == q.text.split()


@pytest.mark.data
def test_litbank_counts(shared_data: Path) -> None:
    works = load_litbank(shared_data / "litbank")
    assert len(works) == 79
    assert sum(len(w.mentions) for w in works) == 22907
    assert sum(m.chain is not None for w in works for m in w.mentions) == 22349
    quotes = [q for w in works for q in w.quotes]
    assert len(quotes) == 1487
    assert all(q.speaker is not None for q in quotes)  # ATTRIB = 1487
    # spans inside the marks no longer start or end with a quote-mark token
    w = next(w for w in works if w.stem == "1342_pride_and_prejudice")
    first = w.quotes[0]
    assert w.text[first.outer_start] == "“" and w.text[first.start] != "“"
    # coref mention spans reproduce the annotated text (token offsets are right)
    assert all(" " not in (m.text[0], m.text[-1]) for m in w.mentions)


@pytest.mark.data
def test_litbank_mention_text_matches_tsv(shared_data: Path) -> None:
    stem = "1342_pride_and_prejudice"
    w = load_litbank(shared_data / "litbank", works=[stem])[0]
    ann = (shared_data / "litbank" / "coref" / "tsv" / f"{stem}_brat.ann").read_text(encoding="utf-8")
    texts = {row.split("\t")[1]: row.split("\t")[6] for row in ann.splitlines() if row.startswith("MENTION")}
    assert all(texts[m.id] == m.text for m in w.mentions)


def test_pdnc_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not found"):
        list_novels(tmp_path / "nope")


def test_pdnc_missing_index(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="PDNC-Novel-Index.csv"):
        list_novels(tmp_path)


def _tiny_pdnc(root: Path) -> Path:
    (root / "data" / "Tiny").mkdir(parents=True)
    (root / "PDNC-Novel-Index.csv").write_text("Novel Title,Folder Name\nTiny,Tiny\n", encoding="utf-8")
    (root / "data" / "Tiny" / "novel_text.txt").write_text('"Hi," said Ann.\n', encoding="utf-8")
    (root / "data" / "Tiny" / "character_info.csv").write_text(
        "Character ID,Main Name,Aliases,Gender,Category\n0,Ann,\"['Ann', 'Annie']\",F,major\n", encoding="utf-8"
    )
    (root / "data" / "Tiny" / "quotation_info.csv").write_text(
        "quoteID,quoteText,subQuotationList,quoteByteSpans,speaker,addressees,quoteType,referringExpression\n"
        "Q0,\"Hi,\",\"['Hi,']\",\"[[1, 4]]\",Annie,[],nan,nan\n",
        encoding="utf-8",
    )
    return root


def test_pdnc_tiny_dataset_loads(tmp_path: Path) -> None:
    (novel,) = load_pdnc(_tiny_pdnc(tmp_path))
    q = novel.quotes[0]
    # alias resolves to the character; `nan` type is None; list-literal aliases work
    assert (q.speaker_id, q.quote_type, q.spans, q.referring_expression) == (0, None, ((1, 4),), "")
    assert novel.characters[0].aliases == frozenset({"Ann", "Annie"})


def test_pdnc_missing_csv(tmp_path: Path) -> None:
    root = _tiny_pdnc(tmp_path)
    (root / "data" / "Tiny" / "quotation_info.csv").unlink()
    with pytest.raises(DatasetError, match="quotation_info.csv: missing"):
        load_pdnc(root)


def test_pdnc_wrong_header(tmp_path: Path) -> None:
    root = _tiny_pdnc(tmp_path)
    (root / "data" / "Tiny" / "character_info.csv").write_text("id,name\n0,Ann\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="header lacks"):
        load_pdnc(root)


def test_pdnc_span_outside_text(tmp_path: Path) -> None:
    root = _tiny_pdnc(tmp_path)
    p = root / "data" / "Tiny" / "quotation_info.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("[[1, 4]]", "[[1, 400]]"), encoding="utf-8")
    with pytest.raises(DatasetError, match="outside"):
        load_pdnc(root)


def test_pdnc_unknown_novel(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="unknown novel"):
        load_pdnc(_tiny_pdnc(tmp_path), novels=["Nope"])


def test_litbank_missing_layer(tmp_path: Path) -> None:
    (tmp_path / "entities" / "brat").mkdir(parents=True)
    with pytest.raises(DatasetError, match="coref/tsv"):
        list_works(tmp_path)


def test_litbank_incomplete(tmp_path: Path) -> None:
    for layer in ("entities/brat", "coref/tsv", "quotations/tsv"):
        (tmp_path / layer).mkdir(parents=True)
    (tmp_path / "entities/brat/1_x_brat.ann").write_text("", encoding="utf-8")
    (tmp_path / "coref/tsv/1_x_brat.ann").write_text("", encoding="utf-8")
    with pytest.raises(DatasetError, match="incomplete"):
        list_works(tmp_path)


def test_litbank_bad_row(tmp_path: Path) -> None:
    for layer in ("entities/brat", "coref/tsv", "quotations/tsv"):
        (tmp_path / layer).mkdir(parents=True)
        (tmp_path / layer / "1_x_brat.ann").write_text("", encoding="utf-8")
    (tmp_path / "coref/tsv/1_x_brat.txt").write_text("He said hi .\n", encoding="utf-8")
    (tmp_path / "quotations/tsv/1_x_brat.ann").write_text("QUOTE\tQ1\t0\t0\t9\t9\thi\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="not in the text"):
        load_litbank(tmp_path)
