"""A cast is used in full (issue 23): every form the story writes for a cast member joins it.

The stories are written for these tests and are CC0 (public domain).
"""

from __future__ import annotations

import json

import pytest

from ficlens.cast import CastMember
from ficlens.model import Gender


def _one(doc, name):
    hits = [c for c in doc.characters if c.name == name]
    assert len(hits) == 1, (name, [(c.name, c.aliases) for c in doc.characters])
    return hits[0]


def _others(doc):
    return [(c.name, c.mentions) for c in doc.characters if not c.from_cast and c.mentions]


@pytest.mark.slow
def test_a_cast_name_with_an_article_takes_the_story_s_forms_of_it(analyse):
    # Capitalised without the article, in capitals, possessive, and lower case with it.
    text = (
        "Ada waited at the ford. Stranger came down the hill at dusk.\n\n"
        '"You are late," said Ada.\n\n'
        '"The river was high," said the stranger. Stranger\'s boots were wet.\n\n'
        '"Sit," said Ada, and the stranger sat. Ada looked at STRANGER and laughed.\n\n'
        '"Thank you," said the stranger.'
    )
    doc = analyse(text, cast=[CastMember("The Stranger"), CastMember("Ada", (), Gender.FEMALE)])
    stranger = _one(doc, "The Stranger")
    assert stranger.mentions == 6
    assert _others(doc) == []


@pytest.mark.slow
def test_a_hyphenated_name_takes_its_parts_extensions_and_pet_form(analyse):
    text = (
        "Bold Anne rode ahead of the column. Tam followed her.\n\n"
        '"Annie, wait," called Tam.\n\n'
        '"Keep up," said Bold Anne. Annie did not slow down.'
    )
    cast = [CastMember("Anne-the-Bold", ("Anne", "the Bold"), Gender.FEMALE), CastMember("Tam", (), Gender.MALE)]
    doc = analyse(text, cast=cast)
    anne = _one(doc, "Anne-the-Bold")
    assert anne.mentions == 4 and {"Bold Anne", "Annie"} <= set(anne.aliases)
    assert _others(doc) == []


@pytest.mark.slow
def test_a_cast_never_splits_a_character_the_run_without_a_cast_keeps_whole(analyse):
    # The cast knows him only by his title; the story names him in full and by first name.
    text = (
        "Tobias Pellow kept the lighthouse. Mr. Pellow rarely came down to the village.\n\n"
        '"Storm tonight," said Tobias. Mira nodded.\n\n'
        "Tobias Pellow climbed the stair and Tobias lit the lamp."
    )
    without = analyse(text)
    whole = [c for c in without.characters if "Tobias" in c.aliases]
    assert len(whole) == 1 and "Mr. Pellow" in whole[0].aliases  # kept whole without a cast
    doc = analyse(text, cast=[CastMember("Mr. Pellow", (), Gender.MALE), CastMember("Mira", (), Gender.FEMALE)])
    pellow = _one(doc, "Mr. Pellow")
    assert {"Tobias", "Tobias Pellow", "Mr. Pellow"} <= set(pellow.aliases)
    assert _others(doc) == []


@pytest.mark.slow
def test_family_name_first_alternatives_and_fandom_of_ao3_tags(analyse):
    text = (
        "Naruto Uzumaki sat on the roof. Kurama stirred inside him.\n\n"
        '"Go to sleep," said Naruto. Kurama growled.\n\n'
        "Zetsu watched from the trees. Naruto Uzumaki did not see him."
    )
    meta = {"characters": ["Uzumaki Naruto", "Kyuubi | Nine-tails | Kurama", "Zetsu (Naruto)"]}
    doc = analyse(text, metadata=meta)
    naruto = _one(doc, "Uzumaki Naruto")
    assert naruto.found_by == "tag" and naruto.mentions == 3
    fox = _one(doc, "Kyuubi")
    assert fox.mentions == 2 and "Kurama" in fox.aliases and fox.found_by == "tag"
    assert _one(doc, "Zetsu").mentions == 1
    assert _others(doc) == []


