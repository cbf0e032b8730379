"""Quotes: character spans of direct speech, quote marks excluded (as PDNC does).

Input ``Document.text`` and ``Document.paragraphs``; output ``Document.quotes``::

    "Well," she said, "I never."   -> Q0 "Well,"  Q1 "I never." (continues=Q0)
    "He told me 'run' and I ran."  -> Q2 (outer), Q3 "run" (nested_in=Q2)
    — Yes, — he said, — I know.    -> Q4 "Yes,"  Q5 "I know." (mark="dash", continues=Q4)

Each paragraph is scanned once, left to right, with a small stack of open quotes, so
the work is linear in the text length. Decisions made once per document:

* the dialogue convention: double marks (“…” or "…") or single marks (‘…’ or '…');
  the other kind is read as a nested quote inside a dialogue quote;
* whether paragraphs opening with a dash (—, –, ―, --) are dialogue;
  in a quote-mark document "auto" still reads single em-dash paragraphs as dialogue when
  they are corroborated (a run of them, or a dash-set speech tag; see ``_dash_paragraphs``);
* the direction of guillemets («…» or German »…«).

Apostrophes are told from single quote marks by their neighbours: a mark between
letters (don't), before a digit ('90s) or before a known elision ('tis, 'em, rock 'n'
roll) is an apostrophe; a closing-looking mark after ``s`` or ``in`` followed by a word
(the girls' books, goin' home) closes a quote only when no other closing mark follows
before the next opening one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ficlens.model import Document, Quote

# Mark roles.
_OPEN, _CLOSE, _AMBIG, _APOS, _CLOSE_WEAK = range(5)

_MARKS = re.compile(r"[\"“”«»'‘’]")
_DASH_START = re.compile(r"[ \t\r\n\f\v]*(—|–|―|--)[ \t]*")
_DASH = re.compile(r"—|–|―|--")
_SPACE = frozenset(" \t\r\n\f\v\u00a0\u2009\u200a\u202f")
# Characters after which a mark starts a quote rather than ending one.
_OPENING_CONTEXT = frozenset("([{—–―-\"“«»‘'/") | _SPACE
# Characters after which a mark ends a quote.
_CLOSING_CONTEXT = frozenset(".,;:!?)]}—–―-\"”»’'…*_") | _SPACE
# Elisions written with a leading apostrophe ('tis, 'em): never a quote opening.
# The capitalised forms are rare as the first word of speech, so they are included.
_ELISION_ANY_CASE = re.compile(r"(?:tis|twas|twere|twill|twould|twon't|twasn't)\b", re.IGNORECASE)
_ELISION_LOWER = re.compile(
    r"(?:em|n|cause|cos|coz|til|bout|fraid|nuff|cept|kay|ere|im|er|e|ave|ad|ow|scuse|"
    r"specially|tween|neath|gainst|un|ud|s|d|ll|re|ve|m|t|round|bye|morning|night|evening)\b"
)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr prof capt col gen lt rev mme mlle messrs hon sgt maj no vol ch".split()
)
_LAST_WORD = re.compile(r"([A-Za-z]+)[^A-Za-z]*$")
# Words right before an opening mark that introduce speech rather than a term.
_SPEECH_WORDS = frozenset(
    "say says said ask asks cry cries reply replies answer answers exclaim exclaims whisper "
    "whispers shout shouts add adds murmur murmurs mutter mutters begin began "
    "repeat repeats remark remarks observe observes tell tells told".split()
)
# `so-called "new people"`: words that introduce a term, not speech.
_NAMING_WORDS = frozenset(
    "called named termed dubbed labelled labeled nicknamed styled titled".split()
)
# Verbs that make the words after a second dash a speech tag (`—Where? —she asked.`).
_TAG_VERBS = _SPEECH_WORDS | frozenset(
    "asked cried replied answered exclaimed whispered shouted added murmured muttered "
    "repeated remarked observed called yelled snapped sighed breathed hissed laughed "
    "sobbed began continued interrupted demanded insisted admitted".split()
)
# A paragraph opening with an em dash or horizontal bar, then the capital (or digit) that
# starts a spoken sentence. Hyphens, en dashes and `--` are left out: in English they open
# continuations (`--and then`), epigraph attributions (`--GERTRUDE STEIN`) and list items;
# a lowercase word after the dash is a sentence carried over from the last paragraph.
_EM_DASH_OPEN = re.compile(r"[ \t]*[—―][ \t]*[¿¡…]*")
_SENTENCE_BREAK = re.compile(r"([A-Za-z]*)[.!?…]+[\"'”’)\]]*\s+[\"'“‘(\[]*[A-Z]")


@dataclass(frozen=True)
class QuoteConfig:
    # "auto" decides per document; "double" or "single" forces the dialogue marks.
    convention: str = "auto"
    # "auto": paragraphs opening with a dash are dialogue when such paragraphs are at
    # least as many as paragraphs with dialogue quote marks; otherwise only em-dash
    # paragraphs with corroboration are (see ``_dash_paragraphs``). "on" / "off" force it.
    dash_dialogue: str = "auto"
    # Narration between two quote pieces longer than this never joins them into one
    # utterance (a speech tag is short).
    max_tag_chars: int = 160
    # Leave out quoted words set inside narration (scare quotes, titles, terms:
    # `the "new people" whom`): they are not speech, and speakers would attribute them.
    drop_terms: bool = True
    # Quote marks inside a run of more punctuation marks than this are noise, not speech
    # (5 MB of quote marks would make millions of quotes); the segment stage leaves such
    # runs unparsed past the same length.
    max_punct_run: int = 30


@dataclass(slots=True)
class _Piece:
    open_start: int
    start: int
    end: int
    mark: str
    paragraph: int
    parent: _Piece | None = None
    continues: _Piece | None = None
    closed_by_mark: bool = False  # False: closed at the paragraph end
    close_end: int = -1  # one past the closing mark
    dropped: bool = False


@dataclass(slots=True)
class _Plan:
    convention: str  # "double" or "single"
    dash: bool
    german_guillemets: bool
    # Indexes into ``doc.paragraphs`` of single dash-dialogue paragraphs in a document
    # that is not read as dash dialogue throughout.
    dash_paragraphs: frozenset[int] = frozenset()


@dataclass(slots=True)
class _Open:
    piece: _Piece
    kind: str  # "double" or "single"


@dataclass(slots=True)
class _Found:
    pieces: list[_Piece] = field(default_factory=list)


class QuoteStage:
    name = "quotes"
    requires = ("text", "paragraphs")
    assigns = ("quotes",)

    def __init__(self, config: QuoteConfig | None = None) -> None:
        self.config = config or QuoteConfig()
        if self.config.convention not in ("auto", "double", "single"):
            raise ValueError(
                f"quotes.convention must be auto, double or single, not {self.config.convention!r}"
            )
        if self.config.dash_dialogue not in ("auto", "on", "off"):
            raise ValueError(
                f"quotes.dash_dialogue must be auto, on or off, not {self.config.dash_dialogue!r}"
            )

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        return doc

    # --- compute ----------------------------------------------------------------
    def _find(self, doc: Document) -> list[Quote]:
        text = doc.text
        plan = self._plan(doc)
        pieces: list[_Piece] = []
        carry: _Piece | None = None  # a quote left open at the previous paragraph's end
        for n, para in enumerate(doc.paragraphs):
            if n in plan.dash_paragraphs or (
                plan.dash and _DASH_START.match(text, para.start, para.end)
            ):
                new = _scan_dash(text, para.start, para.end, para.id)
                carry = None
            else:
                new, carry = _scan_marks(
                    text, para.start, para.end, para.id, plan, carry, self.config.max_punct_run
                )
            self._link_tags(text, para.start, new)
            if self.config.drop_terms:
                _drop_terms(text, para.start, new)
            pieces.extend(new)
        return _to_quotes(text, pieces)

    def _plan(self, doc: Document) -> _Plan:
        text = doc.text
        doubles = text.count('"') / 2 + text.count("“") + text.count("«") + text.count("»") / 2
        if self.config.convention == "auto":
            singles = _count_single_openers(text)
            convention = "single" if singles > doubles else "double"
        else:
            convention = self.config.convention
        german = False
        first_left, first_right = text.find("«"), text.find("»")
        if first_right != -1 and (first_left == -1 or first_right < first_left):
            # »Ja«, sagte er: German guillemets point inwards.
            after = text[first_right + 1 : first_right + 2]
            german = bool(after) and after not in _SPACE
        if self.config.dash_dialogue == "auto":
            dash_paras = quote_paras = 0
            marks = "'‘" if convention == "single" else '"“«»'
            for para in doc.paragraphs:
                if _DASH_START.match(text, para.start, para.end):
                    dash_paras += 1
                elif any(text.find(m, para.start, para.end) != -1 for m in marks):
                    quote_paras += 1
            dash = dash_paras > 0 and dash_paras >= quote_paras
        else:
            dash = self.config.dash_dialogue == "on"
        singles: frozenset[int] = frozenset()
        if self.config.dash_dialogue == "auto" and not dash:
            singles = _dash_paragraphs(doc, convention)
        return _Plan(convention, dash, german, singles)

    def _link_tags(self, text: str, lo: int, pieces: list[_Piece]) -> None:
        """Join two pieces of one paragraph that a short speech tag interrupts."""
        prev: _Piece | None = None
        for piece in pieces:
            if piece.parent is not None or piece.dropped:
                continue
            if (
                prev is not None
                and piece.continues is None
                and prev.closed_by_mark
                and piece.open_start >= 0
                and piece.mark == prev.mark
                and piece.mark != "dash"
                and _is_speech_tag(text, lo, prev, piece, self.config.max_tag_chars)
            ):
                piece.continues = prev
            prev = piece

    def _apply(self, doc: Document, found: list[Quote]) -> None:
        doc.quotes = found


# --- helpers -------------------------------------------------------------------------


def _count_single_openers(text: str) -> int:
    n = 0
    # The quote mark first, the mark before it checked here: a pattern that opens with a
    # lookbehind tries it at every character (0.6 s on 5 MB of quote marks).
    for m in _SINGLE_OPENER.finditer(text):
        i = m.start()
        if i and not (text[i - 1].isspace() or text[i - 1] in _BEFORE_OPENER):
            continue
        if not (_ELISION_ANY_CASE.match(text, i + 1) or _ELISION_LOWER.match(text, i + 1)):
            n += 1
    return n


_SINGLE_OPENER = re.compile(r"['‘](?=[^\W\d_])")
_BEFORE_OPENER = frozenset("([{—–―\"“-")


def _dash_paragraphs(doc: Document, convention: str) -> frozenset[int]:
    """Em-dash paragraphs that are dialogue in a document whose dialogue uses quote marks.

    Stories in quote marks often hold one passage in dash dialogue (a remembered phone
    call, a letter, a flashback). A lone dash-opening paragraph is just as often narration
    (an epigraph's attribution, a signature, an aside), so a candidate (``_em_dash_speech``)
    counts only with corroboration: it is one of two or more consecutive candidates (an
    exchange; narration seldom comes as a run of capitalised dash-opening paragraphs), or it
    carries a dash-set speech tag (`—Where? —she asked.`), which narration seldom does.
    """
    text = doc.text
    cands = [_em_dash_speech(text, p.start, p.end, convention) for p in doc.paragraphs]
    out: set[int] = set()
    for n, ok in enumerate(cands):
        if not ok:
            continue
        in_run = (n > 0 and cands[n - 1]) or (n + 1 < len(cands) and cands[n + 1])
        if in_run or _has_dash_tag(text, doc.paragraphs[n].start, doc.paragraphs[n].end):
            out.add(n)
    return frozenset(out)


def _em_dash_speech(text: str, lo: int, hi: int, convention: str) -> bool:
    """The paragraph opens with an em dash (or bar) and a capital, with no quote marks."""
    m = _EM_DASH_OPEN.match(text, lo, hi)
    if m is None or m.end() >= hi:
        return False
    c = text[m.end()]
    if not (c.isupper() or c.isdigit()):
        return False  # `—and then she left.` goes on from the last paragraph; `———` a rule
    if any(text.find(q, lo, hi) != -1 for q in '"“”«»'):
        return False  # the quote marks are the speech; the dash is something else
    if convention == "single" and any(
        _single_role(text, i, lo, hi) == _OPEN for i in range(lo, hi) if text[i] in "'‘"
    ):
        return False
    return True


def _has_dash_tag(text: str, lo: int, hi: int) -> bool:
    """A later dash hands over to a speech tag: `— Yes, — he said` / `—Where? —asked Sam.`"""
    m = _EM_DASH_OPEN.match(text, lo, hi)
    start = m.end() if m else lo
    for d in _DASH.finditer(text, start, hi):
        j = d.start()
        p = j - 1
        while p >= start and text[p] in _SPACE:
            p -= 1
        if p < start or text[p] not in ",.!?…;:":
            continue  # `I was going to— well`: an interruption inside the speech
        words = re.findall(r"[^\W\d_]+", text[d.end() : min(hi, d.end() + 40)])[:3]
        # Lowercase first word, as ``_scan_dash`` needs to hand over to narration there.
        if words and words[0][0].islower() and any(w.lower() in _TAG_VERBS for w in words):
            return True
    return False


def _is_speech_tag(text: str, lo: int, a: _Piece, b: _Piece, max_chars: int) -> bool:
    gap = text[a.close_end : b.open_start]
    if len(gap) > max_chars:
        return False
    stripped = gap.strip()
    said = text[a.start : a.end].rstrip()
    if not stripped:
        return False
    # `"I do not think"--he paused--"that you..."`: the second piece goes on mid-sentence.
    goes_on = text[b.start : b.end].lstrip()[:1].islower() and _word_before(text, lo, a) is None
    if not said or (said[-1].isalnum() and not goes_on):
        return False  # `the "new people" came`: a term, not a piece of speech
    if not (said.endswith((",", "—", "–", "-")) or stripped[0].islower() or goes_on):
        return False
    # One sentence of narration at most: "she said." may end it, nothing more.
    for m in _SENTENCE_BREAK.finditer(stripped):
        if m.group(1).lower() not in _ABBREVIATIONS:
            return False
    return True


def _word_before(text: str, lo: int, p: _Piece) -> str | None:
    """The word right before a piece's opening mark; None after punctuation or at the start."""
    j = p.open_start - 1
    while j >= lo and text[j] in _SPACE:
        j -= 1
    if p.open_start <= lo or j < lo or not text[j].isalpha():
        return None
    m = _LAST_WORD.search(text, max(lo, j - 40), j + 1)
    return m.group(1).lower() if m else ""


def _drop_terms(text: str, lo: int, pieces: list[_Piece]) -> None:
    """Mark quoted terms inside narration as dropped (see ``QuoteConfig.drop_terms``)."""
    continued = {id(p.continues) for p in pieces if p.continues is not None}
    for p in pieces:
        if (
            p.parent is not None
            or p.mark == "dash"
            or p.continues is not None
            or id(p) in continued
        ):
            continue
        word = _word_before(text, lo, p)
        if word is None:
            continue  # at the paragraph start or after punctuation: speech
        if word in _SPEECH_WORDS or (word.endswith(("ing", "ed")) and word not in _NAMING_WORDS):
            continue  # `he said "No"`, `shouting "Stop thief!"`
        said = text[p.start : p.end].strip()
        if not said:
            continue
        if said[0].isupper() or said[0] in "'‘\"“":
            # A capitalised short phrase is a name or title unless it is an exclamation
            # or question; a longer capitalised one is speech.
            if len(said.split()) > 4 or said.endswith(("!", "?")):
                continue
        p.dropped = True


def _before(text: str, i: int, lo: int) -> str:
    return text[i - 1] if i > lo else " "


def _after(text: str, i: int, hi: int) -> str:
    return text[i + 1] if i + 1 < hi else " "


def _double_role(text: str, i: int, lo: int, hi: int, german: bool) -> int:
    c = text[i]
    if c == "“":
        return _OPEN
    if c == "”":
        return _CLOSE
    if c == "«":
        return _CLOSE if german else _OPEN
    if c == "»":
        return _OPEN if german else _CLOSE
    b, a = _before(text, i, lo), _after(text, i, hi)
    opening = b in _OPENING_CONTEXT and a not in _SPACE
    closing = b not in _SPACE and (a in _CLOSING_CONTEXT)
    if opening and not closing:
        return _OPEN
    if closing and not opening:
        return _CLOSE
    return _AMBIG


def _single_role(text: str, i: int, lo: int, hi: int) -> int:
    c = text[i]
    b, a = _before(text, i, lo), _after(text, i, hi)
    if b.isalnum() and a.isalnum():
        return _APOS  # don't, o'clock, ma'am
    if b in _OPENING_CONTEXT and a not in _SPACE:
        if c == "’" or a.isdigit():
            return _APOS  # ’tis in careful typography, the '90s
        if _ELISION_ANY_CASE.match(text, i + 1, hi) or _ELISION_LOWER.match(text, i + 1, hi):
            return _APOS
        return _OPEN
    if b not in _SPACE and a in _CLOSING_CONTEXT:
        if (
            b == "n"
            and i - 2 >= lo
            and text[i - 2] in "'‘’"
            and (i - 3 < lo or text[i - 3] in _SPACE)
        ):
            return _APOS  # rock 'n' roll
        if a in _SPACE and (b in "sS" or (b == "n" and i - 2 >= lo and text[i - 2] == "i")):
            j = i + 1
            while j < hi and text[j] in _SPACE:
                j += 1
            if j < hi and text[j].isalnum():
                return _CLOSE_WEAK  # the girls' books / goin' home / or a real closing mark
        if b.isalnum() and a in ",.;:!?" and i + 2 < hi and text[i + 2] in "'’":
            return _CLOSE_WEAK  # `are Jones’,’ she said`: the last mark closes
        return _CLOSE
    return _APOS


def _strip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    return end


def _scan_marks(
    text: str, lo: int, hi: int, para_id: int, plan: _Plan, carry: _Piece | None, max_run: int = 30
) -> tuple[list[_Piece], _Piece | None]:
    """One paragraph of quote marks; returns its pieces and the piece left open at its end."""
    top = plan.convention
    other = "single" if top == "double" else "double"
    marks = _marks(text, lo, hi, max_run)
    if not marks:
        return [], None
    roles: list[int] = []
    for i, c in marks:
        if c in "'‘’":
            roles.append(_single_role(text, i, lo, hi))
        else:
            roles.append(_double_role(text, i, lo, hi, plan.german_guillemets))
    # closer_ahead[k]: another single closing mark follows mark k before the next single
    # opening mark (or, when singles nest inside doubles, before the next double mark).
    closer_ahead = [False] * len(marks)
    seen = False
    for k in range(len(marks) - 1, -1, -1):
        c, role = marks[k][1], roles[k]
        closer_ahead[k] = seen
        if c in "'‘’":
            if role == _OPEN:
                seen = False
            elif role in (_CLOSE, _CLOSE_WEAK):
                seen = True
        elif top == "double":
            seen = False

    first = lo
    while first < hi and text[first] in _SPACE:
        first += 1
    pieces: list[_Piece] = []
    stack: list[_Open] = []
    any_double_event = False

    def push(i: int, kind: str) -> None:
        parent = stack[-1].piece if stack else None
        piece = _Piece(
            open_start=i, start=i + 1, end=-1, mark=kind, paragraph=para_id, parent=parent
        )
        if parent is None and i == first and carry is not None and carry.mark == kind:
            piece.continues = carry
        pieces.append(piece)
        stack.append(_Open(piece, kind))

    def close(i: int, by_mark: bool) -> None:
        entry = stack.pop()
        entry.piece.end = i if by_mark else _strip_end(text, entry.piece.start, i)
        entry.piece.closed_by_mark = by_mark
        entry.piece.close_end = i + 1 if by_mark else i

    def drop_nested() -> None:
        while len(stack) > 1 or (stack and stack[-1].piece.parent is not None):
            stack.pop().piece.dropped = True  # a nested quote never closed: not a quote

    for k, (i, c) in enumerate(marks):
        role = roles[k]
        if c in "'‘’":
            kind = "single"
            if role == _APOS:
                continue
            if not stack:
                if top == "single" and role == _OPEN:
                    push(i, kind)
                continue
            cur = stack[-1]
            if cur.kind == "single":
                if role == _CLOSE or (role == _CLOSE_WEAK and not closer_ahead[k]):
                    close(i, True)
            elif role == _OPEN and top == "double" and len(stack) == 1:
                push(i, kind)  # nested 'quote' inside a "quote"
            elif role == _CLOSE and top == "single" and len(stack) > 1:
                drop_nested()  # ‘… “never closed …’: the outer single closes here
                close(i, True)
            continue
        # A double mark.
        first_double = not any_double_event
        any_double_event = True
        if not stack:
            if role in (_OPEN, _AMBIG):
                push(i, "double")
            elif (
                top == "double"
                and first_double
                and carry is None
                and not pieces
                and i > first
                and text[i - 1] in ",.!?;:—–-…"
            ):
                # `Hello," he said.`: the opening mark is missing; start at the paragraph.
                piece = _Piece(
                    -1, first, i, "double", para_id, closed_by_mark=True, close_end=i + 1
                )
                pieces.append(piece)
            continue
        cur = stack[-1]
        if cur.kind == "single" and top == "double":
            # The outer "quote" closes while a nested 'quote' is still open.
            drop_nested()
            cur = stack[-1]
        if cur.kind == "double":
            if role in (_CLOSE, _AMBIG) or (role == _OPEN and cur.piece.parent is not None):
                close(i, True)
            elif role == _OPEN:
                # An opening mark inside an open quote: the closing mark is missing.
                close(i, False)
                push(i, "double")
        elif role in (_OPEN, _AMBIG) and other == "double":
            push(i, "double")  # nested "quote" inside a ‘quote’
    drop_nested()
    left_open: _Piece | None = None
    if stack:
        left_open = stack[-1].piece
        close(hi, False)
    return pieces, left_open


def _marks(text: str, lo: int, hi: int, max_run: int) -> list[tuple[int, str]]:
    """The quote marks in text[lo:hi] and their offsets, leaving out runs of punctuation
    longer than ``max_run`` (noise, not speech)."""
    marks: list[tuple[int, str]] = []
    pos = lo
    for run in _punct_run(max_run).finditer(text, lo, hi):
        marks.extend((m.start(), m.group()) for m in _MARKS.finditer(text, pos, run.start()))
        pos = run.end()
    marks.extend((m.start(), m.group()) for m in _MARKS.finditer(text, pos, hi))
    return marks


@lru_cache(maxsize=4)
def _punct_run(max_run: int) -> re.Pattern[str]:
    return re.compile(rf"[^\w\s]{{{max_run + 1},}}")


def _scan_dash(text: str, lo: int, hi: int, para_id: int) -> list[_Piece]:
    """A paragraph opening with a dash: speech, with narration set off by further dashes."""
    m = _DASH_START.match(text, lo, hi)
    if m is None:
        return []
    pieces: list[_Piece] = []
    open_at, start = m.start(1), m.end()
    speaking = True
    for d in _DASH.finditer(text, m.end(), hi):
        j = d.start()
        b = _before(text, j, lo)
        k = d.end()
        while k < hi and text[k] in _SPACE:
            k += 1
        nxt = text[k] if k < hi else ""
        if speaking:
            # A dash after punctuation (`Yes, — he said`) or a spaced dash glued to a
            # lowercase word (`Sí —dijo`) hands over to narration; `to— well` does not.
            p = j - 1
            while p >= lo and text[p] in _SPACE:
                p -= 1
            after_punct = p >= start and text[p] in ",.!?…;:"
            spanish = b in _SPACE and d.end() < hi and text[d.end()].islower()
            if (after_punct or spanish) and nxt.islower():
                end = _strip_end(text, start, j)
                if end > start:
                    pieces.append(_dash_piece(open_at, start, end, para_id, pieces))
                speaking = False
        elif (
            b in _SPACE
            or b in ",.!?…;:"
            or d.end() >= hi
            or text[d.end()] in _SPACE
            or text[d.end()] in ".,;:"
        ):
            open_at = j
            start = d.end()
            while start < hi and (text[start] in _SPACE or text[start] in ".,;:"):
                start += 1  # `—dijo él—. Lo sé.`: the stop belongs to the narration
            speaking = True
    if speaking:
        end = _strip_end(text, start, hi)
        if end > start:
            pieces.append(_dash_piece(open_at, start, end, para_id, pieces))
    return pieces


def _dash_piece(open_at: int, start: int, end: int, para_id: int, pieces: list[_Piece]) -> _Piece:
    return _Piece(
        open_start=open_at,
        start=start,
        end=end,
        mark="dash",
        paragraph=para_id,
        continues=pieces[-1] if pieces else None,
        closed_by_mark=False,
        close_end=end,
    )


def _to_quotes(text: str, pieces: list[_Piece]) -> list[Quote]:
    kept = [
        p
        for p in pieces
        if not p.dropped
        and not (p.parent is not None and p.parent.dropped)
        and p.end > p.start
        and text[p.start : p.end].strip()
    ]
    kept.sort(key=lambda p: (p.start, p.open_start))
    ids = {id(p): f"Q{n}" for n, p in enumerate(kept)}

    def ref(p: _Piece | None) -> str | None:
        # A link to a dropped piece (an empty quote) is cut rather than left dangling.
        return ids.get(id(p)) if p is not None else None

    return [
        Quote(
            id=ids[id(p)],
            start=p.start,
            end=p.end,
            text=text[p.start : p.end],
            paragraph=p.paragraph,
            mark=p.mark,
            open_start=p.open_start,
            continues=ref(p.continues),
            nested_in=ref(p.parent),
        )
        for p in kept
    ]
