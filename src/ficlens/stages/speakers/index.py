"""Lookups over one Document that every step of the speakers stage reads, built once.

Token -> the mention covering it and whether it lies inside a quote; each quote's token span;
each paragraph's token span and scene; the characters by id and by alias
(``aliases.AliasLookup``); the first-person narrator; each character's share of the mentions
and the most mentioned character of each gender.
"""

from __future__ import annotations

from bisect import bisect_left

from ficlens.model import Document, Gender
from ficlens.stages.name_binding import NamesAfter
from ficlens.stages.speakers.aliases import AliasLookup

_QUOTE_MARKS = frozenset("\"'“”‘’«»„‟‹›")


class DocumentIndex:
    """The Document's tokens, mentions, quotes and paragraphs indexed for the speakers stage."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.tokens = doc.tokens
        self.names = AliasLookup(doc.characters)
        self.chars = doc.character_index()
        narrators = [c.id for c in doc.characters if c.is_narrator]
        self.narrator = narrators[0] if narrators else None
        self.starts = [t.start for t in doc.tokens]
        n = len(doc.tokens)
        # token -> index of the mention covering it (-1 for none)
        self.mention_at = [-1] * n
        for mi, m in enumerate(doc.mentions):
            for t in range(max(0, m.start_token), min(n, m.end_token_excl)):
                self.mention_at[t] = mi
        # token -> inside a quote (marks included)
        self.in_quote = [False] * n
        # quote index -> its token span, marks excluded
        self.quote_tokens: list[tuple[int, int]] = []
        text = doc.text
        for q in doc.quotes:
            lo_char = q.open_start if q.open_start >= 0 else q.start
            hi_char = q.end + 1 if q.end < len(text) and text[q.end] in _QUOTE_MARKS else q.end
            lo = bisect_left(self.starts, lo_char)
            hi = bisect_left(self.starts, hi_char)
            inner_lo = bisect_left(self.starts, q.start)
            inner_hi = bisect_left(self.starts, q.end)
            self.quote_tokens.append((inner_lo, inner_hi))
            for t in range(lo, hi):
                self.in_quote[t] = True
        # Linear walks over runs of quotes: the first token at or after j outside every quote
        # (n when none), the last at or before j (-1 when none), and how many tokens before j
        # lie inside quotes. A paragraph of thousands of touching quotes made the walks quadratic.
        # narration names by sentence, for the rule that a pronoun is not a name after it
        self.names_after = NamesAfter(doc, self.in_quote)
        self.out_after = [n] * (n + 1)
        for t in range(n - 1, -1, -1):
            self.out_after[t] = self.out_after[t + 1] if self.in_quote[t] else t
        self.out_before = [-1] * n
        last = -1
        for t in range(n):
            if not self.in_quote[t]:
                last = t
            self.out_before[t] = last
        self.quoted_before = [0] * (n + 1)
        for t in range(n):
            self.quoted_before[t + 1] = self.quoted_before[t] + self.in_quote[t]
        counts: dict[str, int] = {}
        for m in doc.mentions:
            if m.character_id is not None:
                counts[m.character_id] = counts.get(m.character_id, 0) + 1
        most = max(counts.values(), default=0)
        self.mention_share = {cid: n / most for cid, n in counts.items()} if most else {}
        self.top_by_gender: dict[Gender, str] = {}
        for c in sorted(doc.characters, key=lambda c: -max(c.mentions, counts.get(c.id, 0))):
            self.top_by_gender.setdefault(c.gender, c.id)
        self.paragraph_tokens = {p.id: (p.start_token, p.end_token_excl) for p in doc.paragraphs}
        self.paragraph_scene = {p.id: p.scene for p in doc.paragraphs}
        self.quote_index = {q.id: i for i, q in enumerate(doc.quotes)}
        self.quote_paragraphs = {q.paragraph for q in doc.quotes}

    def quoted(self, lo: int, hi: int) -> int:
        """How many tokens of ``[lo, hi)`` lie inside quotes."""
        return self.quoted_before[max(hi, lo)] - self.quoted_before[lo]
