"""Word and name tables (``ficlens.lexicon``, ``ficlens/data/lexicon/*.txt``)."""

from __future__ import annotations

from importlib import resources

import pytest

from ficlens import lexicon

TABLES = sorted((resources.files("ficlens") / "data" / "lexicon").iterdir(), key=lambda p: p.name)


def test_a_known_table_loads():
    roles = lexicon.words("characters-role-nouns")
    assert isinstance(roles, frozenset) and {"croupier", "landlady", "beadle"} <= roles
    assert lexicon.words("characters-role-nouns") is roles  # read once


def test_an_unknown_table_is_an_error():
    with pytest.raises(KeyError, match="no-such-table"):
        lexicon.words("no-such-table")


def test_one_entry_a_line_keeps_each_line_whole():
    # names-honorifics is written one entry a line: "mr male".
    entries = lexicon.entries("names-honorifics")
    assert entries[:2] == ("mr male", "mister male")
    assert all(len(e.split()) == 2 for e in entries)


def test_one_entry_a_line_in_a_table_of_our_own(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "lexicon"
    folder.mkdir(parents=True)
    (folder / "test-multiword.txt").write_text(
        "# Multi-word entries, for this test.\n# one entry a line\nvan der Luyden\n\n  St Clair \n", encoding="utf-8"
    )
    (folder / "test-words.txt").write_text("# Words, for this test.\nde van\nvon\n", encoding="utf-8")
    monkeypatch.setattr(lexicon.resources, "files", lambda package: tmp_path)
    try:
        assert lexicon.entries("test-multiword") == ("van der Luyden", "St Clair")
        assert lexicon.words("test-words") == {"de", "van", "von"}
    finally:
        lexicon.entries.cache_clear()
        lexicon.words.cache_clear()


@pytest.mark.parametrize("table", [p for p in TABLES if p.name.endswith(".txt")], ids=lambda p: p.name)
def test_every_table_says_what_it_is(table):
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("# "), f"{table.name} opens without a '#' header line"
    assert lexicon.entries(table.name.removesuffix(".txt")), f"{table.name} holds no entries"