@pytest.mark.slow
def test_family_name_first_in_the_text_is_one_person(analyse):
    # No cast and no tags: the story writes the name both ways.
    text = (
        "Uchiha Sasuke left the village at night. Nobody stopped him.\n\n"
        '"Where are you going?" said Sakura.\n\n'
        "Sasuke Uchiha did not answer. Sasuke Uchiha kept walking, and Sakura watched him go."
    )
    doc = analyse(text)
    sasuke = [c for c in doc.characters if "Sasuke Uchiha" in c.aliases]
    assert len(sasuke) == 1 and "Uchiha Sasuke" in sasuke[0].aliases


def test_tags_that_name_no_one_seed_no_character() -> None:
    from ficlens.stages.characters.cast import cast_seeds, tag_names

    tags = ["Original Female Character", "OFC", "Male Inquisitor (Dragon Age)", "Team Seven", "Harry P.", "Hawke (Dragon Age)"]
    seeds = cast_seeds([], {"characters": tags, "relationships": ["Original Male Character/Hawke"]})
    assert [(s.name, s.found_by) for s in seeds] == [("Hawke", "tag")]
    assert tag_names("Kyuubi | Nine-tails | Kurama") == ("Kyuubi", "Nine-tails", "Kurama")


@pytest.mark.slow
def test_a_name_two_cast_members_share_is_a_warning_not_a_guess(analyse):
    text = (
        "Anne crossed the yard. Anne fed the hens and Anne said nothing.\n\n"
        '"Morning," said Anne.'
    )
    cast = [CastMember("Anne-the-Bold", (), Gender.FEMALE), CastMember("Anne-the-Quiet", (), Gender.FEMALE)]
    doc = analyse(text, cast=cast)
    anne = [c for c in doc.characters if c.name == "Anne"]
    assert len(anne) == 1 and not anne[0].from_cast and anne[0].found_by == "name"
    assert any("'Anne'" in w and "'Anne-the-Bold'" in w and "'Anne-the-Quiet'" in w for w in doc.warnings), doc.warnings
    assert _one(doc, "Anne-the-Bold").found_by == "cast"


@pytest.mark.slow
def test_each_character_says_how_it_was_found_in_the_tsv_and_the_report(analyse, tmp_path):
    import csv

    from ficlens.export.html import _character_rows
    from ficlens.export.tsv import write_characters

    text = 'Wren lit the stove. "Cold," said Wren.\n\nOsric came in. "Colder out," said Osric. Pell nodded.'
    doc = analyse(text, metadata={"characters": ["Osric (Saga)"]}, cast=[CastMember("Pell", (), Gender.MALE)])
    found = {c.name: c.found_by for c in doc.characters}
    assert found == {"Wren": "name", "Osric": "tag", "Pell": "cast"}
    path = write_characters(doc, tmp_path / "characters.tsv")
    with path.open(encoding="utf-8") as fh:
        rows = {r["name"]: r["found_by"] for r in csv.DictReader(fh, delimiter="\t")}
    assert rows == found
    swatches = {c.id: None for c in doc.characters}
    report = {r["name"]: r["found_by"] for r in _character_rows(doc, swatches)}
    assert report == {"Wren": "named in the text", "Osric": "AO3 tag", "Pell": "cast"}


@pytest.fixture(scope="module")
def analyse_dialogue(nlp):
    """The characters stage after the real quotes stage: each quote knows its paragraph, so
    the dialogue's turns (who answers whom) can be read."""
    from ficlens.model import Document
    from ficlens.stages.characters import CharacterConfig, CharacterStage
    from ficlens.stages.quotes import QuoteStage
    from ficlens.stages.segment import SegmentConfig, SegmentStage

    segment, quotes = SegmentStage(SegmentConfig(), nlp), QuoteStage()

    def run(text: str, cast: list) -> Document:
        return CharacterStage(CharacterConfig(), cast=cast)(quotes(segment(Document(text=text))))

    return run


