"""Plain text: the decoded file, unchanged, is ``Document.text``.

Only real mojibake (UTF-8 read as cp1252 and saved again) is repaired, with a warning.
A title line and a byline at the top go to ``metadata`` and stay in the text;
``metadata["front_matter_end"]`` says where the story proper starts.
"""

from __future__ import annotations

from collections.abc import Iterable

from ficlens.errors import InputError
from ficlens.ingest._common import (
    DecodedTextReader,
    apply_front_matter,
    empty_metadata,
    find_front_matter,
    language_warning,
    repair_mojibake,
)
from ficlens.model import Document


class TextReader(DecodedTextReader):
    format = "text"

    def read_string(self, text: str, source: str = "<string>", warnings: Iterable[str] = ()) -> Document:
        if not text.strip():
            raise InputError(source, "is empty" if not text else "is empty (only whitespace)")
        if "\x00" in text:
            raise InputError(source, "contains NUL characters; not a text story")
        out_warnings = list(warnings)
        text, repaired = repair_mojibake(text)
        if repaired:
            out_warnings.append(repaired)
        meta = empty_metadata()
        meta["encoding"] = None
        fm = find_front_matter(text)
        apply_front_matter(meta, fm)
        lang = language_warning(text[fm.end :])
        if lang:
            out_warnings.append(lang)
        return Document(text=text, source=source, format=self.format, metadata=meta, warnings=out_warnings)
