"""Finds the stories in corpus inputs: files, folders (recursive), zip and tar archives.

Each story is a ``StoryRef``: where its bytes are (a file, or a member of an archive) and a
name to report. Refs are small and picklable, so they travel to worker processes and Ray
tasks, which read the bytes themselves; the driver never holds the corpus in memory.
An EpubMerge book (several works merged into one EPUB) gives one ref per work (``work``,
from 1; its name is ``<path>#work-<n>``), so each work is a row of its own.
"""

from __future__ import annotations

import hashlib
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ficlens.errors import InputError

STORY_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub", ".text", ".mobi", ".azw3", ".azw", ".pdf"}
# Files that are never stories, even inside a folder of stories.
SKIP_NAMES = {".DS_Store", "Thumbs.db"}
MAX_MEMBER_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class StoryRef:
    path: str  # the file, or the archive that holds the story
    member: str | None = None  # the member's name inside the archive
    work: int | None = None  # the work (from 1) of a file that holds several (EpubMerge)

    @property
    def name(self) -> str:
        name = f"{self.path}!{self.member}" if self.member else self.path
        return f"{name}#work-{self.work}" if self.work else name

    @property
    def suffix(self) -> str:
        return Path(self.member or self.path).suffix.lower()

    def read_bytes(self, limit: int = MAX_MEMBER_BYTES) -> bytes:
        if self.member is None:
            return Path(self.path).read_bytes()
        if zipfile.is_zipfile(self.path):
            with zipfile.ZipFile(self.path) as archive:
                info = archive.getinfo(self.member)
                if info.file_size > limit:
                    raise InputError(self.name, f"archive member is {info.file_size} bytes, over the {limit}-byte limit")
                return archive.read(info)
        with tarfile.open(self.path) as archive:
            member = archive.getmember(self.member)
            if member.size > limit:
                raise InputError(self.name, f"archive member is {member.size} bytes, over the {limit}-byte limit")
            handle = archive.extractfile(member)
            if handle is None:
                raise InputError(self.name, "archive member is not a regular file")
            return handle.read()


def is_archive(path: Path) -> bool:
    # An EPUB is a zip too, but it is one story, not an archive of stories.
    if path.suffix.lower() == ".epub":
        return False
    if zipfile.is_zipfile(path):
        return True
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def iter_story_refs(inputs: list[str | Path]) -> Iterator[StoryRef]:
    """Every story under ``inputs``, in a stable order (sorted within each folder)."""
    for item in inputs:
        path = Path(item)
        if not path.exists():
            raise InputError(str(path), "no such file or directory")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if _wanted(child.name):
                    yield from _refs_for_file(child)
        else:
            yield from _refs_for_file(path)


def _wanted(name: str) -> bool:
    return name not in SKIP_NAMES and not name.startswith(".")


def _refs_for_file(path: Path) -> Iterator[StoryRef]:
    if not is_archive(path):
        yield from _works(StoryRef(str(path)), path if zipfile.is_zipfile(path) else None)
        return
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = sorted(i.filename for i in archive.infolist() if not i.is_dir())
    else:
        with tarfile.open(path) as archive:
            names = sorted(m.name for m in archive.getmembers() if m.isfile())
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if _wanted(base) and Path(base).suffix.lower() in STORY_SUFFIXES:
            ref = StoryRef(str(path), name)
            if Path(base).suffix.lower() != ".epub":
                yield ref
                continue
            try:
                data = ref.read_bytes()
            except (OSError, InputError, KeyError, tarfile.TarError, zipfile.BadZipFile):
                yield ref  # the task reads it again and says what is wrong
                continue
            yield from _works(ref, data)


def _works(ref: StoryRef, source: Path | bytes | None) -> Iterator[StoryRef]:
    """One ref per work of an EpubMerge book (a look at the zip's top OPF only), else ``ref``."""
    from ficlens.ingest.epub import epubmerge_parts

    count = len(epubmerge_parts(source)) if source else 0
    if count <= 1:
        yield ref
        return
    for index in range(1, count + 1):
        yield StoryRef(ref.path, ref.member, index)


def content_hash(data: bytes) -> str:
    """The story id: the same bytes are the same story, wherever they were found."""
    return hashlib.sha256(data).hexdigest()[:20]