@pytest.mark.slow
def test_a_cast_description_the_dialogue_answers_to_another_name_is_that_one_s_epithet(analyse_dialogue):
    # The story calls its smith, Tobias, "the smith"; the cast lists "The Smith" beside him.
    text = (
        "Tobias Reed kept the forge at the end of the lane. Mira came in out of the rain.\n\n"
        '"Tobias, is the gate mended?" asked Mira.\n\n'
        '"Not yet," said the smith, wiping his hands.\n\n'
        '"Tobias, you promised me," said Mira.\n\n'
        '"Tomorrow, then," said the smith.\n\n'
        "The smith went back to his fire."
    )
    cast = [CastMember("Tobias Reed", (), Gender.MALE), CastMember("Mira", (), Gender.FEMALE), CastMember("The Smith")]
    doc = analyse_dialogue(text, cast)
    assert _one(doc, "The Smith").mentions == 0
    smith = {m.start_token for m in doc.mentions if m.text.lower() == "the smith" and m.kind.value == "name"}
    assert smith == set()


@pytest.mark.slow
def test_a_cast_description_with_no_one_else_answering_to_it_stays_the_member_s(analyse_dialogue):
    # The same story without the vocatives: nothing says the smith is Tobias.
    text = (
        "Tobias Reed kept the forge at the end of the lane. Mira came in out of the rain.\n\n"
        '"Is the gate mended?" asked Mira.\n\n'
        '"Not yet," said the smith, wiping his hands.\n\n'
        "The smith went back to his fire."
    )
    cast = [CastMember("Tobias Reed", (), Gender.MALE), CastMember("Mira", (), Gender.FEMALE), CastMember("The Smith")]
    doc = analyse_dialogue(text, cast)
    assert _one(doc, "The Smith").mentions == 2


@pytest.mark.slow
def test_a_description_alias_of_a_named_member_is_hers_only_in_her_scene(analyse):
    # "The Girl" is the cast's alias for Pell, met once; the story calls Wren "the girl" too.
    filler = "Wren walked along the shore and counted the boats in the bay. " * 100
    text = (
        'Pell sold fish by the harbour. "Two for a penny," said the girl.\n\n'
        + filler
        + '\n\n"I will take none," said the girl, and Wren walked home.'
    )
    cast = [CastMember("Pell", ("The Girl",), Gender.FEMALE), CastMember("Wren", (), Gender.FEMALE)]
    doc = analyse(text, cast=cast)
    pell = _one(doc, "Pell")
    assert pell.mentions == 2  # "Pell" and the "girl" beside her, not the far one
    far = text.rindex("the girl")
    assert not any(m.character_id == pell.id and m.start == far for m in doc.mentions)


@pytest.mark.slow
def test_a_proper_name_in_the_cast_is_no_lower_case_description(analyse):
    # A victoria is a carriage: the cast's "Victoria" is a name, not "the victoria".
    text = (
        'Lady Hart stepped down from the victoria. "Drive on," said Lady Hart.\n\n'
        "The victoria rolled away down the hill."
    )
    cast = [CastMember("Lady Hart", ("Victoria",), Gender.FEMALE)]
    doc = analyse(text, cast=cast)
    assert _one(doc, "Lady Hart").mentions == 2


@pytest.mark.slow
def test_a_name_with_a_title_of_the_other_sex_is_no_lookalike(analyse, tmp_path):
    # "Mr. Cole" is Mrs. Cole's husband, not her name written another way: no warning. A
    # name the cast could mean is one, and it reaches analysis.json and the report.
    from ficlens.export.html import render_report
    from ficlens.export.json import validate_analysis, write_analysis_json

    text = (
        'Mr. Cole opened the door. "Come in," said Mr. Cole.\n\n'
        '"Thank you," said Mrs. Cole. Anne smiled and Anne sat down.'
    )
    cast = [CastMember("Mrs. Cole", (), Gender.FEMALE), CastMember("Anne-the-Bold", (), Gender.FEMALE),
            CastMember("Anne-the-Quiet", (), Gender.FEMALE)]
    doc = analyse(text, cast=cast)
    assert not any("'Mr. Cole'" in w for w in doc.warnings), doc.warnings
    warning = next(w for w in doc.warnings if w.startswith("'Anne'"))
    assert "may be the cast's 'Anne-the-Bold' or 'Anne-the-Quiet'" in warning
    # The warning is data first: the stray records the members it may be, by id.
    by_name = {c.name: c for c in doc.characters}
    assert by_name["Anne"].lookalike_of == (by_name["Anne-the-Bold"].id, by_name["Anne-the-Quiet"].id)
    assert by_name["Mr. Cole"].lookalike_of == ()
    saved = write_analysis_json(doc, tmp_path / "analysis.json").read_text(encoding="utf-8")
    assert warning.replace("'", "\\u0027") in saved or warning in saved
    assert "may be the cast&#39;s" in render_report(doc) or "may be the cast's" in render_report(doc)
    validate_analysis(json.loads(saved))


