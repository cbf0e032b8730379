"""Quotes: spans inside the marks, ids in text order, continuation and nesting links."""

from __future__ import annotations

import re
import time

import pytest

from ficlens.model import Document, Paragraph
from ficlens.stages.quotes import QuoteConfig, QuoteStage


def _doc(text: str) -> Document:
    """Paragraphs are blank-line blocks, trimmed, as the segment stage makes them."""
    paragraphs = []
    for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            paragraphs.append(Paragraph(id=len(paragraphs), start=s, end=e, chapter=0, scene=0))
    return Document(text=text, paragraphs=paragraphs)


def _run(text: str, **config) -> Document:
    return QuoteStage(QuoteConfig(**config))(_doc(text))


def _texts(doc: Document) -> list[str]:
    return [q.text for q in doc.quotes]


def test_empty_document():
    doc = _run("")
    assert doc.quotes == []


def test_document_without_quotes():
    doc = _run("She walked home. It wasn't far, and the girls' books were heavy.\n\nShe slept.")
    assert doc.quotes == []


def test_spans_exclude_marks_and_ids_run_in_text_order():
    text = 'He waited.\n\n"Come in," she said. "Sit down."\n\n"Thanks."'
    doc = _run(text)
    assert [q.id for q in doc.quotes] == ["Q0", "Q1", "Q2"]
    assert _texts(doc) == ["Come in,", "Sit down.", "Thanks."]
    for q in doc.quotes:
        assert text[q.start : q.end] == q.text
        assert text[q.open_start] == '"' and q.open_start == q.start - 1
        assert text[q.end] == '"'
        assert q.mark == "double"
    assert [q.paragraph for q in doc.quotes] == [1, 1, 2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Hello,” she said.", ["Hello,"]),  # curly double quotes
        ('"Hello," she said.', ["Hello,"]),  # straight double quotes
        ('“Curly.”\n\n"Straight."', ["Curly.", "Straight."]),  # both kinds in one book
        ("«Bonjour», dit-elle.", ["Bonjour"]),  # guillemets
        ("»Ja«, sagte er.", ["Ja"]),  # German guillemets point inwards
        ('"Line one\nline two," he said.', ["Line one\nline two,"]),  # hard-wrapped inside a paragraph
        ('"A." He paused. "B." She sighed. "C."', ["A.", "B.", "C."]),  # several quotes in one paragraph
    ],
)
def test_double_quote_forms(text, expected):
    assert _texts(_run(text)) == expected


def test_speech_tag_joins_two_pieces_of_one_utterance():
    doc = _run('"Well," she said, "I never."')
    assert _texts(doc) == ["Well,", "I never."]
    assert doc.quotes[1].continues == "Q0"


def test_narration_between_sentences_starts_a_new_quote():
    doc = _run('"Wait..." He turns. "You came back?"')
    assert _texts(doc) == ["Wait...", "You came back?"]
    assert doc.quotes[1].continues is None


def test_long_narration_between_pieces_is_not_a_tag():
    doc = _run('"Well," she said, turning away. She looked out at the rain for a while. "I never."')
    assert doc.quotes[1].continues is None


def test_multi_paragraph_quote_continues():
    text = '"First paragraph of a speech.\n\n"Second paragraph," he ended.\n\nShe nodded.'
    doc = _run(text)
    assert _texts(doc) == ["First paragraph of a speech.", "Second paragraph,"]
    assert doc.quotes[0].end == text.index("\n\n")
    assert doc.quotes[1].continues == "Q0"
    assert doc.quotes[1].paragraph == 1


def test_unclosed_quote_closes_at_paragraph_end():
    text = '"Never closed, she said.\n\nThe narration goes on. "Next," he said.'
    doc = _run(text)
    assert _texts(doc) == ["Never closed, she said.", "Next,"]
    assert doc.quotes[1].continues is None


def test_nested_quote_in_double_quotes():
    text = "\"He told me 'run' and I ran,\" she said."
    doc = _run(text)
    assert [(q.id, q.text, q.mark, q.nested_in) for q in doc.quotes] == [
        ("Q0", "He told me 'run' and I ran,", "double", None),
        ("Q1", "run", "single", "Q0"),
    ]


