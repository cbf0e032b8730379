"""Character alignment between a tokenized excerpt and the original text (ficlens.eval.align)."""

from __future__ import annotations

from ficlens.eval.align import TokenIndex, align, fold, nonspace, token_spans


def _pairs(a: str, b: str) -> list[tuple[str, str]]:
    """Aligned (a char, b char) pairs, to read what the aligner decided."""
    al = align(a, b)
    return [(a[al.a_pos[i]], b[al.b_pos[j]]) for i, j in enumerate(al.a_to_b) if j >= 0]


def test_whitespace_only_difference_aligns_everything() -> None:
    tok = "“ My dear Mr. Bennet , ” said his lady .\nMr. Bennet replied ."
    orig = "“My dear Mr. Bennet,” said his lady.\n\nMr. Bennet replied."
    al = align(tok, orig)
    assert al.unaligned_a == 0
    assert al.b_end == len(orig)
    # every pair is the same character
    assert all(x == y for x, y in _pairs(tok, orig))


def test_quote_marks_and_dashes_fold() -> None:
    assert fold("“a” ‘b’ — –") == "\"a\" 'b' - -"
    al = align('" Hi , " he said -- quietly .', "“Hi,” he said—-quietly.")
    # `--` against `—-`: both fold to two dashes, everything aligns
    assert al.unaligned_a == 0


def test_double_hyphen_against_one_dash_leaves_one_unaligned() -> None:
    tok = "wait -- what is this ?"
    orig = "wait—what is this?"
    al = align(tok, orig)
    assert al.unaligned_a == 1  # one of the two hyphens has no partner
    # the words after the dash still align: resync worked
    assert al.map_span(orig.index("what"), orig.index("what") + 4) == (
        tok.index("what"),
        tok.index("what") + 4,
    )


def test_dropped_character_resyncs() -> None:
    tok = "_ You _ want to tell me , and I have no objection ."
    orig = "You want to tell me, and I have no objection."  # underscores removed
    al = align(tok, orig)
    assert al.unaligned_a == 2
    s = orig.index("objection")
    assert al.map_span(s, s + 9) == (tok.index("objection"), tok.index("objection") + 9)
    s = orig.index("You")
    assert al.map_span(s, s + 3) == (tok.index("You"), tok.index("You") + 3)


def test_inserted_and_substituted_characters() -> None:
    tok = "The colour of the sea was grey that morning ."
    orig = "The color of the sea was gray that morning."  # one char dropped, one changed
    al = align(tok, orig)
    assert al.unaligned_a == 2  # the `u` of colour, the `e` of grey
    s = orig.index("morning")
    assert al.map_span(s, s + 7) == (tok.index("morning"), tok.index("morning") + 7)


def test_original_runs_on_past_the_excerpt() -> None:
    tok = "It was a dark night .\nShe slept ."
    orig = "It was a dark night. She slept.\n\nNext morning she woke early and went out."
    al = align(tok, orig)
    assert al.unaligned_a == 0
    assert orig[: al.b_end] == "It was a dark night. She slept."
    # a span beyond the excerpt maps to nothing; one across its end is clipped
    s = orig.index("Next")
    assert al.map_span(s, s + 4) is None
    assert al.map_span(orig.index("She"), len(orig)) == (tok.index("She"), len(tok))


def test_excerpt_starting_later_in_the_original() -> None:
    orig = "PREFACE\n\nSome words first.\n\nChapter 1\n\nIt began to rain."
    tok = "Chapter 1 It began to rain ."
    al = align(tok, orig)
    assert al.unaligned_a == 0
    assert al.map_span_to_b(0, 7) == (orig.index("Chapter"), orig.index("Chapter") + 7)


def test_map_span_ignores_outer_whitespace() -> None:
    tok = "“ Hello , ” said Ann ."
    orig = "“Hello,” said Ann."
    al = align(tok, orig)
    assert al.map_span(0, 8) == (0, tok.index("”") + 1)  # whole quote, marks included
    assert al.map_span(1, 7) == (2, 9)  # `Hello,` inside the marks -> `Hello ,`
    assert al.map_span(8, 9) is None  # a lone space holds no character


def test_nonspace_and_tokens() -> None:
    chars, pos = nonspace(" a b\nc ")
    assert chars == "abc" and pos == [1, 3, 5]
    assert token_spans("ab  c\nd") == [(0, 2), (4, 5), (6, 7)]


def test_snap_widens_to_whole_tokens() -> None:
    text = "Mr. Bennet 's wife said no ."
    idx = TokenIndex(text)
    assert idx.snap((4, 8)) == (4, 10)  # part of `Bennet`
    assert idx.snap((0, 10)) == (0, 10)  # already whole tokens
    assert idx.snap((5, 12)) == (4, 13)  # from inside `Bennet` into `'s`


def test_unrelated_texts_give_up_quickly() -> None:
    import time

    started = time.perf_counter()
    al = align("abcdefghij" * 300, "0123456789" * 300)
    assert al.unaligned_a == 3000
    assert time.perf_counter() - started < 2
