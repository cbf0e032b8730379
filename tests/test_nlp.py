"""The shared spaCy pipeline: abbreviated titles stay with their names."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("title", ["Mlle.", "Mdlle.", "Mme.", "Capt.", "Col.", "Sgt."])
def test_an_abbreviated_title_keeps_its_full_stop_and_its_sentence(nlp, title):
    doc = nlp(f'"Bonjour," replied {title} Blanche with a bow.')
    assert title in [t.text for t in doc]
    assert len(list(doc.sents)) == 1