def test_nested_double_in_british_single_quotes():
    text = "‘He said “run”, so I did,’ she said. ‘It’s true.’\n\n‘Fine.’"
    doc = _run(text)
    assert [(q.text, q.mark, q.nested_in) for q in doc.quotes] == [
        ("He said “run”, so I did,", "single", None),
        ("run", "double", "Q0"),
        ("It’s true.", "single", None),
        ("Fine.", "single", None),
    ]


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("I don't know", "I don't know"),  # apostrophe between letters
        ("it's late", "it's late"),  # contraction
        ("the girls' books are here", "the girls' books are here"),  # plural possessive
        ("'tis the season", "'tis the season"),  # leading elision
        ("tell 'em now", "tell 'em now"),  # 'em
        ("rock 'n' roll forever", "rock 'n' roll forever"),  # 'n'
        ("at five o'clock", "at five o'clock"),  # o'clock
        ("back in the '90s", "back in the '90s"),  # decade
        ("yes, ma'am", "yes, ma'am"),  # ma'am
        ("at Jones' house", "at Jones' house"),  # possessive after s
        ("goin' home now", "goin' home now"),  # dropped g
    ],
)
def test_apostrophes_in_british_single_quotes(inner, expected):
    # Enough single-quoted speech that single marks are the dialogue convention.
    text = f"'{inner},' she said.\n\n'Right,' he said.\n\n'Go on.'"
    doc = _run(text)
    assert _texts(doc) == [expected + ",", "Right,", "Go on."]
    assert {q.mark for q in doc.quotes} == {"single"}


@pytest.mark.parametrize(
    "inner",
    [
        "I don't know",  # contraction
        "the girls' books",  # plural possessive
        "'tis the season",  # leading elision
        "rock 'n' roll",  # 'n'
        "the '90s",  # decade
        "Jones' house",  # possessive after s
    ],
)
def test_apostrophes_inside_double_quotes_are_not_nested_quotes(inner):
    doc = _run(f'"Well, {inner}," she said.')
    assert _texts(doc) == [f"Well, {inner},"]


def test_curly_british_quotes_with_apostrophes():
    text = "‘The girls’ books, ’tis said, are Jones’,’ she said. ‘Don’t.’"
    doc = _run(text)
    assert _texts(doc) == ["The girls’ books, ’tis said, are Jones’,", "Don’t."]


def test_single_quotes_in_double_quote_book_outside_speech_are_not_quotes():
    doc = _run("\"Hi,\" he said.\n\n\"Yes.\"\n\nThey called it 'the den'.")
    assert _texts(doc) == ["Hi,", "Yes."]


@pytest.mark.parametrize(
    ("text", "expected", "continues"),
    [
        ("— Where are you going? she asked.", ["Where are you going? she asked."], [None]),  # em dash, no tag dash
        ("— Yes, — he said, — I know.", ["Yes,", "I know."], [None, "Q0"]),  # narration set off by dashes
        ("― Yes, ― he said.", ["Yes,"], [None]),  # horizontal bar, narration to the end
        ("-- Fine, -- she said, -- go.", ["Fine,", "go."], [None, "Q0"]),  # double hyphen
        ("– I was going to– well, never mind.", ["I was going to– well, never mind."], [None]),  # en dash; interruption kept
        ("—Sí —dijo él—. Lo sé.", ["Sí", "Lo sé."], [None, "Q0"]),  # Spanish style
    ],
)
def test_dash_dialogue(text, expected, continues):
    doc = _run(text + "\n\nShe left.")
    assert _texts(doc) == expected
    assert [q.continues for q in doc.quotes] == continues
    assert {q.mark for q in doc.quotes} == {"dash"}
    assert doc.text[doc.quotes[0].open_start] in "—–―-"


def test_dash_paragraphs_are_not_dialogue_in_a_double_quote_book():
    text = '"One," he said.\n\n"Two."\n\n-- and then nothing happened.'
    assert _texts(_run(text)) == ["One,", "Two."]


# A story in double quotes: the dash paragraphs below sit between these.
_QUOTED_BEFORE = '"Tea?" she asked.\n\n"Please," he said.\n\n"Milk?"\n\nShe remembered the call.'
_QUOTED_AFTER = 'She put the phone down.\n\n"Well?" he said.\n\n"Nothing," she said.'


@pytest.mark.parametrize(
    ("middle", "expected"),
    [
        # A two-paragraph em-dash exchange: each corroborates the other.
        ("—You’re leaving, then.\n\n—It’s a job.", ["You’re leaving, then.", "It’s a job."]),
        # Horizontal bars and a space after the dash; three lines in a row.
        ("― Go.\n\n― Come with me.\n\n― No.", ["Go.", "Come with me.", "No."]),
        # One paragraph with a dash-set tag (English spacing): the tag is narration.
        ("— Yes, — he said, — I know.", ["Yes,", "I know."]),
        # One paragraph, the tag after a question and a closed-up dash.
        ("—Where are you? —she asked.", ["Where are you?"]),
        # One paragraph, the speech verb first in the tag.
        ("—Not now. —whispered Ana.", ["Not now."]),
    ],
)
def test_em_dash_dialogue_inside_a_quote_mark_story(middle, expected):
    text = f"{_QUOTED_BEFORE}\n\n{middle}\n\n{_QUOTED_AFTER}"
    doc = _run(text)
    dash = [q for q in doc.quotes if q.mark == "dash"]
    assert [q.text for q in dash] == expected
    for q in dash:
        assert text[q.start : q.end] == q.text
        assert text[q.open_start] in "—―"
    # The quote-mark dialogue around it is read as before.
    doubles = ["Tea?", "Please,", "Milk?", "Well?", "Nothing,"]
    assert [q.text for q in doc.quotes if q.mark == "double"] == doubles


