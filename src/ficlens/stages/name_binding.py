"""Which characters a narration sentence names by name after a given token.

One rule read by the narration stage and the speakers stage: a pronoun is not the character
its own sentence names after it ("He remembers a hole under Kay's chestplate", "'I don't
care,' he said, and Benny laughed": the pronoun is someone else, whatever coref said), since
a name cannot be bound by a pronoun before it in the same clause run.

    later = NamesAfter(doc, in_quote)
    later.after(i)              # names after token i, to the end of its sentence
    later.after(i, stop=j)      # ... and before token j
"""

from __future__ import annotations

from collections.abc import Sequence

from ficlens.model import Document, MentionKind


class NamesAfter:
    """Name mentions of characters in narration (outside ``in_quote``), by sentence."""

    def __init__(self, doc: Document, in_quote: Sequence[bool]) -> None:
        self.tokens = doc.tokens
        n = len(self.tokens)
        self._by_sentence: dict[int, list[tuple[int, str]]] = {}
        for m in doc.mentions:
            if m.kind == MentionKind.NAME and m.character_id is not None and 0 <= m.start_token < n and not in_quote[m.start_token]:
                self._by_sentence.setdefault(self.tokens[m.start_token].sentence, []).append(
                    (m.start_token, m.character_id)
                )

    def after(self, i: int, stop: int | None = None) -> set[str]:
        """The characters named by name in narration after token ``i`` (and before ``stop``)
        within the sentence of token ``i``."""
        names = self._by_sentence.get(self.tokens[i].sentence, ())
        return {cid for at, cid in names if at > i and (stop is None or at < stop)}
