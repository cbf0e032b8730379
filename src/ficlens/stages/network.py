"""Network: who appears with whom, and who talks to whom.

Input: scenes, quotes (with ``speaker_id`` / ``addressee_ids`` from the speakers stage),
characters and mentions. Output ``doc.interactions``::

    scene 0: Anna ... Ben ... "Hi, Ben," Anna said.   -> cooccurrence C0-C1 weight 1 scenes (0,)
                                                         conversation C0->C1 weight 1 scenes (0,)
    scene 1: Anna and Ben again; Cleo watches.        -> cooccurrence C0-C1 weight 2 scenes (0, 1)
                                                         cooccurrence C0-C2, C1-C2 weight 1

- ``cooccurrence`` (undirected; ``source < target`` as strings): ``weight`` is the number
  of scenes in which both characters are *present*, ``scenes`` their ids. A character is
  present in a scene when it has at least ``min_scene_mentions`` mentions outside quotes
  there, or speaks or is addressed in one of its quotes. Mentions inside dialogue
  ("Where is Harry?") do not make Harry present. Scenes are the unit because fan fiction
  marks them; a chapter without breaks is one scene, which overstates its pairs.
- ``conversation`` (directed speaker -> addressee): ``weight`` is the number of
  utterances, i.e. quotes with that speaker and addressee, counting a quote broken by a
  speech tag (``continues`` set) once; ``scenes`` the scene ids.

Sorted by kind (cooccurrence first), then source, then target. ``to_networkx(doc)``
turns the layer into a networkx graph for users.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ficlens.model import Document, Interaction

COOCCURRENCE = "cooccurrence"
CONVERSATION = "conversation"


@dataclass(frozen=True)
class NetworkConfig:
    # Mentions outside quotes that make a character present in a scene.
    min_scene_mentions: int = 1
    # Pairs seen together in fewer scenes are dropped (1 keeps every pair).
    min_cooccurrence_scenes: int = 1


@dataclass
class _Found:
    interactions: list[Interaction]


class NetworkStage:
    name = "network"
    requires: tuple[str, ...] = ("scenes", "quotes", "characters", "mentions")
    assigns: tuple[str, ...] = ("interactions",)

    def __init__(self, config: NetworkConfig) -> None:
        self.config = config

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        return doc

    def _apply(self, doc: Document, found: _Found) -> None:
        doc.interactions = found.interactions

    def _find(self, doc: Document) -> _Found:
        known = {c.id for c in doc.characters}
        scene_of_paragraph = {p.id: p.scene for p in doc.paragraphs}
        scene_of_sentence = {s.id: scene_of_paragraph.get(s.paragraph, -1) for s in doc.sentences}
        scene_starts = [s.start for s in doc.scenes]

        def scene_at(offset: int) -> int:
            # Fallback when a record has no sentence/paragraph link: scenes are sorted.
            k = bisect_right(scene_starts, offset) - 1
            return doc.scenes[k].id if k >= 0 else -1

        # Presence: mentions outside quotes per (scene, character), plus quote participants.
        mentions: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for m in doc.mentions:
            if m.in_quote or m.character_id is None or m.character_id not in known:
                continue
            scene = scene_of_sentence.get(m.sentence, -1) if m.sentence >= 0 else scene_at(m.start)
            if scene < 0:
                scene = scene_at(m.start)
            mentions[scene][m.character_id] += 1
        present: dict[int, set[str]] = defaultdict(set)
        for scene, counts in mentions.items():
            present[scene].update(c for c, k in counts.items() if k >= self.config.min_scene_mentions)

        talk: dict[tuple[str, str], list[int]] = defaultdict(list)
        for q in doc.quotes:
            scene = scene_of_paragraph.get(q.paragraph, -1)
            if scene < 0:
                scene = scene_at(q.start)
            if q.speaker_id in known:
                present[scene].add(q.speaker_id)  # type: ignore[arg-type]
            for a in q.addressee_ids:
                if a in known:
                    present[scene].add(a)
            if q.continues is not None or q.speaker_id not in known:
                continue
            for a in dict.fromkeys(q.addressee_ids):  # unique, in order
                if a in known and a != q.speaker_id:
                    talk[(q.speaker_id, a)].append(scene)  # type: ignore[index]

        together: dict[tuple[str, str], list[int]] = defaultdict(list)
        for scene in sorted(present):
            if scene < 0:
                continue
            for a, b in combinations(sorted(present[scene]), 2):
                together[(a, b)].append(scene)

        out = [
            Interaction(a, b, COOCCURRENCE, float(len(scenes)), tuple(scenes))
            for (a, b), scenes in sorted(together.items())
            if len(scenes) >= self.config.min_cooccurrence_scenes
        ]
        out += [
            Interaction(a, b, CONVERSATION, float(len(scenes)), tuple(sorted(set(scenes))))
            for (a, b), scenes in sorted(talk.items())
        ]
        return _Found(out)


def to_networkx(doc: Document, kind: str = COOCCURRENCE) -> Any:
    """``doc.interactions`` of one kind as a networkx graph.

    ``cooccurrence`` gives an undirected ``nx.Graph``, ``conversation`` a ``nx.DiGraph``.
    Nodes are every character (attributes ``name``, ``gender``, ``mentions``, ``quotes``),
    edges carry ``weight`` and ``scenes``; e.g. ``nx.degree_centrality(to_networkx(doc))``.
    """
    import networkx as nx  # only users of the graph pay the import

    if kind not in (COOCCURRENCE, CONVERSATION):
        raise ValueError(f"unknown interaction kind {kind!r} (expected {COOCCURRENCE!r} or {CONVERSATION!r})")
    graph = nx.Graph() if kind == COOCCURRENCE else nx.DiGraph()
    for c in doc.characters:
        graph.add_node(c.id, name=c.name, gender=str(c.gender), mentions=c.mentions, quotes=c.quotes)
    for i in doc.interactions:
        if i.kind == kind:
            graph.add_edge(i.source, i.target, weight=i.weight, scenes=list(i.scenes))
    return graph
