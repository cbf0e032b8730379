"""Name and nominal spans (``characters/spans.py``): what a mention covers, untagged occurrences."""

from __future__ import annotations

import pytest

from ficlens.model import Gender, MentionKind


@pytest.mark.slow
def test_nominal_mentions(analyse):
    doc = analyse("The old man sat down. Her sister laughed.")
    nominals = [m.text for m in doc.mentions if m.kind == MentionKind.NOMINAL]
    assert nominals == ["The old man", "Her sister"]


@pytest.mark.slow
def test_particles_and_st_stay_inside_names(analyse, by_alias):
    text = (
        '"We shall dine at eight," said Celine de Montfort.\n\n'
        '"I never dine before nine," said Hugo St Clair.\n\n'
        "Celine de Montfort laughed at him. Hugo St Clair did not laugh."
    )
    doc = analyse(text)
    assert by_alias(doc, "Celine de Montfort").name == "Celine de Montfort"
    assert by_alias(doc, "Hugo St Clair").name == "Hugo St Clair"


@pytest.mark.slow
def test_a_known_given_name_is_a_person_whatever_its_label(analyse, by_alias):
    text = (
        "Leonora was thirty-six and poor Florence thirty. The reason for poor Florence's broken "
        "years was a weak heart. I could never blame Florence.\n\n"
        "Florence's people came from Stamford. We sailed to Florence in May."
    )
    doc = analyse(text)
    florence = by_alias(doc, "Florence")
    names = [m.text for m in doc.mentions if m.character_id == florence.id]
    assert len(names) >= 3  # every "Florence" but the city after "to"


@pytest.mark.slow
def test_the_surname_of_a_title_form_joins_it(analyse, by_alias):
    text = (
        "Mr. Waymarsh was late. Strether thought of Waymarsh on the boat. "
        "It was vague to Waymarsh. The shock of Waymarsh was great."
    )
    doc = analyse(text)
    waymarsh = by_alias(doc, "Mr. Waymarsh")
    assert "Waymarsh" in waymarsh.aliases  # ORG to spaCy, but "Mr. Waymarsh" says it is a name
    assert sum(m.character_id == waymarsh.id for m in doc.mentions) == 4


@pytest.mark.slow
def test_mention_spans_take_an_epithet_and_a_seat(analyse, by_alias):
    text = (
        "Old Cotter was sitting at the fire, smoking. Cotter said nothing.\n\n"
        "I was Captain Jack Carter of Virginia then. Captain Jack Carter rode north.\n\n"
        "Stately, plump Buck Mulligan came from the stairhead. The buck himself was sunny. Buck Mulligan laughed."
    )
    doc = analyse(text)
    names = [m.text for m in doc.mentions if m.kind == MentionKind.NAME]
    assert "Old Cotter" in names  # LitBank's span; the character is still "Cotter"
    assert "Old Cotter" not in by_alias(doc, "Cotter").aliases
    assert "Captain Jack Carter of Virginia" in names
    # Whole at a sentence start too, though "buck" is a common word: the text writes the pair mid-sentence.
    assert names.count("Buck Mulligan") == 2


@pytest.mark.slow
def test_a_rank_with_its_seat_is_one_name(analyse, by_alias):
    doc = analyse("Opposite was the Duchess of Harley, a lady of admirable good-nature.")
    duchess = by_alias(doc, "Duchess of Harley")
    assert duchess.gender == Gender.FEMALE
