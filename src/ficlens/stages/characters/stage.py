"""The characters stage itself: its configuration, and the order of the steps.

``CharacterStage._find`` runs the steps of the package in turn (see ``__init__``) and writes
``Character`` and ``Mention`` records: ids by first appearance, aliases by frequency, the
canonical name (the most complete frequent form) and the gender hint with its confidence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from ficlens.model import Character, Document, Gender, Mention, MentionKind
from ficlens.stages.characters.address import link_by_address
from ficlens.stages.characters.cast import (
    cast_lookalikes,
    cast_seeds,
    cast_words,
    join_cast_descriptions,
    join_name_variants,
    join_split_members,
    lookalike_warnings,
    misspelt_seed_keys,
    seed_keys_of,
    settle_descriptions,
    settle_lookalikes_by_scene,
    settle_shared_first_names,
)
from ficlens.stages.characters.clustering import cluster_forms
from ficlens.stages.characters.evidence import quote_edges
from ficlens.stages.characters.forms import Cluster, Form
from ficlens.stages.characters.persons import (
    accept,
    mark_place_names,
    mark_suffixed,
    thin_candidates,
)
from ficlens.stages.characters.reader import reader_character, reader_cluster
from ficlens.stages.characters.roles import described_clusters, role_clusters
from ficlens.stages.characters.spans import add_untagged, collect_forms, mention, nominal_mentions
from ficlens.stages.names import honorific_gender, split_name


@dataclass(frozen=True)
class CharacterConfig:
    # A character named fewer times than this is dropped unless it has strong evidence
    # (an honorific, a full name tagged PERSON, a speech tag or vocative, or the cast).
    min_mentions: int = 2
    # Share of a form's occurrences that must look like a person (PERSON entity,
    # honorific, speech-verb subject, vocative) for all its occurrences to count.
    min_person_share: float = 0.2
    nominals: bool = True
    # A definite or possessive person phrase that tags speech ("said the doctor", "my uncle
    # replied") is a character known by it (``roles.described_clusters``); with the guard, one
    # the text shows to be a named character joins that character instead, and one whose
    # title an AO3 tag the text never names holds makes nothing. On (with CorefConfig.role_guard
    # and the speakers' absent-role cue), dev splits: LitBank speakers 65.4 -> 67.4,
    # own stories 91.7 -> 92.4, fan fiction 92.2 unchanged, PDNC 4 novels 84.1 -> 83.9
    # (Oliver Twist: "the doctor" joined to Mr. Losberne pairs him with PDNC's "The Doctor").
    described: bool = True
    described_guard: bool = True
    described_min_speech: int = 1  # speech tags that make a described character


@dataclass
class _Found:
    characters: list[Character]
    mentions: list[Mention]
    warnings: list[str]


class CharacterStage:
    """Characters and their name and nominal mentions, from the text (and a cast)."""

    name = "characters"
    requires: tuple[str, ...] = ("tokens", "entities", "paragraphs", "sentences", "quotes")
    assigns: tuple[str, ...] = ("characters", "mentions", "warnings")

    def __init__(self, config: CharacterConfig | None = None, cast: Any | None = None) -> None:
        self.config = config or CharacterConfig()
        self.cast = list(cast) if cast else []

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        return doc

    def _apply(self, doc: Document, found: _Found) -> None:
        doc.characters = found.characters
        doc.mentions = found.mentions
        if found.warnings:
            doc.warnings = [*doc.warnings, *found.warnings]

    def _find(self, doc: Document) -> _Found:
        """Collect name forms, keep the people, cluster them into characters (cast seeds,
        names, roles, cast descriptions, address links, the Reader), then number them by
        first appearance and write their mentions."""
        tokens = doc.tokens
        in_quote = doc.quote_token_mask()
        edges = quote_edges(doc, tokens)
        seeds = cast_seeds(self.cast, doc.metadata)
        seed_keys = seed_keys_of(seeds)
        forms = collect_forms(doc, tokens, in_quote, edges)
        mark_place_names(forms)
        mark_suffixed(forms, tokens)
        lower_words = {t.text for t in tokens if t.text.islower()}
        seed_keys.update(misspelt_seed_keys(forms, seed_keys, lower_words))
        accepted = accept(forms, seed_keys, lower_words, self.config.min_person_share)
        add_untagged(doc, tokens, forms, accepted, lower_words)
        clusters = cluster_forms(accepted, seeds, seed_keys)
        clusters = role_clusters(tokens, in_quote, clusters, accepted)
        # Beside a user's cast the user has said who is in the story: a description goes to a
        # member (coref, the ranker) or to no one, never to a character of its own.
        if self.config.described and not self.cast:
            clusters = described_clusters(
                tokens, in_quote, clusters, self.config.described_guard, self.config.described_min_speech
            )
        clusters = join_cast_descriptions(clusters)
        if seeds:
            # What the run without a cast keeps whole, the cast does not split.
            clusters = join_split_members(clusters, cluster_forms(accepted, [], {}))
            clusters = join_name_variants(clusters, cast_words(clusters))
            clusters = settle_lookalikes_by_scene(clusters, cast_words(clusters))
            clusters = settle_shared_first_names(clusters)
        if seeds:
            clusters = settle_descriptions(doc, tokens, in_quote, edges, clusters)
        clusters = link_by_address(doc, tokens, in_quote, edges, clusters)
        reader = reader_cluster(doc, tokens)
        if reader is not None:
            clusters.append(reader)
        # An AO3 tag names the work's people, not this chapter's: a tagged character the
        # text never names, by any word of the tag, is left out (a --cast member stays).
        text_words = {t.text.lower() for t in tokens if t.text[:1].isupper()}
        # A name nothing shows to be a person and something shows to be a thing ("the Bijuu",
        # "Miso Pork", "Raincheck?") is no character, however spaCy labelled it.
        thin = thin_candidates(clusters, tokens, lower_words)
        kept = [
            c
            for c in clusters
            if id(c) not in thin
            and (
                (c.cast_name is not None and (c.found_by != "tag" or c.count or _tag_in_text(c, text_words)))
                or c.is_reader
                or c.count >= self.config.min_mentions
                # Named once is enough for a full name spaCy calls a person: a protagonist may
                # be named in the first paragraph and be "she" ever after.
                or any(
                    f.strong or f.key[0] or (len(f.key[1]) >= 2 and f.votes) or (f.agent and (f.labelled or _bare_name(f)))
                    # Every named person is a character, even named once in passing ("squaring off
                    # with Gerard"): a name spaCy calls a person, or a known given name.
                    or f.labelled
                    or f.given
                    or f.with_pronoun  # "Matatabi and I gifted it"
                    for f in c.forms
                )
            )
        ]
        # Stable ids: first appearance in the text; cast members never seen go last.
        kept.sort(key=lambda c: min((s for f in c.forms for s, _ in f.spans), default=len(tokens) + 1))
        characters: list[Character] = []
        mentions: list[Mention] = []
        names: dict[int, str] = {}
        for idx, cluster in enumerate(kept):
            cid = f"C{idx}"
            surfaces: Counter[str] = Counter()
            for f in cluster.forms:
                surfaces.update(f.surfaces)
                for s, e in f.spans:
                    mentions.append(mention(doc, tokens, s, e, MentionKind.NAME, cid, in_quote[s]))
            # the text's forms by frequency, then the cast's others (a dict keeps the order)
            aliases = list(dict.fromkeys([a for a, _ in sorted(surfaces.items(), key=lambda kv: (-kv[1], kv[0]))] + list(cluster.cast_aliases)))
            gender = cluster.gender_hint()
            confidence = _gender_confidence(cluster, gender)
            if cluster.is_reader:
                characters.append(reader_character(cid, tuple(aliases), gender, confidence, cluster.count))
                continue
            names[id(cluster)] = cluster.cast_name or _canonical(surfaces)
            characters.append(
                Character(
                    id=cid,
                    name=names[id(cluster)],
                    aliases=tuple(aliases),
                    gender=gender,
                    gender_confidence=confidence,
                    mentions=cluster.count,
                    from_cast=cluster.cast_name is not None,
                    found_by=cluster.found_by,
                )
            )
        if self.config.nominals:
            taken = {m.start_token for m in mentions}
            mentions.extend(m for m in nominal_mentions(doc, tokens, in_quote) if m.start_token not in taken)
        mentions.sort(key=lambda m: (m.start_token, m.end_token_excl))
        if seeds:
            # A character the cast may have meant: recorded on it, and said in a warning.
            # (``characters[k]`` is ``kept[k]``.)
            index = {id(c): k for k, c in enumerate(kept)}
            for c, members in cast_lookalikes(kept, cast_words(kept)):
                k = index[id(c)]
                characters[k] = replace(characters[k], lookalike_of=tuple(characters[index[id(m)]].id for m in members))
        return _Found(characters, mentions, lookalike_warnings(characters))


def _canonical(surfaces: Counter[str]) -> str:
    """The most complete frequent proper form: most name words without an honorific, then count."""
    if not surfaces:
        return ""

    def score(item: tuple[str, int]) -> tuple[bool, bool, int, int, int]:
        parts = split_name(item[0])
        bare = parts.honorific is None
        cased = not item[0].isupper()  # "WILLIAM COLLINS" from a letter heading is a poor label
        proper = item[0][:1].isupper()  # "Mr. Losberne" over the "the doctor" that joined him
        return (proper, cased, min(len(parts.words), 3) if bare and len(parts.words) >= 2 else 0, item[1], -len(item[0]))

    best = max(surfaces.items(), key=score)
    return best[0]


def _gender_confidence(cluster: Cluster, gender: Gender) -> float:
    if gender == Gender.UNKNOWN:
        return 0.0
    if cluster.cast_gender != Gender.UNKNOWN:
        return 1.0
    votes = [honorific_gender(h) for h, n in cluster.honorifics.items() for _ in range(n)]
    votes = [v for v in votes if v != Gender.UNKNOWN]
    if votes:
        return round(0.9 * sum(v == gender for v in votes) / len(votes), 3)
    return 0.5  # a first-name hint only


def _tag_in_text(cluster: Cluster, text_words: set[str]) -> bool:
    """Whether any name word of a tagged character ("Derek Hale": "derek", "hale") is written
    capitalised in the text, even where no rule made it a mention of this character."""
    return any(
        w.lower() in text_words
        for name in (cluster.cast_name or "", *cluster.cast_aliases)
        for w in split_name(name).words
        if len(w) >= 3
    )


def _bare_name(form: Form) -> bool:
    """A name written bare and spelt as one, so that acting once is enough to be a person:
    not "the Stilinskis" or "The Minister" (a family, an office), not "L.E." or "Can't"."""
    return all(w.isalpha() for w in form.key[1]) and not any(
        s.split()[0].lower() in ("the", "a", "an") for s in form.surfaces
    )
