"""The frozen dev/test splits: the lists in ficlens/data/splits follow their stated rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.errors import DatasetError
from ficlens.eval import splits
from ficlens.eval.splits import hash_rule, select, split_of


def test_pdnc_test_split_is_a_quarter_chosen_by_the_rule(shared_data: Path) -> None:
    from ficlens.eval.pdnc import list_novels

    novels = list_novels(shared_data / "pdnc")
    assert splits.test_items("pdnc") == frozenset(hash_rule(novels))
    assert len(splits.test_items("pdnc")) == 5 and len(novels) == 21


def test_litbank_test_split_is_a_quarter_chosen_by_the_rule(shared_data: Path) -> None:
    from ficlens.eval.litbank import list_works

    works = list_works(shared_data / "litbank")
    assert splits.test_items("litbank") == frozenset(hash_rule(works))
    assert len(splits.test_items("litbank")) == 20


def test_select_keeps_order_and_knows_three_splits() -> None:
    items = ["Emma", "Persuasion", "DaisyMiller"]
    assert select("pdnc", items, "all") == items
    assert select("pdnc", items, "test") == ["Persuasion"]
    assert select("pdnc", items, "dev") == ["Emma", "DaisyMiller"]
    assert split_of("pdnc", "Persuasion") == "test" and split_of("litbank", "Persuasion") == "dev"
    with pytest.raises(DatasetError):
        select("pdnc", items, "holdout")


def test_hash_rule_rounds_a_quarter() -> None:
    assert len(hash_rule([f"n{i}" for i in range(21)])) == 5
    assert hash_rule([]) == []


def test_fanfic_test_split_is_a_third_chosen_by_the_rule() -> None:
    from ficlens.eval.fanfic_gold import read_works_table

    # One rule per gold folder (real fan fiction, the team's own stories); one test list.
    gold = Path(__file__).resolve().parents[2] / "gold"
    chosen: set[str] = set()
    for folder in ("fanfic", "fanfic-own"):
        works = list(read_works_table(gold / folder))
        chosen.update(hash_rule(works, 1 / 3))
        assert len(splits.test_items("fanfic") & set(works)) == round(len(works) / 3)
    assert splits.test_items("fanfic") == frozenset(chosen)