def test_a_possessive_with_a_title_joins_the_one_member_the_title_allows() -> None:
    # Husband and wife share the surname; "Mrs. Hollin's" (a name span that kept its
    # possessive) is hers, not a third character, and not a name two members could own.
    from ficlens.stages.characters.cast import cast_lookalikes, cast_words, join_name_variants
    from ficlens.stages.characters.forms import Cluster, Form, key_of

    def member(name: str, gender: Gender) -> Cluster:
        c = Cluster(cast_name=name, cast_aliases=(name,), cast_gender=gender, found_by="cast")
        c.add(Form(key_of(name)))
        c.forms = []
        return c

    him, her = member("Mr. Hollin", Gender.MALE), member("Mrs. Hollin", Gender.FEMALE)
    stray = Cluster()
    stray.add(Form(("mrs", ("hollin", "'s")), spans=[(3, 6), (40, 43)]))
    clusters = join_name_variants([him, her, stray], cast_words([him, her]))
    assert clusters == [him, her] and her.count == 2 and him.count == 0
    assert cast_lookalikes(clusters, cast_words(clusters)) == []


@pytest.mark.slow
def test_a_particular_description_alias_is_the_member_s_everywhere(analyse):
    # "the angel" names one being in this story, however long since his name was last used.
    filler = "Crowley walked along the shore and counted the boats in the bay. " * 100
    text = (
        'Aziraphale opened the shop at nine. "Good morning," said the angel.\n\n'
        + filler
        + '\n\n"Good night," said the angel, and Crowley walked home.'
    )
    cast = [CastMember("Aziraphale", ("the angel",), Gender.MALE), CastMember("Crowley", (), Gender.MALE)]
    doc = analyse(text, cast=cast)
    assert _one(doc, "Aziraphale").mentions == 3


def test_a_nickname_in_quotes_inside_a_character_tag_is_an_alias() -> None:
    # AO3 writes a nickname inside the name; the story says "Robby", never all three words.
    from ficlens.stages.characters.cast import cast_seeds, tag_names

    assert tag_names('Michael "Robby" Robinavitch') == ("Michael Robinavitch", "Robby")
    assert tag_names("Michael \u201cRobby\u201d Robinavitch (Show)") == ("Michael Robinavitch", "Robby")
    assert tag_names("Jack 'Spike' O'Neill") == ("Jack O'Neill", "Spike")
    assert tag_names("Tess O'Hara") == ("Tess O'Hara",)  # an apostrophe is no quote
    seeds = cast_seeds([], {"relationships": ['Michael "Robby" Robinavitch/Dana Evans']})
    assert [(s.name, s.aliases) for s in seeds] == [
        ("Michael Robinavitch", ("Michael Robinavitch", "Robby")),
        ("Dana Evans", ("Dana Evans",)),
    ]


@pytest.mark.slow
def test_a_tag_s_nickname_and_the_name_without_it_are_one_character(analyse):
    text = (
        "Michael Robinavitch came off the night shift at seven. Dana Evans was waiting.\n\n"
        '"Robby, go home," said Dana.\n\n'
        '"Soon," said Robby. Robinavitch rubbed his eyes, and Robby sat down.'
    )
    doc = analyse(text, metadata={"characters": ['Michael "Robby" Robinavitch', "Dana Evans"]})
    robby = _one(doc, "Michael Robinavitch")
    assert robby.found_by == "tag" and robby.mentions == 5
    assert {"Robby", "Michael Robinavitch"} <= set(robby.aliases)
    assert _others(doc) == []


