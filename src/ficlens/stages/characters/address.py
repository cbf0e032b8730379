"""Linking two names of one person by how the dialogue answers them.

Two names no name rule links ("Fagin" and "the Jew") become one character when a quote
keeps addressing one by name and the reply keeps being tagged with the other, with nothing
saying they are two people (``link_by_address``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from ficlens.model import Document, Gender, Token
from ficlens.stages.characters.evidence import is_vocative
from ficlens.stages.characters.forms import Cluster, gender_ok
from ficlens.stages.speech_verbs import speech_subject

# Linking two names by how they are answered (``link_by_address``): the fewest replies,
# the share of the addressed name's tagged replies, and how much contrary evidence is allowed.
_LINK_MIN_REPLIES = 3
_LINK_MIN_SHARE = 0.5
_LINK_MAX_SELF = 0.2  # per reply: the tagged name addresses the other one by name
_LINK_MAX_EXCHANGE = 0.25  # per reply: the two names tag the two sides of an exchange
_LINK_MAX_TOGETHER = 0.05  # per mention of the rarer name: narration sentences naming both


def link_by_address(
    doc: Document,
    tokens: list[Token],
    in_quote: list[bool],
    edges: tuple[set[int], set[int]],
    clusters: list[Cluster],
) -> list[Cluster]:
    """Join two names of one person that no name rule can link, from how the dialogue answers
    them::

        "Fagin," said Jack, "this is my friend."     "Henry," said Dorian, "..."
        "Glad to see you," said the Jew.             "Nonsense," said Lord Henry Wotton.

    A quote addresses A by name and the next paragraph's reply is tagged B, again and again
    (at least ``_LINK_MIN_REPLIES`` times and half the tagged replies to A), while nothing says
    they are two people: B never addresses A by name, the two never tag the two sides of an
    exchange, and the narration hardly names both in one sentence. Genders must agree and two
    cast characters are never joined (the user said who is who)."""
    owner, starts, quote_paragraphs, addressed, tagged = dialogue_turns(doc, tokens, in_quote, edges, clusters)
    replies: Counter[int] = Counter()
    support: Counter[tuple[int, int]] = Counter()
    against: Counter[frozenset[int]] = Counter()  # self-address
    exchange: Counter[frozenset[int]] = Counter()
    for pid in quote_paragraphs:
        voc, tag = addressed.get(pid, set()), tagged.get(pid, set())
        if len(tag) == 1:
            (t,) = tag
            for v in voc - tag:
                against[frozenset((v, t))] += 1
        nxt_tag = tagged.get(pid + 1)
        if not nxt_tag or len(nxt_tag) != 1:
            continue
        (b,) = nxt_tag
        if len(tag) == 1 and b not in tag:
            exchange[frozenset((b, *tag))] += 1
        if len(voc) == 1 and b not in tag:
            (a,) = voc
            replies[a] += 1
            if a != b:
                support[(a, b)] += 1
    pairs = [
        (a, b) for (a, b), n in support.items()
        if n >= _LINK_MIN_REPLIES
        and n >= _LINK_MIN_SHARE * replies[a]
        and against[frozenset((a, b))] <= _LINK_MAX_SELF * n
        and exchange[frozenset((a, b))] <= _LINK_MAX_EXCHANGE * n
        and gender_ok(clusters[a].gender_hint(), clusters[b].gender_hint())
        and not (clusters[a].cast_name and clusters[b].cast_name)
    ]
    if not pairs:
        return clusters
    together = _narrated_together(doc, in_quote, owner, starts, {frozenset(p) for p in pairs})
    parent = list(range(len(clusters)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in sorted(pairs, key=lambda ab: (-support[ab], ab)):
        if together[frozenset((a, b))] > _LINK_MAX_TOGETHER * min(clusters[a].count, clusters[b].count):
            continue
        ra, rb = root(a), root(b)
        if ra == rb or (clusters[ra].cast_name and clusters[rb].cast_name):
            continue
        if not gender_ok(clusters[ra].gender_hint(), clusters[rb].gender_hint()):
            continue
        # The cast member, else the more often named, keeps its identity.
        keep, gone = sorted((ra, rb), key=lambda i: (clusters[i].cast_name is None, -clusters[i].count, i))
        for f in clusters[gone].forms:
            clusters[keep].add(f)
        if clusters[keep].role_gender == Gender.UNKNOWN:
            clusters[keep].role_gender = clusters[gone].role_gender
        parent[gone] = keep
    return [c for i, c in enumerate(clusters) if parent[i] == i]


def dialogue_turns(
    doc: Document,
    tokens: list[Token],
    in_quote: list[bool],
    edges: tuple[set[int], set[int]],
    clusters: list[Cluster],
) -> tuple[dict[int, tuple[int, int]], list[int], list[int], dict[int, set[int]], dict[int, set[int]]]:
    """Who the quotes of each quote paragraph address by name and who its narration tags as
    speaker, by index in ``clusters``. Returns the name spans (first token -> end, cluster),
    their sorted first tokens, the quote paragraph ids, and per paragraph the addressed and
    the tagged clusters."""
    owner: dict[int, tuple[int, int]] = {}  # first token of a name span -> (end, cluster)
    for ci, c in enumerate(clusters):
        for f in c.forms:
            for s, e in f.spans:
                owner[s] = (e, ci)
    starts = sorted(owner)
    quote_paragraphs = sorted({q.paragraph for q in doc.quotes})
    by_id = {p.id: p for p in doc.paragraphs}
    # Per quote paragraph: who its quotes address by name, who its narration tags as speaker.
    addressed: dict[int, set[int]] = {}
    tagged: dict[int, set[int]] = {}
    for pid in quote_paragraphs:
        para = by_id.get(pid)
        if para is None:
            continue
        voc: set[int] = set()
        tag: set[int] = set()
        for s in _starts_within(starts, para.start_token, para.end_token_excl):
            e, ci = owner[s]
            if in_quote[s]:
                if is_vocative(tokens, s, e, in_quote, edges):
                    voc.add(ci)
            elif speech_subject(tokens, s, e):
                tag.add(ci)
        addressed[pid], tagged[pid] = voc, tag
    return owner, starts, quote_paragraphs, addressed, tagged


def _starts_within(starts: list[int], lo: int, hi: int) -> list[int]:
    """The sorted span starts in tokens ``lo`` .. ``hi`` (exclusive)."""
    return starts[bisect_left(starts, lo) : bisect_left(starts, hi)]


def _narrated_together(
    doc: Document,
    in_quote: list[bool],
    owner: dict[int, tuple[int, int]],
    starts: list[int],
    pairs: set[frozenset[int]],
) -> Counter[frozenset[int]]:
    """Narration sentences that name both clusters of a pair (``owner``: a name span's first
    token -> its end and cluster; ``starts``: those first tokens, sorted)."""
    out: Counter[frozenset[int]] = Counter()
    wanted = {i for p in pairs for i in p}
    for sent in doc.sentences:
        named = {
            owner[s][1] for s in _starts_within(starts, sent.start_token, sent.end_token_excl)
            if owner[s][1] in wanted and not in_quote[s]
        }
        if len(named) >= 2:
            for p in pairs:
                if p <= named:
                    out[p] += 1
    return out
