"""Build the hand-annotated gold for the two demo stories (``story_a.gold.json``, ``story_b.gold.json``).

The speaker, addressee and evidence decisions below were made by hand, quote by quote;
this script only turns them into character offsets, so the gold can be rebuilt and checked
whenever a story is edited. Each quote is written out in full and searched for after the
previous one; the script fails loudly if a quote is not found, if its span is not bounded by
quote marks (or a paragraph edge, for em-dash lines and paragraphs whose quote runs on), or
if any narration between two gold quotes still holds a quote mark (an unannotated quote).

Run it from anywhere: ``python src/ficlens/data/demo/make_gold.py`` (``--check`` only compares).
The format is described in ``gold_schema.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

OPENERS = "\u201c\"\u2014"  # curly, straight, em dash (dash only at a paragraph start)
CLOSERS = "\u201d\""
EXPLICIT, ANAPHORIC, IMPLICIT = "explicit", "anaphoric", "implicit"

# One row per contiguous quoted piece, in text order:
# (exact text inside the marks, speaker id, addressee ids, evidence, continues the previous row)
Row = tuple[str, str, tuple[str, ...], str, bool]

W, T, M = "wren", "teddy", "marcus"

STORY_A_QUOTES: list[Row] = [
    # Scene 1: Teddy comes up the headland.
    ("You’ve let the fire go out,", T, (W,), ANAPHORIC, False),  # "he says": Theodore Vance
    ("I’ve been busy.", W, (T,), IMPLICIT, False),
    ("Busy.", T, (W,), IMPLICIT, False),  # action beat: "Teddy sets the bags down"
    ("That lamp’s been dark since before you were born, love. It doesn’t care if it shines.", T, (W,), IMPLICIT, True),
    ("It cares,", W, (T,), ANAPHORIC, False),
    ("It just doesn’t say so.", W, (T,), ANAPHORIC, True),
    ("Go on, then,", W, (T,), ANAPHORIC, False),
    ("Go on what?", T, (W,), IMPLICIT, False),  # untagged run of four starts here
    ("Whatever it is. You’ve got your funeral face on.", W, (T,), IMPLICIT, False),
    ("I haven’t got a funeral face.", T, (W,), IMPLICIT, False),
    ("You’ve got it on right now.", W, (T,), IMPLICIT, False),
    ("Well,", T, (W,), EXPLICIT, False),
    ("if I have, it isn’t for a funeral.", T, (W,), EXPLICIT, True),
    ("The Adeyemis’ boy is back.", T, (W,), IMPLICIT, True),  # after an action beat, no tag
    ("Marcus,", W, (T,), ANAPHORIC, False),  # names Marcus, speaks to Teddy
    ("Came in on the two o'clock boat,", T, (W,), EXPLICIT, False),  # straight quotes from here
    ("Bag over his shoulder, no coat, like he'd forgotten what November does to a person out here. The girl in the post office nearly dropped her pasties.", T, (W,), EXPLICIT, True),
    ("Did he ask about me?", W, (T,), IMPLICIT, False),
    ("He asked after the light.", T, (W,), IMPLICIT, False),
    ("That's the same thing, and you know it is.", W, (T,), IMPLICIT, False),
    ("I know it is,", T, (W,), EXPLICIT, False),
    # Nested straight single quotes and a leading-apostrophe 'Tis: one gold record.
    ("I'm not sure he does. He stood on the quay and said 'how's the old girl keeping' and I said 'which one' and he laughed like I'd hit him. 'Tis a small island, love. You can't walk round it forever.", T, (W,), EXPLICIT, True),
    # The remembered phone call, em-dash dialogue; "Come with me" is Marcus ("She hadn't answered").
    ("You’re really doing it, then.", W, (M,), IMPLICIT, False),
    ("It’s a job. A proper job, with a pension and a desk and everything.", M, (W,), IMPLICIT, False),
    ("We had a proper job.", W, (M,), IMPLICIT, False),
    ("We had a dark lighthouse and your nan’s old radio. That’s not a job, that’s a hobby.", M, (W,), IMPLICIT, False),
    ("Then go.", W, (M,), IMPLICIT, False),
    ("Come with me.", M, (W,), IMPLICIT, False),
    # Teddy's speech over three paragraphs (no closing mark until the last).
    ("I’ll tell you something I never told him,", T, (W,), EXPLICIT, False),
    ("The night his dad’s boat went onto the Teeth, I was up that tower with a torch and a car battery, because the council had already pulled the fuses and I’d signed their paper saying I didn’t mind. I minded. I stood up there and flashed that torch till my arm went dead, and it wasn’t enough, and I’ve never once said so out loud.", T, (W,), EXPLICIT, True),
    ("So don’t you tell me that lamp doesn’t care. I know it doesn’t. I’m the one who cares, and so are you, and so is he, whatever he said to you on the telephone.", T, (W,), EXPLICIT, True),
    ("His mum said ‘never again’ the morning after, and she meant it, and she was back on the quay mending nets inside a month. People come back, love. He’s back. Go down to the harbour tomorrow, or don’t, but stop polishing a thing that can’t polish you back.", T, (W,), EXPLICIT, True),
    ("You never said.", W, (T,), IMPLICIT, False),
    ("I’m saying now.", T, (W,), IMPLICIT, False),
    ("Teddy, stop. I can make my own tea.", W, (T,), IMPLICIT, False),  # vocative
    ("Can you?", T, (W,), IMPLICIT, False),
    ("Go down tomorrow,", T, (W,), ANAPHORIC, True),
    # Scene 2: the storm; Marcus at the door.
    ("Wait—", W, (M,), IMPLICIT, False),  # she calls; "He turns" is Marcus's beat, not the speaker
    ("You came all the way up here in this to leave me a bag?", W, (M,), IMPLICIT, True),
    ("It’s your nan’s radio,", M, (W,), ANAPHORIC, False),
    ("I fixed it. I’ve been meaning to give it back for four years, and it seemed like a bad idea to do it in daylight. Mr Vance said you’d set the dog on me.", M, (W,), ANAPHORIC, True),
    ("I haven’t got a dog.", W, (M,), IMPLICIT, False),  # untagged run of seven
    ("That’s what I said. He said you’d borrow one.", M, (W,), IMPLICIT, False),
    ("So you picked a hurricane.", W, (M,), IMPLICIT, False),
    ("It’s not a hurricane.", M, (W,), IMPLICIT, False),
    ("It’s a gale, then. A severe gale.", W, (M,), IMPLICIT, False),
    ("It’s weather. It’s Carrick. It’s Tuesday.", M, (W,), IMPLICIT, False),
    ("Get inside before you drown, you idiot.", W, (M,), IMPLICIT, False),
    ("You kept it going,", M, (W,), ANAPHORIC, False),
    ("There’s nothing to keep going. It’s dark. It’s been dark our whole lives.", W, (M,), IMPLICIT, False),
    ("You know what I mean.", M, (W,), IMPLICIT, False),
    ("Why’d you come back?", W, (M,), ANAPHORIC, False),
    ("I did think about not coming,", M, (W,), EXPLICIT, False),
    ("every single day.", M, (W,), EXPLICIT, True),
    ("You said ‘then go.’ So I went. You never said ‘come back.’ I figured that was an answer too.", M, (W,), IMPLICIT, True),
    ("That wasn’t an answer. That was me being a coward in a phone box.", W, (M,), IMPLICIT, False),
    ("Well.", M, (W,), IMPLICIT, False),
    ("I was a coward on a mobile. We’re even.", M, (W,), IMPLICIT, True),
    # The radio: straight quotes again. "this is Vance" names him, but it is no speech tag.
    ("Carrick light, Carrick light, this is Vance at the harbour, are you receiving, over.", T, (W,), IMPLICIT, False),
    ("You tuned it to the harbour channel,", W, (M,), ANAPHORIC, False),
    ("I tuned it to the harbour channel,", M, (W,), ANAPHORIC, False),  # "he agrees"
    ("Answer him.", M, (W,), ANAPHORIC, True),
    ("This is Carrick. Go ahead, Teddy.", W, (T,), IMPLICIT, False),
    ("The Marguerite's still out past the Teeth, and the whole island's gone dark. The lad skippering her has got no instruments and no shore lights to steer by. If you've got anything up there, love, now's the time, over.", T, (W,), IMPLICIT, False),
    ("The old battery rig,", M, (W,), EXPLICIT, False),
    ("Is it still up there?", M, (W,), EXPLICIT, True),
    ("It’s still up there. I don’t know if it works.", W, (M,), IMPLICIT, False),
    ("Only one way to find out.", M, (W,), IMPLICIT, False),
    ("Ready?", M, (W,), ANAPHORIC, False),
    ("No.", W, (M,), IMPLICIT, False),
    ("Me neither.", M, (W,), IMPLICIT, False),
    ("I see you, Carrick,", T, (W, M), EXPLICIT, False),  # "I see you both"
    ("I see you both. Over.", T, (W, M), EXPLICIT, True),
    ("Stay,", W, (M,), ANAPHORIC, False),
    ("For a bit. Until the ferry.", W, (M,), ANAPHORIC, True),
    ("The ferry’s on Thursday.", M, (W,), IMPLICIT, False),
    ("I know when the ferry is.", W, (M,), IMPLICIT, False),
    ("Then I’ll stay until Thursday,", M, (W,), EXPLICIT, False),
    ("and we’ll see about the Thursday after that.", M, (W,), EXPLICIT, True),
]

N, H, D, K = "nell", "harrow", "dev", "kowalski"

STORY_B_QUOTES: list[Row] = [
    ("Recipes are for people who don’t listen,", H, (N,), ANAPHORIC, False),  # "she told me"
    ("Dough talks. You just have to shut up long enough to hear it.", H, (N,), ANAPHORIC, True),
    ("What does it say?", N, (H,), ANAPHORIC, False),  # "I asked": the narrator's pronoun
    ("Mostly it says you’ve added too much water.", H, (N,), IMPLICIT, False),
    ("You’re kneading it like it owes you money,", D, (N,), ANAPHORIC, False),
    ("It does owe me money. It owes me three weeks of wages in wasted flour.", N, (D,), IMPLICIT, False),
    ("That’s not how wages work.", D, (N,), IMPLICIT, False),
    ("That’s exactly how wages work here.", N, (D,), IMPLICIT, False),
    ("She’s in hospital,", D, (N,), ANAPHORIC, False),
    ("It’s her chest again. She says it’s nothing.", D, (N,), ANAPHORIC, True),
    ("It’s never nothing when she writes it down.", N, (D,), IMPLICIT, False),
    ("So what do we do?", D, (N,), IMPLICIT, False),
    ("We bake,", N, (D,), ANAPHORIC, False),
    ("Where is she?", K, (N,), ANAPHORIC, False),
    ("She’s not well,", N, (K,), ANAPHORIC, False),
    ("But your rye’s ready.", N, (K,), ANAPHORIC, True),
    ("Tell her it sounds right,", K, (N,), EXPLICIT, False),
    ("Well,", H, (N,), ANAPHORIC, False),  # Dev stands by, but the loaves are the narrator's
    ("you’ve stopped drowning it.", H, (N,), ANAPHORIC, True),
    ("Is that good?", N, (H,), IMPLICIT, False),
    ("It’s a start.", H, (N,), IMPLICIT, False),
    ("You’ll do, Nell. Open up when Kowalski knocks.", H, (N,), IMPLICIT, True),  # the one time she is named
]

STORY_A_CHARACTERS: list[dict[str, Any]] = [
    {"id": W, "name": "Wren", "aliases": [], "gender": "female", "is_narrator": False},
    {"id": T, "name": "Teddy Vance", "aliases": ["Teddy", "Theodore Vance", "Mr Vance", "Vance"], "gender": "male", "is_narrator": False},
    {"id": M, "name": "Marcus Adeyemi", "aliases": ["Marcus"], "gender": "male", "is_narrator": False},
]

STORY_B_CHARACTERS: list[dict[str, Any]] = [
    {"id": N, "name": "Nell", "aliases": [], "gender": "female", "is_narrator": True},
    {"id": H, "name": "Mrs Harrow", "aliases": ["Harrow"], "gender": "female", "is_narrator": False},
    {"id": D, "name": "Dev Mistry", "aliases": ["Dev"], "gender": "male", "is_narrator": False},
    {"id": K, "name": "Mr Kowalski", "aliases": ["Kowalski"], "gender": "male", "is_narrator": False},
]

SCENE_BREAK = "\n* * *\n"

STORIES: dict[str, dict[str, Any]] = {
    "story_a": {
        "file": "story_a.txt",
        "title": "What the Light Keeps",
        "authors": ["tidewrack"],
        "characters": STORY_A_CHARACTERS,
        "quotes": STORY_A_QUOTES,
        "narration": {"person": "third", "tense": "present", "pov": W},
        "first_line": "The light on Carrick Head",
    },
    "story_b": {
        "file": "story_b.txt",
        "title": "The Dough Talks",
        "authors": ["quietlyfolding"],
        "characters": STORY_B_CHARACTERS,
        "quotes": STORY_B_QUOTES,
        "narration": {"person": "first", "tense": "past", "pov": N},
        "first_line": "I started at Harrow’s Bakery",
    },
}


class GoldError(ValueError):
    pass


def _paragraph_start(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] == "\n"


def _paragraph_end(text: str, i: int) -> bool:
    return i == len(text) or text[i] == "\n"


def _find_opened(text: str, quoted: str, cursor: int) -> int:
    """First occurrence after ``cursor`` right after an opening mark ("No." also occurs in prose)."""
    start = text.find(quoted, cursor)
    while start > 0 and text[start - 1] not in OPENERS:
        start = text.find(quoted, start + 1)
    return start


def locate_quotes(text: str, rows: list[Row], ids: set[str]) -> list[dict[str, Any]]:
    """Turn hand-made rows into offset records, checking every span against the text."""
    out: list[dict[str, Any]] = []
    cursor = 0
    for n, (quoted, speaker, addressees, evidence, cont) in enumerate(rows):
        start = _find_opened(text, quoted, cursor)
        if start < 0:
            raise GoldError(f"quote {n} not found after offset {cursor}: {quoted[:40]!r}")
        end = start + len(quoted)
        opener = text[start - 1] if start else ""
        if opener not in OPENERS or (opener == "\u2014" and not _paragraph_start(text, start - 1)):
            raise GoldError(f"quote {n} at {start} is not preceded by an opening mark: {opener!r}")
        closed = end < len(text) and text[end] in CLOSERS
        if not closed and not _paragraph_end(text, end):
            raise GoldError(f"quote {n} at {start} ends neither at a closing mark nor a paragraph end")
        if not closed and opener != "\u2014":
            # A quote running on: the next row must continue it from the next paragraph's start.
            if n + 1 >= len(rows) or not rows[n + 1][4]:
                raise GoldError(f"quote {n} runs on, but the next row does not continue it")
        between = text[cursor:start - 1]
        stray = [c for c in "\u201c\u201d\"" if c in between]
        if out and stray:
            raise GoldError(f"narration before quote {n} holds a quote mark {stray}: an unannotated quote?")
        if "\n\u2014" in between:
            raise GoldError(f"an em-dash line before quote {n} is not annotated")
        if speaker not in ids or not set(addressees) <= ids:
            raise GoldError(f"quote {n} names an unknown character")
        if cont and not out:
            raise GoldError("the first quote cannot continue another")
        if cont and out[-1]["speaker"] != speaker:
            raise GoldError(f"quote {n} continues a quote by another speaker")
        out.append({
            "start": start,
            "end": end,
            "text": quoted,
            "speaker": speaker,
            "addressees": list(addressees),
            "evidence": evidence,
            "continues": len(out) - 1 if cont else None,
        })
        cursor = end + (1 if closed else 0)
    if any(c in text[cursor:] for c in "\u201c\u201d\""):
        raise GoldError("a quote mark after the last gold quote: an unannotated quote?")
    return out


def find_scenes(text: str, first_line: str, narration: dict[str, Any]) -> list[dict[str, Any]]:
    """Scenes run from the first story paragraph (after title and byline) to the text's end,
    split at each ``* * *`` line; a span covers paragraphs only, not the break line."""
    begin = text.find(first_line)
    if begin < 0:
        raise GoldError(f"first line not found: {first_line!r}")
    scenes: list[dict[str, Any]] = []
    pos = begin
    while True:
        brk = text.find(SCENE_BREAK, pos)
        stop = len(text[:brk].rstrip()) if brk >= 0 else len(text.rstrip())
        scenes.append({"start": pos, "end": stop, **narration})
        if brk < 0:
            return scenes
        pos = brk + len(SCENE_BREAK)
        while text[pos] == "\n":
            pos += 1


def build(key: str) -> dict[str, Any]:
    spec = STORIES[key]
    # newline="" keeps the file's line endings: offsets are into the exact decoded text.
    with (HERE / spec["file"]).open(encoding="utf-8", newline="") as fh:
        text = fh.read()
    ids = {c["id"] for c in spec["characters"]}
    narration = spec["narration"]
    return {
        "story": spec["file"],
        "title": spec["title"],
        "authors": spec["authors"],
        "characters": spec["characters"],
        "quotes": locate_quotes(text, spec["quotes"], ids),
        "scenes": find_scenes(
            text,
            spec["first_line"],
            {"person": narration["person"], "tense": narration["tense"], "pov": narration["pov"]},
        ),
    }


def gold_path(key: str) -> Path:
    return HERE / f"{key}.gold.json"


def dump(gold: dict[str, Any]) -> str:
    return json.dumps(gold, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for key in STORIES:
        content = dump(build(key))
        path = gold_path(key)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                stale.append(path.name)
        else:
            path.write_text(content, encoding="utf-8")
    for name in stale:
        print(f"{name} is out of date; run make_gold.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