def test_a_lookalike_warning_is_written_from_the_characters_record() -> None:
    from ficlens.model import Character
    from ficlens.stages.characters.cast import lookalike_warnings, recount_lookalike_warnings

    # Two strays both called "Bran" beside a cast of two Brans: each warning comes from
    # its own record (ids), never from the text of another warning.
    chars = [
        Character("C0", "Bran", mentions=7, quotes=3, lookalike_of=("C2", "C3")),
        Character("C1", "Bran", mentions=2, quotes=1, lookalike_of=("C2",)),
        Character("C2", "Bran-of-the-Hill", from_cast=True, mentions=7, quotes=9),
        Character("C3", "Bran-of-the-Ford", from_cast=True),
    ]
    by_mentions = lookalike_warnings(chars)
    assert by_mentions == [
        "'Bran' (7 mentions) may be the cast's 'Bran-of-the-Hill' or 'Bran-of-the-Ford'",
        "'Bran' (2 mentions) may be the cast's 'Bran-of-the-Hill'",
    ]
    assert recount_lookalike_warnings(["no title", *by_mentions], chars) == [
        "no title",
        "'Bran' (3 lines) may be the cast's 'Bran-of-the-Hill' or 'Bran-of-the-Ford'",
        "'Bran' (1 line) may be the cast's 'Bran-of-the-Hill'",
    ]


def test_a_lookalike_warning_is_recounted_after_coreference_added_mentions() -> None:
    from dataclasses import replace

    from ficlens.model import Character
    from ficlens.stages.characters.cast import lookalike_warnings, recount_lookalike_warnings

    stray = Character("C0", "Wick", mentions=4, quotes=0, lookalike_of=("C1",))
    member = Character("C1", "The Wick", from_cast=True)
    written = lookalike_warnings([stray, member])
    # Pronouns resolved later raise the mention count; the old warning is still replaced,
    # not kept beside the new one.
    later = [replace(stray, mentions=11, quotes=5), member]
    assert recount_lookalike_warnings(written, later) == ["'Wick' (5 lines) may be the cast's 'The Wick'"]


@pytest.mark.slow
def test_the_speakers_stage_puts_lines_in_the_lookalike_warning(analyse_dialogue):
    from ficlens.stages.speakers import SpeakerConfig, SpeakerStage

    text = (
        "Anne crossed the yard to the well. Tam was drawing water.\n\n"
        '"Morning," said Anne.\n\n'
        '"Morning," said Tam.\n\n'
        '"Is it cold?" asked Anne. Anne held out her cup.'
    )
    cast = [
        CastMember("Anne-the-Bold", (), Gender.FEMALE),
        CastMember("Anne-the-Quiet", (), Gender.FEMALE),
        CastMember("Tam", (), Gender.MALE),
    ]
    doc = analyse_dialogue(text, cast)
    assert "'Anne' (4 mentions) may be the cast's 'Anne-the-Bold' or 'Anne-the-Quiet'" in doc.warnings
    doc = SpeakerStage(SpeakerConfig(scorer="rules"))(doc)
    assert "'Anne' (2 lines) may be the cast's 'Anne-the-Bold' or 'Anne-the-Quiet'" in doc.warnings, doc.warnings


def test_a_woman_s_title_is_not_the_name_of_a_member_the_cast_titles_otherwise() -> None:
    # "Mrs. Hale" beside the cast's "Admiral Hale" (gender not given) is his wife, and must
    # not make the admiral a woman; beside a "Dr. Hale" the cast calls a woman, it is her.
    from ficlens.stages.characters.cast import cast_lookalikes, cast_words, join_name_variants
    from ficlens.stages.characters.forms import Cluster, Form, key_of

    def member(name: str, gender: Gender) -> Cluster:
        c = Cluster(cast_name=name, cast_aliases=(name,), cast_gender=gender, found_by="cast")
        c.add(Form(key_of(name)))
        c.forms = []
        return c

    def stray() -> Cluster:
        c = Cluster()
        c.add(Form(("mrs", ("hale",)), spans=[(3, 5), (40, 42)]))
        return c

    admiral, wife = member("Admiral Hale", Gender.UNKNOWN), stray()
    clusters = join_name_variants([admiral, wife], cast_words([admiral]))
    assert clusters == [admiral, wife] and admiral.count == 0
    assert admiral.gender_hint() == Gender.UNKNOWN
    assert cast_lookalikes(clusters, cast_words(clusters)) == []
    doctor = member("Dr. Hale", Gender.FEMALE)
    assert join_name_variants([doctor, stray()], cast_words([doctor])) == [doctor] and doctor.count == 2


