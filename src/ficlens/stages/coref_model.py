"""A learned ranker for third-person pronouns: which character (if any) each he/she refers to.

The coref stage's salience rules pick one character per narration pronoun. This model
re-ranks, for every third-person singular pronoun (narration and dialogue alike), the
characters mentioned in the few sentences before it (plus the rules' pick), from features
of the pair: gender agreement, distance in sentences and mentions, recency rank, syntactic
role and parallelism, salience and focus so far, quotation context (a character who speaks
in the pronoun's paragraph is rarely the "he" of their own line), same-clause binding, and
whether the rules chose it. Mention ranking over the entities in the window, as in Lee et
al. (2017) without the neural scorer, and Wiseman et al.'s entity-level features.

::

    model = load_coref_model()                       # data/models/coref-ranker.json
    resolved = model.resolve(doc, in_quote, names, pronouns, genders, rule_resolved)

The model is a logistic regression (scikit-learn at training time, ``ficlens.train.coref``)
stored as plain JSON: feature names, standardisation, weights, a threshold. A pronoun whose
best candidate scores under the threshold keeps what the rules gave it. Scored with numpy.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ficlens.model import Character, Document, Gender, Mention, MentionKind, Token
from ficlens.stages.speech_verbs import THIRD_PERSON

MODEL_FILE = "coref-ranker.json"
MODEL_FORMAT = "ficlens-coref-ranker-1"

_REFLEXIVE = frozenset({"himself", "herself"})
_SUBJECT = frozenset({"nsubj", "nsubjpass"})
_OBJECT = frozenset({"dobj", "iobj", "dative", "pobj"})
# (pronoun token index, candidate ids, feature rows) -> the character the pronoun is taken to be.
Chooser = Callable[[int, list[str], np.ndarray], str | None]
WINDOW = 5  # sentences back a candidate's mention may lie
SCOPES = ("all", "unresolved")
FOCUS_CANDIDATES = 2  # and the characters most often the narration subject of the pronoun's gender

# THE list of feature names: training reads it from here; the model file must match it.
FEATURES: tuple[str, ...] = (
    "rule_pick",
    "rule_none",
    "gender_match",
    "gender_unknown",
    "gender_mismatch",
    "same_sentence",
    "previous_sentence",
    "log_sentence_distance",
    "log_mention_distance",
    "recency_rank_0",
    "recency_rank_1",
    "compatible_rank_0",
    "compatible_rank_1",
    "near_subject",
    "near_object",
    "pronoun_subject",
    "pronoun_possessive",
    "parallel_subject",
    "near_name",
    "near_nominal",
    "near_pronoun",
    "log_window_count",
    "log_paragraph_count",
    "salience_share",
    "focus_share",
    "pronoun_in_quote",
    "near_in_quote",
    "quote_status_same",
    "speaks_in_paragraph",
    "same_clause",
    "reflexive_same_clause",
    "named_later_in_sentence",
    "other_scene",
    "narrator_or_reader",
    "only_candidate",
    "candidates_log",
)


@dataclass(frozen=True)
class _Event:
    """One earlier mention of a character, as the features see it."""

    token: int
    cid: str
    kind: MentionKind
    sentence: int
    paragraph: int
    subject: bool
    object: bool
    quoted: bool
    clause: int


@dataclass(frozen=True)
class CorefModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    window: int = WINDOW
    # "unresolved": rank only the pronouns the rules left open (in quotes, or out of salience's
    # reach), keeping the rules' focaliser; "all": re-rank every one.
    scope: str = "all"

    @classmethod
    def from_dict(cls, data: dict[str, object], source: str = MODEL_FILE) -> CorefModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"{source}: not a {MODEL_FORMAT} model file")
        features = tuple(data["features"])  # type: ignore[arg-type]
        if features != FEATURES:
            raise ValueError(f"{source}: its features are not ficlens.stages.coref_model.FEATURES")
        return cls(
            features=features,
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            coef=np.asarray(data["coef"], dtype=float),
            intercept=float(data["intercept"]),  # type: ignore[arg-type]
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
            window=int(data.get("window", WINDOW)),  # type: ignore[arg-type]
            scope=_scope(data.get("scope", "all"), source),
        )

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Probability that each (pronoun, candidate) row is a coreferent pair."""
        if len(rows) == 0:
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def resolve(
        self,
        doc: Document,
        in_quote: list[bool],
        names: list[Mention],
        pronouns: list[Token],
        genders: dict[str, Gender],
        rule: dict[int, str | None],
    ) -> dict[int, str | None]:
        """Pronoun token index -> character id: ``rule`` with the third-person singular
        pronouns of the model's scope ranked; a pronoun whose best candidate scores under the
        threshold keeps the rules' answer."""
        out = dict(rule)

        def choose(index: int, cands: list[str], rows: np.ndarray) -> str | None:
            if cands and (self.scope == "all" or rule.get(index) is None):
                probs = self.score(rows)
                best = int(np.argmax(probs))
                if probs[best] >= self.threshold:
                    out[index] = cands[best]
            return out.get(index)

        pair_rows(doc, in_quote, names, pronouns, genders, rule, self.window, choose)
        return out


