"""Frozen dev/test splits of the evaluation sets.

The test items of each dataset are listed in ``ficlens/data/splits/<dataset>-test.txt``
(the rule that chose them is written in the file's header: the quarter of the items whose
names have the smallest SHA-256 digest). Everything else is dev. Test items are scored and
reported as one aggregate, never item by item; rules, tuning and error reading use dev.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from importlib import resources

from ficlens.errors import DatasetError
from ficlens.lexicon import parse_table

SPLITS = ("all", "dev", "test")
UNITS = {"pdnc": "novel", "litbank": "work", "fanfic": "work", "signals": "work"}


# A dataset whose gold comes in several folders reads one test list per folder: the fan-fiction
# gold on real stories (gold/fanfic) and on the team's own (gold/fanfic-own), whose work ids differ.
SPLIT_LISTS = {"fanfic": ("fanfic", "fanfic-own")}


@cache
def test_items(dataset: str) -> frozenset[str]:
    """The frozen test split of ``dataset`` ("pdnc", "litbank" or "fanfic")."""
    items: set[str] = set()
    for name in SPLIT_LISTS.get(dataset, (dataset,)):
        path = resources.files("ficlens") / "data" / "splits" / f"{name}-test.txt"
        items.update(parse_table(path.read_text(encoding="utf-8")))
    return frozenset(items)


def split_of(dataset: str, item: str) -> str:
    """"test" or "dev". The signals gold's works come from three datasets and keep their splits
    (``split_of_work``)."""
    if dataset == "signals":
        return split_of_work(item)
    return "test" if item in test_items(dataset) else "dev"


def split_of_work(work: str) -> str:
    """The split of a signals-gold work ("pdnc:Emma", "litbank:<stem>", "fanfic:<path>#<n>"):
    PDNC and LitBank works keep their frozen splits; fan-fiction works are listed in
    ``signals-fanfic-test.txt`` (the rule is in its header)."""
    dataset, _, rest = work.partition(":")
    if dataset in ("pdnc", "litbank"):
        return split_of(dataset, rest)
    return "test" if rest in test_items("signals-fanfic") else "dev"


def select(dataset: str, items: Sequence[str], split: str) -> list[str]:
    """The items of ``split`` ("all", "dev" or "test"), in the given order."""
    if split not in SPLITS:
        raise DatasetError(dataset, f"unknown split {split!r} (expected one of {', '.join(SPLITS)})")
    if split == "all":
        return list(items)
    return [i for i in items if split_of(dataset, i) == split]


def pick(
    dataset: str, root: object, known: Sequence[str], wanted: Sequence[str] | None, split: str = "all"
) -> list[str]:
    """The items of ``dataset`` to load or run, in ``known``'s order: ``wanted`` (default: all
    of ``split``). Naming an item ``root`` does not hold, or one outside ``split``, is an error."""
    unit = UNITS[dataset]
    if not wanted:
        return select(dataset, known, split)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise DatasetError(str(root), f"unknown {unit}(s) {unknown}; known: {', '.join(known)}")
    outside = [n for n in wanted if split_of(dataset, n) != split] if split != "all" else []
    if outside:
        raise DatasetError(str(root), f"{unit}(s) {outside} are not in the {split} split")
    return [n for n in known if n in wanted]


def hash_rule(items: Sequence[str], share: float = 0.25) -> list[str]:
    """The rule that chose the frozen test items: the ``share`` of ``items`` (rounded) with the
    smallest SHA-256 hex digest of their names, in digest order."""
    ranked = sorted(items, key=lambda n: hashlib.sha256(n.encode("utf-8")).hexdigest())
    return ranked[: round(len(ranked) * share)]