def test_any_title_that_says_a_sex_keeps_the_other_sex_s_member_out_of_a_warning() -> None:
    # French titles as well as English ones: "Monsieur Lebrun" may be either son, never Madame.
    from ficlens.stages.characters.cast import cast_lookalikes, cast_words
    from ficlens.stages.characters.forms import Cluster, Form, key_of

    def member(name: str, gender: Gender) -> Cluster:
        c = Cluster(cast_name=name, cast_aliases=(name,), cast_gender=gender, found_by="cast")
        c.add(Form(key_of(name)))
        c.forms = []
        return c

    madame = member("Madame Lebrun", Gender.FEMALE)
    sons = [member("Robert Lebrun", Gender.MALE), member("Victor Lebrun", Gender.MALE)]
    stray = Cluster()
    stray.add(Form(key_of("Monsieur Lebrun"), spans=[(3, 5)]))
    clusters = [madame, *sons, stray]
    assert cast_lookalikes(clusters, cast_words(clusters)) == [(stray, sons)]


def _member(name: str, gender: Gender, spans: list[tuple[int, int]]):
    from ficlens.stages.characters.forms import Cluster, Form, key_of

    c = Cluster(cast_name=name, cast_aliases=(name,), cast_gender=gender, found_by="cast")
    c.add(Form(key_of(name), spans=list(spans)))
    return c


def test_a_rank_two_members_share_goes_to_the_one_the_scene_names() -> None:
    # Two countesses in the cast; "the Countess" near the only one named in that stretch
    # is her, near the other is the other, and where both are named it stays apart.
    from ficlens.stages.characters.cast import cast_words, settle_lookalikes_by_scene
    from ficlens.stages.characters.forms import Cluster, Form

    ash = _member("Countess of Ashby", Gender.FEMALE, [(100, 103)])
    wren = _member("Countess of Wrenfield", Gender.FEMALE, [(5000, 5003)])
    stray = Cluster(found_by="role")
    stray.add(Form((None, ("the", "countess")), spans=[(150, 152), (5200, 5202), (9000, 9002)]))
    both = _member("Mr. Tolley", Gender.MALE, [(9100, 9102)])
    wren.forms[0].spans.append((8800, 8803))
    ash.forms[0].spans.append((9300, 9303))
    clusters = settle_lookalikes_by_scene([ash, wren, both, stray], cast_words([ash, wren, both, stray]))
    assert sorted(s for f in ash.forms for s in f.spans) == [(100, 103), (150, 152), (9300, 9303)]
    assert sorted(s for f in wren.forms for s in f.spans) == [(5000, 5003), (5200, 5202), (8800, 8803)]
    assert clusters == [ash, wren, both, stray] and [f.spans for f in stray.forms] == [[(9000, 9002)]]


def test_a_plain_title_or_another_gender_is_not_settled_by_scene() -> None:
    # "the lady" is anyone; a "Mr." stray is not one of two women sharing his surname.
    from ficlens.stages.characters.cast import cast_words, settle_lookalikes_by_scene
    from ficlens.stages.characters.forms import Cluster, Form

    one = _member("Lady Orme", Gender.FEMALE, [(10, 12)])
    two = _member("Lady Pell", Gender.FEMALE, [(4000, 4002)])
    lady = Cluster(found_by="role")
    lady.add(Form((None, ("the", "lady")), spans=[(20, 22)]))
    sisters = [_member("Miss Vey", Gender.FEMALE, [(10, 12)]), _member("Mrs. Vey", Gender.FEMALE, [(4000, 4002)])]
    mister = Cluster()
    mister.add(Form(("mr", ("vey",)), spans=[(30, 32)]))
    everyone = [one, two, *sisters, lady, mister]
    assert settle_lookalikes_by_scene(everyone, cast_words(everyone)) == everyone
    assert lady.count == 1 and mister.count == 1 and one.count == 1 and sisters[0].count == 1