def _scope(value: object, source: str) -> str:
    if value not in SCOPES:
        raise ValueError(f"{source}: scope {value!r} is not one of {', '.join(SCOPES)}")
    return str(value)


def load_coref_model(path: Path | None = None) -> CorefModel:
    """The shipped model file (``data/models/coref-ranker.json``) or the one at ``path``."""
    if path is None:
        from importlib.resources import files

        text = files("ficlens").joinpath("data", "models", MODEL_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return CorefModel.from_dict(json.loads(text), str(path or MODEL_FILE))


def pronoun_word(tok: Token) -> str | None:
    """The third-person singular personal pronoun ``tok`` is, or None."""
    low = tok.text.lower()
    return low if low in THIRD_PERSON else None


def pair_rows(
    doc: Document,
    in_quote: list[bool],
    names: list[Mention],
    pronouns: list[Token],
    genders: dict[str, Gender],
    rule: dict[int, str | None],
    window: int = WINDOW,
    choose: Chooser | None = None,
) -> list[tuple[int, list[str], np.ndarray]]:
    """For every third-person singular pronoun, in text order: (token index, candidate
    character ids, feature rows in ``FEATURES`` order). An earlier pronoun counts as a
    mention of the character ``choose`` picked for it (default: the rules' pick)."""
    tokens = doc.tokens
    characters: dict[str, Character] = {c.id: c for c in doc.characters}
    scene_of = {p.id: p.scene for p in doc.paragraphs}
    quote_paragraphs = {q.paragraph for q in doc.quotes}

    events: list[
        tuple[int, int, _Event | None]
    ] = []  # (token, order, event); order 1 = a pronoun to rank
    for m in names:
        if m.character_id is None:
            continue
        head = _head_token(tokens, m)
        events.append((head.i, 0, _event(tokens, head, m.character_id, m.kind, in_quote)))
    for tok in pronouns:
        if pronoun_word(tok) is not None:
            events.append((tok.i, 1, None))
        elif rule.get(tok.i):
            events.append(
                (tok.i, 0, _event(tokens, tok, rule[tok.i] or "", MentionKind.PRONOUN, in_quote))
            )
    events.sort(key=lambda e: (e[0], e[1]))
    named_at: dict[int, list[tuple[int, str]]] = defaultdict(
        list
    )  # sentence -> (token, cid) of names
    for m in names:
        if m.character_id is not None and m.kind == MentionKind.NAME:
            named_at[m.sentence if m.sentence >= 0 else tokens[m.start_token].sentence].append(
                (m.start_token, m.character_id)
            )

    history: list[_Event] = []
    salience: Counter[str] = Counter()
    focus: dict[Gender, Counter[str]] = defaultdict(Counter)
    out: list[tuple[int, list[str], np.ndarray]] = []
    for index, order, event in events:
        if order == 0 and event is not None:
            history.append(event)
            salience[event.cid] += 1
            if event.subject and not event.quoted:
                focus[genders.get(event.cid, Gender.UNKNOWN)][event.cid] += 1
            continue
        tok = tokens[index]
        word = pronoun_word(tok) or ""
        gender = THIRD_PERSON[word]
        quoted = in_quote[index]
        clause = _clause_head(tokens, index)
        possessive = tok.tag == "PRP$" or tok.dep == "poss"
        subject = tok.dep in _SUBJECT
        picked = rule.get(index)
        # The nearest earlier mention of each character within the window, newest first.
        nearest: dict[str, _Event] = {}
        window_count: Counter[str] = Counter()
        paragraph_count: Counter[str] = Counter()
        speaks: set[str] = set()
        between: dict[str, int] = {}
        seen = 0
        for ev in reversed(history):
            if ev.sentence < tok.sentence - window:
                break
            if ev.cid not in nearest:
                nearest[ev.cid] = ev
                between[ev.cid] = seen
            seen += 1
            window_count[ev.cid] += 1
            if ev.paragraph == tok.paragraph:
                paragraph_count[ev.cid] += 1
                if not ev.quoted and tok.paragraph in quote_paragraphs:
                    speaks.add(ev.cid)
        cands = list(nearest)
        if picked and picked not in nearest:
            cands.append(picked)
        gender_focus = focus.get(gender, Counter())
        # The running focalisers of the pronoun's gender, however long ago they were named.
        cands.extend(
            cid for cid, _ in gender_focus.most_common(FOCUS_CANDIDATES) if cid not in cands
        )
        later = {cid for t, cid in named_at.get(tok.sentence, ()) if t > index}
        total_salience = sum(salience.values()) or 1
        total_focus = sum(gender_focus.values()) or 1
        compatible_rank = 0
        rows = []
        for rank, cid in enumerate(cands):
            ev = nearest.get(cid)
            g = genders.get(cid, Gender.UNKNOWN)
            fits = g in (gender, Gender.UNKNOWN)
            char = characters.get(cid)
            distance = tok.sentence - ev.sentence if ev is not None else window + 1
            same_clause = ev is not None and ev.sentence == tok.sentence and ev.clause == clause
            row = {
                "rule_pick": float(cid == picked),
                "rule_none": float(picked is None),
                "gender_match": float(g == gender),
                "gender_unknown": float(g == Gender.UNKNOWN),
                "gender_mismatch": float(not fits),
                "same_sentence": float(distance == 0),
                "previous_sentence": float(distance == 1),
                "log_sentence_distance": math.log1p(distance),
                "log_mention_distance": math.log1p(between.get(cid, seen)),
                "recency_rank_0": float(ev is not None and rank == 0),
                "recency_rank_1": float(ev is not None and rank == 1),
                "compatible_rank_0": float(ev is not None and fits and compatible_rank == 0),
                "compatible_rank_1": float(ev is not None and fits and compatible_rank == 1),
                "near_subject": float(ev is not None and ev.subject),
                "near_object": float(ev is not None and ev.object),
                "pronoun_subject": float(subject),
                "pronoun_possessive": float(possessive),
                "parallel_subject": float(subject and ev is not None and ev.subject),
                "near_name": float(ev is not None and ev.kind == MentionKind.NAME),
                "near_nominal": float(ev is not None and ev.kind == MentionKind.NOMINAL),
                "near_pronoun": float(ev is not None and ev.kind == MentionKind.PRONOUN),
                "log_window_count": math.log1p(window_count[cid]),
                "log_paragraph_count": math.log1p(paragraph_count[cid]),
                "salience_share": salience[cid] / total_salience,
                "focus_share": gender_focus[cid] / total_focus,
                "pronoun_in_quote": float(quoted),
                "near_in_quote": float(ev is not None and ev.quoted),
                "quote_status_same": float(ev is not None and ev.quoted == quoted),
                "speaks_in_paragraph": float(quoted and cid in speaks),
                "same_clause": float(same_clause and word not in _REFLEXIVE and not possessive),
                "reflexive_same_clause": float(same_clause and word in _REFLEXIVE),
                "named_later_in_sentence": float(cid in later),
                "other_scene": float(
                    ev is not None
                    and scene_of.get(ev.paragraph, 0) != scene_of.get(tok.paragraph, 0)
                ),
                "narrator_or_reader": float(
                    char is not None and (char.is_narrator or char.is_reader)
                ),
                "only_candidate": float(len(cands) == 1),
                "candidates_log": math.log1p(len(cands)),
            }
            if ev is not None and fits:
                compatible_rank += 1
            rows.append([row[f] for f in FEATURES])
        matrix = np.asarray(rows, dtype=float).reshape(len(cands), len(FEATURES))
        out.append((index, cands, matrix))
        chosen = choose(index, cands, matrix) if choose is not None else picked
        if chosen:
            history.append(_event(tokens, tok, chosen, MentionKind.PRONOUN, in_quote))
            salience[chosen] += 1
            if subject and not quoted:
                focus[gender][chosen] += 1
    return out


def _event(
    tokens: list[Token], head: Token, cid: str, kind: MentionKind, in_quote: list[bool]
) -> _Event:
    return _Event(
        token=head.i,
        cid=cid,
        kind=kind,
        sentence=head.sentence,
        paragraph=head.paragraph,
        subject=head.dep in _SUBJECT,
        object=head.dep in _OBJECT,
        quoted=in_quote[head.i],
        clause=_clause_head(tokens, head.i),
    )


def _head_token(tokens: list[Token], m: Mention) -> Token:
    """The mention's syntactic head: the token whose head lies outside the span."""
    for i in range(m.start_token, m.end_token_excl):
        h = tokens[i].head
        if h < m.start_token or h >= m.end_token_excl or h == i:
            return tokens[i]
    return tokens[m.end_token_excl - 1]


def _clause_head(tokens: list[Token], index: int) -> int:
    """The verb a mention hangs off, through prepositions ("looked at her" -> looked)."""
    tok = tokens[index]
    head = tokens[tok.head]
    steps = 0
    while head.pos == "ADP" and head.i != head.head and steps < 3:
        head = tokens[head.head]
        steps += 1
    return head.i