def test_em_dash_exchange_spans_are_exact():
    text = '"Hi," he said.\n\n"Hello."\n\n—Where are you?\n\n—Home.\n\nShe hung up.'
    doc = _run(text)
    dash = [(q.start, q.end, q.open_start, q.continues) for q in doc.quotes if q.mark == "dash"]
    a, b = text.index("Where"), text.index("Home")
    assert dash == [
        (a, a + len("Where are you?"), a - 1, None),
        (b, b + len("Home."), b - 1, None),
    ]


@pytest.mark.parametrize(
    "middle",
    [
        "—And then she left, and nobody saw her again.",  # lone em-dash narration, no tag
        "—GERTRUDE STEIN",  # an epigraph's attribution
        "—and then she left.\n\n—and never came back.",  # lowercase: carried-over narration
        "– Then go.\n\n– Come with me.",  # en dashes: not read as dialogue here
        "- Then go.\n\n- Come with me.",  # hyphens: list items
        "-- Then go.\n\n-- Come with me.",  # double hyphens
        "—————\n\n—————",  # rules between sections
        "—Fine, —she said, “go.”",  # quote marks in the paragraph: they hold the speech
    ],
)
def test_dash_openings_that_are_not_dialogue_in_a_quote_mark_story(middle):
    text = f"{_QUOTED_BEFORE}\n\n{middle}\n\n{_QUOTED_AFTER}"
    doc = _run(text)
    assert [q.mark for q in doc.quotes if q.mark == "dash"] == []


def test_lone_em_dash_paragraphs_follow_dash_dialogue_off():
    text = f"{_QUOTED_BEFORE}\n\n—Go.\n\n—Come with me.\n\n{_QUOTED_AFTER}"
    doc = _run(text, dash_dialogue="off")
    assert [q.mark for q in doc.quotes if q.mark == "dash"] == []


def test_unbalanced_marks_do_not_crash_or_swallow_the_book():
    text = 'He said "no and left.\n\n"Yes," she said.\n\nA " stray.\n\n”Odd“ marks.\n\n"'
    doc = _run(text)
    assert "Yes," in _texts(doc)
    for q in doc.quotes:
        para = doc.paragraphs[q.paragraph]
        assert para.start <= q.start < q.end <= para.end


def test_missing_opening_mark_starts_at_paragraph():
    doc = _run('Hello," he said.')
    assert _texts(doc) == ["Hello,"]
    assert doc.quotes[0].open_start == -1


def test_opening_mark_inside_open_quote_repairs_missing_close():
    doc = _run('"Hello, he said. "Come here."')
    assert _texts(doc) == ["Hello, he said.", "Come here."]


def test_scare_quotes_in_narration_are_dropped_by_default():
    text = 'The so-called "new people" came. "Hello," she said.'
    assert _texts(_run(text)) == ["Hello,"]
    assert _texts(_run(text, drop_terms=False)) == ["new people", "Hello,"]


def test_forced_convention():
    text = "'Hi,' she said. \"Yes.\""
    assert _texts(_run(text, convention="double")) == ["Yes."]


def test_bad_config_is_rejected():
    with pytest.raises(ValueError):
        QuoteStage(QuoteConfig(convention="triple"))


def test_large_single_paragraph_runs_fast():
    # 1 MB in one paragraph, with quotes, apostrophes and an unclosed mark.
    unit = "\"I can't,\" she said, \"it's the girls' turn.\" He nods. "
    text = unit * (1_000_000 // len(unit)) + '"never closed'
    started = time.perf_counter()
    doc = _run(text)
    assert time.perf_counter() - started < 10
    n = 1_000_000 // len(unit)
    assert len(doc.quotes) == 2 * n + 1
    assert doc.quotes[-1].text == "never closed"


def test_quote_marks_in_a_long_punctuation_run_are_noise() -> None:
    # 5 MB of quote marks once made millions of quotes; a run past max_punct_run makes none,
    # and the speech beside it is still found.
    text = '"Come here," she said. ' + '"' * 10_000 + ' "Now," he said.'
    started = time.perf_counter()
    doc = _run(text)
    assert time.perf_counter() - started < 5
    assert _texts(doc) == ["Come here,", "Now,"]
    # Within the limit a run is still read as marks: "!!!…!" and the closing mark make 29.
    assert _texts(_run('"Wait' + "!" * 28 + '" she said.')) == ["Wait" + "!" * 28]