def test_a_bare_first_name_two_members_share_goes_to_the_one_the_scene_names() -> None:
    # The cast gives "Piet" as an alias of Piet Marsh; Piet Oduya is another member. A bare
    # "Piet" in a stretch that names only Oduya is his; near Marsh, near both or near
    # neither it stays with Marsh, whom the user called so.
    from ficlens.stages.characters.cast import settle_shared_first_names
    from ficlens.stages.characters.forms import Cluster, Form, key_of

    marsh = Cluster(cast_name="Piet Marsh", cast_aliases=("Piet Marsh", "Piet"), cast_gender=Gender.MALE)
    marsh.add(Form(key_of("Piet Marsh"), spans=[(100, 102), (9000, 9002)]))
    marsh.add(Form(key_of("Piet"), spans=[(150, 151), (5100, 5101), (9050, 9051), (20000, 20001)]))
    oduya = Cluster(cast_name="Piet Oduya", cast_aliases=("Piet Oduya",), cast_gender=Gender.MALE)
    oduya.add(Form(key_of("Piet Oduya"), spans=[(5000, 5002), (9100, 9102)]))
    clusters = settle_shared_first_names([marsh, oduya])
    assert clusters == [marsh, oduya]
    assert sorted(s for f in oduya.forms for s in f.spans) == [(5000, 5002), (5100, 5101), (9100, 9102)]
    assert sorted(s for f in marsh.forms if f.key == (None, ("piet",)) for s in f.spans) == [
        (150, 151),
        (9050, 9051),
        (20000, 20001),
    ]


def test_a_shared_first_name_is_not_given_to_a_member_of_the_other_gender() -> None:
    # The cast's "Hal" is a man; the member "Hal Ross" is a woman: a scene that names only
    # her does not move his name to her.
    from ficlens.stages.characters.cast import settle_shared_first_names
    from ficlens.stages.characters.forms import Cluster, Form, key_of

    him = Cluster(cast_name="Hal", cast_aliases=("Hal",), cast_gender=Gender.MALE)
    him.add(Form(key_of("Hal"), spans=[(5100, 5101)]))
    her = Cluster(cast_name="Hal Ross", cast_aliases=("Hal Ross",), cast_gender=Gender.FEMALE)
    her.add(Form(key_of("Hal Ross"), spans=[(5000, 5002)]))
    settle_shared_first_names([him, her])
    assert him.count == 1 and her.count == 1


def test_a_rank_no_scene_settles_is_named_a_lookalike_of_both_members() -> None:
    # "the Countess" where both countesses are named, or neither, stays beside the cast and
    # the output says which members it may be.
    from ficlens.stages.characters.cast import (
        cast_lookalikes,
        cast_words,
        settle_lookalikes_by_scene,
    )
    from ficlens.stages.characters.forms import Cluster, Form

    ash = _member("Countess of Ashby", Gender.FEMALE, [(100, 103)])
    wren = _member("Countess of Wrenfield", Gender.FEMALE, [(300, 303)])
    stray = Cluster(found_by="role")
    stray.add(Form((None, ("the", "countess")), spans=[(200, 202), (50000, 50002)]))
    everyone = settle_lookalikes_by_scene([ash, wren, stray], cast_words([ash, wren, stray]))
    assert stray in everyone and stray.count == 2
    assert cast_lookalikes(everyone, cast_words(everyone)) == [(stray, [ash, wren])]


def test_a_husband_s_first_name_after_a_wife_s_title_is_not_hers() -> None:
    # The cast calls the widow "Mrs. Roland"; the story's "Roland" is her late husband, a
    # man beside the cast, and no lookalike of hers.
    from ficlens.stages.characters.cast import cast_lookalikes, cast_words
    from ficlens.stages.characters.forms import Cluster, Form, key_of

    widow = Cluster(cast_name="Ines", cast_aliases=("Ines", "Mrs. Roland"), cast_gender=Gender.FEMALE)
    widow.add(Form(key_of("Ines"), spans=[(10, 11)]))
    husband = Cluster()
    husband.add(Form(key_of("Roland"), spans=[(40, 41), (90, 91)]))
    assert "roland" not in cast_words([widow, husband])
    assert cast_lookalikes([widow, husband], cast_words([widow, husband])) == []
