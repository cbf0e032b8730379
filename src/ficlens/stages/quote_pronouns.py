"""Quote pronouns: "I" and "you" inside a quote point at its speaker and addressee.

Input: quotes (with ``speaker_id`` / ``addressee_ids`` from the speakers stage) and mentions.
Output: ``doc.mentions`` with the first- and second-person pronoun mentions inside quotes
resolved::

    "I will stay," said Nick to Daisy. "You know me."
     I -> Nick (the speaker)             You -> Daisy, me -> Nick

First person (``I``, ``me``, ``my``, ...) takes the quote's speaker; second person (``you``,
``your``, ...) its addressee when there is exactly one ("you" to a room stays unresolved, and a "you" an earlier
stage gave the speaker loses that: nobody says "you" to themselves). A
pronoun inside a quote nested in another ("He said 'go' to me") is left alone: the inner
quote has a different speaker. Resolved mentions are marked ``in_quote``; every other
mention is kept as it is, in order.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace

from ficlens.model import Document, Mention, MentionKind, Quote
from ficlens.stages.speech_verbs import FIRST_PERSON, SECOND_PERSON


@dataclass(frozen=True)
class QuotePronounConfig:
    """No options yet; a section of its own so the stage can be configured like the others."""


@dataclass
class _Found:
    mentions: list[Mention]


class QuotePronounStage:
    """Resolves in-quote first- and second-person pronoun mentions to the quote's speaker and
    addressee (run after the speakers stage)."""

    name = "quote_pronouns"
    requires: tuple[str, ...] = ("quotes", "mentions")
    assigns: tuple[str, ...] = ("mentions",)

    def __init__(self, config: QuotePronounConfig | None = None) -> None:
        self.config = config or QuotePronounConfig()

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        return doc

    def _find(self, doc: Document) -> _Found:
        return _Found(_resolve(doc.mentions, doc.quotes))

    def _apply(self, doc: Document, found: _Found) -> None:
        doc.mentions = found.mentions


def _resolve(mentions: list[Mention], quotes: list[Quote]) -> list[Mention]:
    """In-quote I/me/my -> the speaker; you -> the addressee when there is exactly one."""
    spans = sorted(
        (q.start, q.end, q.speaker_id, q.addressee_ids, q.nested_in is not None) for q in quotes
    )
    nested = [(s, e) for s, e, _, _, n in spans if n]
    outer = [(s, e, sp, ad) for s, e, sp, ad, n in spans if not n]
    starts = [s for s, _, _, _ in outer]
    nested_starts = [s for s, _ in nested]
    out: list[Mention] = []
    for m in mentions:
        if m.kind != MentionKind.PRONOUN:
            out.append(m)
            continue
        low = m.text.lower()
        if low not in FIRST_PERSON and low not in SECOND_PERSON:
            out.append(m)
            continue
        i = bisect_left(starts, m.start + 1) - 1
        n = bisect_left(nested_starts, m.start + 1) - 1
        inside_nested = n >= 0 and nested[n][0] <= m.start < nested[n][1]
        if i < 0 or inside_nested or not (outer[i][0] <= m.start < outer[i][1]):
            out.append(m)
            continue
        _, _, speaker, addressees = outer[i]
        target = speaker if low in FIRST_PERSON else (addressees[0] if len(addressees) == 1 else None)
        if target is None and low in SECOND_PERSON and speaker is not None and m.character_id == speaker:
            # "you" is never the one speaking: an earlier resolution to the speaker goes.
            out.append(replace(m, character_id=None))
        elif target is None:
            out.append(m)
        else:
            out.append(replace(m, character_id=target, in_quote=True))
    return out
