"""``--cast`` files: name, aliases (|-joined), gender."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.cast import CastMember, load_cast
from ficlens.errors import InputError
from ficlens.model import Gender


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cast.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_cast(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "name\taliases\tgender\n"
        "# a comment\n"
        "Harry Potter\tHarry|Potter| the Boy Who Lived \tmale\n"
        "\n"
        "Hermione Granger\tHermione\tFemale\n"
        "Sirius\t\t\n"
        "Luna\n",
    )
    assert load_cast(path) == [
        CastMember("Harry Potter", ("Harry", "Potter", "the Boy Who Lived"), Gender.MALE),
        CastMember("Hermione Granger", ("Hermione",), Gender.FEMALE),
        CastMember("Sirius", (), Gender.UNKNOWN),
        CastMember("Luna", (), Gender.UNKNOWN),
    ]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),  # nothing at all
        ("who\twhat\n", "header"),  # wrong header
        ("name\taliases\tgender\nAnn\t\tgirl\n", "gender"),  # not a Gender
        ("name\taliases\tgender\n\tAnn\tfemale\n", "empty name"),  # no name
        ("name\taliases\tgender\nAnn\t\tfemale\nann\t\t\n", "twice"),  # duplicate
        ("name\taliases\tgender\nAnn\t\tfemale\textra\n", "columns"),  # too many cells
    ],
)
def test_malformed(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle) as info:
        load_cast(_write(tmp_path, text))
    assert "cast.tsv" in str(info.value)


def test_missing_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_cast(tmp_path / "none.tsv")
    (tmp_path / "latin.tsv").write_bytes("name\taliases\tgender\nZo\xeb\t\t\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        load_cast(tmp_path / "latin.tsv")


@pytest.mark.slow
def test_a_large_cast_is_loaded_and_matched_in_linear_time(tmp_path: Path, nlp, straight_quotes) -> None:
    # Issue 25: a cast of 200,000 aliases took over 120 s: every name of the story was
    # compared with every name of the cast. Ten times the cast and ten times the story must
    # cost about ten times the time, not a hundred: many members with one alias each, and
    # one member with all the aliases.
    import random
    import string
    import time

    from ficlens.model import Document
    from ficlens.stages.characters import CharacterConfig, CharacterStage
    from ficlens.stages.segment import SegmentConfig, SegmentStage

    rnd = random.Random(7)
    segment = SegmentStage(SegmentConfig(), nlp)

    def word() -> str:
        return rnd.choice(string.ascii_uppercase) + "".join(rnd.choice("aeiklmnorst") for _ in range(6))

    def seconds(members: int, aliases: int, names: int) -> float:
        # CC0 text written for this test: names the cast does not list.
        text = " ".join(f'"Hello," said {word()}. {word()} {word()} nodded.' for _ in range(names))
        doc = segment(Document(text=text))
        doc.quotes = straight_quotes(text)
        rows = [f"{word()} {word()}{i}\t{'|'.join(f'{word()}{i}x{k}' for k in range(aliases))}\tunknown" for i in range(members)]
        path = _write(tmp_path, "name\taliases\tgender\n" + "\n".join(rows) + "\n")
        started = time.perf_counter()
        out = CharacterStage(CharacterConfig(), cast=load_cast(path))(doc)
        assert len([c for c in out.characters if c.from_cast]) == members
        return time.perf_counter() - started

    # 10,000 members with a name and an alias each; one member with 20,000 aliases.
    for members, aliases in ((1_000, 1), (1, 2_000)):
        small = min(seconds(members, aliases, 10) for _ in range(2))
        large = seconds(members * 10 if members > 1 else 1, aliases * 10 if members == 1 else aliases, 100)
        assert large < 30 * small + 1.0, (members, aliases, small, large)
