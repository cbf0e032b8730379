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
