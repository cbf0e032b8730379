"""Finds the stories in corpus inputs: files, folders (recursive), zip and tar archives.

Each story is a ``StoryRef``: where its bytes are (a file, or a member of an archive) and a
name to report. Refs are small and picklable, so they travel to worker processes and Ray
tasks, which read the bytes themselves; the driver never holds the corpus in memory.
An EpubMerge book (several works merged into one EPUB) gives one ref per work (``work``,
from 1; its name is ``<path>#work-<n>``), so each work is a row of its own.

Hostile inputs never stop the walk: a FIFO, a file over the size limit, a truncated tar, a
zip whose member is corrupt or bigger than its header says each become a ref with an
``error``, which the run records in errors.jsonl; the good stories beside it go on. Nothing
is read whole to find out: files are probed by their first bytes and their size, members
are read at most ``limit + 1`` bytes.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ficlens.errors import InputError

STORY_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub", ".text", ".mobi", ".azw3", ".azw", ".pdf"}
# Files that are never stories, even inside a folder of stories.
SKIP_NAMES = {".DS_Store", "Thumbs.db"}
MAX_MEMBER_BYTES = 200 * 1024 * 1024
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoryRef:
    path: str  # the file, or the archive that holds the story
    member: str | None = None  # the member's name inside the archive
    work: int | None = None  # the work (from 1) of a file that holds several (EpubMerge)
    error: str | None = None  # why this input cannot be a story (found while walking)

    @property
    def name(self) -> str:
        name = f"{self.path}!{self.member}" if self.member else self.path
        return f"{name}#work-{self.work}" if self.work else name

    @property
    def suffix(self) -> str:
        return Path(self.member or self.path).suffix.lower()

    def read_bytes(self, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """The story's bytes; an InputError for anything wrong (never more than ``limit`` read)."""
        if self.error:
            raise InputError(self.name, self.error)
        try:
            if self.member is None:
                _check_regular(Path(self.path), limit)
                with open(self.path, "rb") as handle:
                    return _read_at_most(handle, limit, self.name)
            if _is_zip(Path(self.path)):
                with zipfile.ZipFile(self.path) as archive:
                    info = archive.getinfo(self.member)
                    if info.file_size > limit:
                        raise InputError(self.name, f"archive member is {info.file_size} bytes, over the {limit}-byte limit")
                    # Read to the limit, not to the header's size: a header can lie.
                    with archive.open(info) as handle:
                        return _read_at_most(handle, limit, self.name)
            with tarfile.open(self.path) as archive:
                # Walk to the member, not getmember(): that reads every header first, and a
                # truncated tar would then fail for the members before the damage too.
                member = next((m for m in archive if m.name == self.member), None)
                if member is None:
                    raise InputError(self.name, "archive member not found")
                if member.size > limit:
                    raise InputError(self.name, f"archive member is {member.size} bytes, over the {limit}-byte limit")
                handle = archive.extractfile(member)
                if handle is None:
                    raise InputError(self.name, "archive member is not a regular file")
                return _read_at_most(handle, limit, self.name)
        except InputError:
            raise
        except (OSError, EOFError, KeyError, zipfile.BadZipFile, tarfile.TarError, zlib.error, lzma.LZMAError) as err:
            raise InputError(self.name, f"cannot be read ({_describe(err)})") from None


