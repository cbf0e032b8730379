"""Character alignment between two renderings of one text that differ mostly in whitespace.

LitBank annotates a tokenized excerpt (one sentence per line, tokens split by spaces) while
ficlens should read the book as a user gives it. The two texts hold the same non-space
characters, in the same order, up to small edits (curly vs straight quotes, ``--`` vs ``—``,
a dropped underscore). We align the non-space character streams with a greedy walk that
compares characters after folding such variants, and on a mismatch resynchronises on the
nearest position where the next ``WINDOW`` characters agree again; inside the skipped stretches
difflib pairs what still matches, and the rest stays unaligned (and is counted). Then a span of one text maps to the span of the other covering the
same aligned non-space characters.

The greedy walk is linear when the texts agree (on LitBank all 79 excerpts match the start of
their original character for character, whitespace aside); difflib over whole ~9,000-character
excerpts took over a second each.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass

# Variants that an edition or a tokenizer swaps for one another; folded before comparing.
_FOLD = str.maketrans("“”„‟″«»‘’‚‛′`—–―‐‑", '"' * 7 + "'" * 6 + "-" * 5)
WINDOW = 8  # characters that must agree for a resync
MAX_SKIP = 400  # total characters skipped (both sides) searched for a resync
MAX_FAILURES = 50  # resyncs that found nothing before the texts are taken to differ


def fold(text: str) -> str:
    return text.translate(_FOLD)


def nonspace(text: str) -> tuple[str, list[int]]:
    """The non-space characters of ``text`` and their offsets."""
    pos = [i for i, c in enumerate(text) if not c.isspace()]
    return "".join(text[i] for i in pos), pos


@dataclass
class Alignment:
    """Non-space characters of ``a`` paired with those of ``b`` (indices into the streams)."""

    a_pos: list[int]  # offsets of a's non-space characters
    b_pos: list[int]
    a_to_b: list[int]  # per non-space char of a: index of its partner in b's stream, or -1
    b_to_a: list[int]

    @property
    def unaligned_a(self) -> int:
        return sum(1 for j in self.a_to_b if j < 0)

    @property
    def b_end(self) -> int:
        """Offset in ``b`` one past the last character aligned to ``a`` (0 when none)."""
        last = max((j for j in self.a_to_b if j >= 0), default=-1)
        return self.b_pos[last] + 1 if last >= 0 else 0

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Span of ``b`` -> span of ``a`` covering the same aligned non-space characters:
        from the first aligned character inside ``[start, end)`` to the last. None when no
        character of the span is aligned (e.g. it lies beyond the part of ``b`` that ``a``
        covers); a span running past that part is clipped to it."""
        return _map(self.b_pos, self.b_to_a, self.a_pos, start, end)

    def map_span_to_b(self, start: int, end: int) -> tuple[int, int] | None:
        """The reverse direction: span of ``a`` -> span of ``b``."""
        return _map(self.a_pos, self.a_to_b, self.b_pos, start, end)


def _map(
    src_pos: list[int], src_to_dst: list[int], dst_pos: list[int], start: int, end: int
) -> tuple[int, int] | None:
    i0 = bisect.bisect_left(src_pos, start)
    i1 = bisect.bisect_left(src_pos, end) - 1
    while i0 <= i1 and src_to_dst[i0] < 0:
        i0 += 1
    while i1 >= i0 and src_to_dst[i1] < 0:
        i1 -= 1
    if i0 > i1:
        return None
    j0, j1 = src_to_dst[i0], src_to_dst[i1]
    if j1 < j0:  # cannot happen with a monotone alignment; guard anyway
        return None
    return dst_pos[j0], dst_pos[j1] + 1


def align(a: str, b: str) -> Alignment:
    """Align the non-space characters of ``a`` to those of ``b``. ``b`` may run on past the end
    of ``a`` (the full book after the excerpt): the walk stops once ``a`` is used up."""
    sa, a_pos = nonspace(a)
    sb, b_pos = nonspace(b)
    fa, fb = fold(sa), fold(sb)
    a_to_b = [-1] * len(sa)
    b_to_a = [-1] * len(sb)
    i = 0
    # The excerpt may not start at the very beginning of ``b``: start where its opening agrees.
    j = max(0, fb.find(fa[: 4 * WINDOW])) if fa else 0
    failures = 0
    while i < len(fa) and j < len(fb):
        if fa[i] == fb[j]:
            a_to_b[i], b_to_a[j] = j, i
            i += 1
            j += 1
            continue
        step = _resync(fa, fb, i, j)
        if step is None:  # nothing agrees nearby: call it a substitution and go on
            failures += 1
            if failures > MAX_FAILURES:  # not the same text at all: stop searching
                break
            i += 1
            j += 1
        else:
            # The skipped stretches may still share characters (`_You_` vs `You`): pair them.
            da, db = step
            gap = difflib.SequenceMatcher(None, fa[i : i + da], fb[j : j + db], autojunk=False)
            for blk in gap.get_matching_blocks():
                for k in range(blk.size):
                    a_to_b[i + blk.a + k], b_to_a[j + blk.b + k] = j + blk.b + k, i + blk.a + k
            i, j = i + da, j + db
    return Alignment(a_pos, b_pos, a_to_b, b_to_a)


def _resync(fa: str, fb: str, i: int, j: int) -> tuple[int, int] | None:
    """Smallest (skip in a, skip in b), by total then by balance (a substitution before a
    deletion of the same total), after which ``WINDOW`` characters agree."""
    best: tuple[int, int, int] | None = None  # (total, imbalance, da)
    found: dict[int, int] = {}
    for da in range(MAX_SKIP + 1):
        if best is not None and da > best[0]:
            break
        n = min(WINDOW, len(fa) - i - da)
        if n <= 0:
            break
        # str.find scans in C: the first place in b (within reach) where this window agrees.
        pos = fb.find(fa[i + da : i + da + n], j, j + MAX_SKIP - da + n)
        if pos < 0:
            continue
        db = pos - j
        found[da] = db
        key = (da + db, abs(da - db), da)
        if best is None or key < best:
            best = key
    if best is None:
        return None
    return best[2], found[best[2]]


def token_spans(text: str) -> list[tuple[int, int]]:
    """Whitespace-separated tokens of ``text`` as ``(start, end)`` offsets."""
    out = []
    start = -1
    for k, c in enumerate(text):
        if c.isspace():
            if start >= 0:
                out.append((start, k))
                start = -1
        elif start < 0:
            start = k
    if start >= 0:
        out.append((start, len(text)))
    return out


class TokenIndex:
    """Whitespace-separated tokens of a text, for snapping spans to whole tokens."""

    def __init__(self, text: str) -> None:
        self.spans = token_spans(text)
        self.starts = [s for s, _ in self.spans]

    def snap(self, span: tuple[int, int]) -> tuple[int, int]:
        """Widen ``span`` to whole tokens: from the start of the token holding its first
        character to the end of the token holding its last (gold spans are token spans)."""
        start, end = span
        k0 = bisect.bisect_right(self.starts, start) - 1
        k1 = bisect.bisect_right(self.starts, end - 1) - 1
        if k0 >= 0 and start < self.spans[k0][1]:
            start = self.spans[k0][0]
        if k1 >= 0 and end - 1 < self.spans[k1][1]:
            end = self.spans[k1][1]
        return start, end
