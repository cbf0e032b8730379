"""Characters: named people, their alias clusters, and name/nominal mentions.

Input: tokens, entities, sentences, paragraphs, quotes (and an optional cast, plus
AO3 ``metadata["characters"]`` / ``metadata["relationships"]`` tags). Output::

    "Elizabeth Bennet ... Lizzy ... Miss Elizabeth ... Mr. Bennet ... Mrs. Bennet"
      -> C0 "Elizabeth Bennet" (aliases Elizabeth Bennet, Lizzy, Miss Elizabeth), female
         C1 "Mr. Bennet" (male), C2 "Mrs. Bennet" (female)

The steps, in the order ``CharacterStage._find`` runs them, and the file that holds each:

1. ``cast.py``: seeds from the cast and the AO3 tags (``cast_seeds``; a tag's ``|``
   alternatives are one person, "OFC" or "Team Seven" none: ``tag_names``), each under its
   names, without an article and, for two words, in the other order (``seed_keys_of``).
2. ``spans.py``: name spans from PERSON entities (widened to the whole name: "Teodor
   [Kask]"), honorific + capitalised word runs (with "de"/"van" particles and hyphens
   inside) and capitalised PROPN runs, grouped into name forms (``collect_forms``); what each
   occurrence says (a speech-verb subject, a vocative, "her name is Wren", "at Netherfield")
   is in ``evidence.py``; what the narration around it says of its gender ("Kevin, another
   tall guy", "Teyla nodded. She ...") is in ``gender.py``.
3. ``persons.py``: which forms are people. Place names are marked ("Carrick Head"), then a
   form is a person when enough of its occurrences look like one, grammar first, spaCy's
   label after (``is_person``, ``accept``); ``cast.py`` lets a name the cast spells a little
   differently count as the cast's (``misspelt_seed_keys``). A name coordinated with a person
   ("Teyla and Dex", "Matatabi and I") is one; a pet word only ever called ("Got a plan,
   Angel?"), a sound ("Hm"), an author's credit ("Story by X") is none. Then every occurrence
   of an accepted one-word name is a mention (``spans.add_untagged``).
4. ``clustering.py``: forms cluster BookNLP-style: full names, then honorific forms, then
   single words (``cluster_forms``).
5. ``roles.py``: a recurring "said the croupier" / "the General" becomes a character known
   by its role, or joins the named holder of the title (``role_clusters``).
6. ``cast.py``: a character known by a description the cast gives as an alias joins that
   member (``join_cast_descriptions``); what the clustering without the cast keeps whole,
   the cast does not split (``join_split_members``); a name that is a member's written
   another way ("Stranger", "Bold Anne", "Annie") joins it (``join_name_variants``), and
   one two members could own goes, occurrence by occurrence, to the one its scene names
   ("the Duchess" beside two cast duchesses: ``settle_lookalikes_by_scene``), and what no
   scene settles is a warning (``cast_lookalikes``); a lower-case description
   a member took by its name ("the painter" for "The Painter") that the dialogue shows to
   be another's epithet, or that falls outside the scenes the member is named in, is given
   up (``settle_descriptions``).
7. ``address.py``: two names no rule links ("Fagin" and "the Jew") become one character when
   the dialogue keeps answering one with the other (``link_by_address``).
8. ``reader.py``: "Y/N" placeholders make the Reader (``reader_cluster``); the Reader
   character is made by ``reader_character`` here and in the coref stage.
9. ``stage.py``: which clusters are characters (a person named once in passing is one; an
   AO3-tagged character no word of this text names is not; a name nothing shows to be a
   person and something shows to be a thing, "the Bijuu", "Miso Pork", is not:
   ``persons.thin_candidates``), characters numbered by first
   appearance, names, aliases, gender hints
   (honorifics, a first-name table, then his/her bound to the name: "Marcus rubs his
   hair"), name mentions and nominal mentions ("the old man": ``spans.nominal_mentions``).

``forms.py`` holds the records the steps share (``Form``: one written name and its evidence;
``Cluster``: a character being built). ``words.py`` names the word tables, which live in
``ficlens/data/lexicon/characters-*.txt``.
"""

from ficlens.stages.characters.evidence import is_vocative
from ficlens.stages.characters.reader import READER_PLACEHOLDER, reader_character
from ficlens.stages.characters.stage import CharacterConfig, CharacterStage
from ficlens.stages.characters.words import PERSON_NOUNS, ROLE_NOUNS

__all__ = [
    "PERSON_NOUNS",
    "READER_PLACEHOLDER",
    "ROLE_NOUNS",
    "CharacterConfig",
    "CharacterStage",
    "is_vocative",
    "reader_character",
]