def _describe(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror.lower()
    text = str(err).strip() or type(err).__name__
    return f"{type(err).__name__}: {text}" if type(err).__name__ not in text else text


def _read_at_most(handle: IO[bytes], limit: int, name: str) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(name, f"is over the {limit}-byte limit")
    return data


def _check_regular(path: Path, limit: int | None = None) -> None:
    """A FIFO, socket or device is refused before it is opened (opening a FIFO blocks)."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise InputError(str(path), "is not a regular file (a FIFO, socket or device)")
    if limit is not None and st.st_size > limit:
        raise InputError(str(path), f"is {st.st_size} bytes, over the {limit}-byte limit")


def _head(path: Path, size: int = 1024) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def _is_zip(path: Path) -> bool:
    return zipfile.is_zipfile(path)  # reads only the end of the file


_TAR_OPENERS = {b"\x1f\x8b": gzip.open, b"BZh": bz2.open, b"\xfd7zXZ\x00": lzma.open}


def _is_tar(path: Path) -> bool:
    """A tar (plain, gz, bz2, xz) by the ``ustar`` magic of its first header.

    Not ``tarfile.is_tarfile``: it tries every compression over the whole file, which takes
    minutes on a gigabyte of zeros.
    """
    head = _head(path, 512)
    for magic, opener in _TAR_OPENERS.items():
        if head.startswith(magic):
            try:
                with opener(path, "rb") as handle:
                    head = handle.read(512)
            except (OSError, EOFError, lzma.LZMAError):
                return False
            break
    return len(head) >= 262 and head[257:262] == b"ustar"


def is_archive(path: Path) -> bool:
    # An EPUB is a zip too, but it is one story, not an archive of stories.
    if path.suffix.lower() == ".epub":
        return False
    try:
        return _is_zip(path) or _is_tar(path)
    except OSError:
        return False


def iter_story_refs(inputs: list[str | Path], max_bytes: int | None = None) -> Iterator[StoryRef]:
    """Every story under ``inputs``, in a stable order (sorted within each folder).

    A missing input is an InputError (the command line is wrong); everything else that is
    wrong with one file comes back as a ref with an ``error``.
    """
    for item in inputs:
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            raise InputError(str(path), "no such file or directory")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if not p.is_dir()):
                if _wanted(child.name) and (child.is_file() or child.suffix.lower() in STORY_SUFFIXES):
                    yield from _refs_for_file(child, max_bytes)
        else:
            yield from _refs_for_file(path, max_bytes)


def _wanted(name: str) -> bool:
    return name not in SKIP_NAMES and not name.startswith(".")


def _refs_for_file(path: Path, max_bytes: int | None) -> Iterator[StoryRef]:
    try:
        _check_regular(path)
    except (InputError, OSError) as err:
        yield StoryRef(str(path), error=err.problem if isinstance(err, InputError) else _describe(err))
        return
    if not is_archive(path):
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            # Settled here: the driver never reads (or hashes) a file it will refuse.
            yield StoryRef(str(path), error=f"is {size} bytes, over the {max_bytes}-byte limit (raise it with --max-size)")
            return
        try:
            yield from _works(StoryRef(str(path)), path if _is_zip(path) else None)
        except Exception:  # noqa: BLE001 - the worker reads it again and says what is wrong
            yield StoryRef(str(path))
        return
    if _is_zip(path):
        yield from _zip_refs(path)
    else:
        yield from _tar_refs(path)


def _zip_refs(path: Path) -> Iterator[StoryRef]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(i.filename for i in archive.infolist() if not i.is_dir())
    except (OSError, zipfile.BadZipFile, ValueError) as err:
        yield StoryRef(str(path), error=f"is a corrupt zip archive ({_describe(err)})")
        return
    yield from _member_refs(path, names)


def _tar_refs(path: Path) -> Iterator[StoryRef]:
    names: list[str] = []
    problem = None
    try:
        with tarfile.open(path) as archive:
            for member in archive:  # one header at a time: a truncated tar still gives its start
                if member.isfile():
                    names.append(member.name)
    except (OSError, EOFError, tarfile.TarError, zlib.error, lzma.LZMAError) as err:
        problem = f"is a truncated or corrupt tar archive ({_describe(err)}); the {len(names)} members before the damage are tried"
    yield from _member_refs(path, sorted(names))
    if problem:
        yield StoryRef(str(path), error=problem)


def _member_refs(path: Path, names: list[str]) -> Iterator[StoryRef]:
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if _wanted(base) and Path(base).suffix.lower() in STORY_SUFFIXES:
            ref = StoryRef(str(path), name)
            if Path(base).suffix.lower() != ".epub":
                yield ref
                continue
            try:
                data = ref.read_bytes()
                yield from _works(ref, data)
            except Exception:  # noqa: BLE001 - the task reads it again and says what is wrong
                yield ref


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


def file_hash(path: str | Path) -> str:
    """``content_hash`` of a file's bytes, read in chunks (never whole into memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()[:20]
