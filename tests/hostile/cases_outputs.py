"""The outputs half of the hostile-input catalogue (issue 25, items 5-9): output folders that
cannot be written, bad options and settings, corpus folders and archives that are broken,
queries that try to write, read the machine or load extensions.

Every story text here is written for these tests (CC0). Large inputs are sparse files or
generated at run time, never committed.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

from hostile.case import Case

# CC0: written for these tests.
STORY = (
    "Chapter 1\n\n"
    '"Is the lamp lit?" Mara asked.\n\n'
    '"Since dusk," said Oskar. "The ships will see it."\n\n'
    "Mara climbed the stairs and looked out at the grey sea.\n"
)
STORY_WORDS = len(STORY.split())


def story(n: int) -> str:
    """Distinct stories (distinct bytes: the corpus run would skip duplicates)."""
    return STORY.replace("dusk", f"dusk on day {n}")


def _story_file(tmp: Path, name: str = "story.txt", n: int = 0) -> Path:
    path = tmp / name
    path.write_text(story(n), encoding="utf-8")
    return path


def _inject(tmp: Path, code: str) -> None:
    """A sitecustomize.py the runner puts first on the child's PYTHONPATH: a simulated fault."""
    (tmp / "inject").mkdir(exist_ok=True)
    (tmp / "inject" / "sitecustomize.py").write_text(code, encoding="utf-8")


# --- analyze: output folders --------------------------------------------------------------
def out_blocked_by_file(tmp: Path) -> list[str]:
    (tmp / "out").write_text("not a folder", encoding="utf-8")
    return ["analyze", str(_story_file(tmp)), "-o", "out"]


def out_under_a_file(tmp: Path) -> list[str]:
    (tmp / "blocker").write_text("not a folder", encoding="utf-8")
    return ["analyze", str(_story_file(tmp)), "-o", "blocker/out"]


def out_dangling_symlink(tmp: Path) -> list[str]:
    (tmp / "out").symlink_to(tmp / "gone")
    return ["analyze", str(_story_file(tmp)), "-o", "out"]


def out_is_the_current_folder(tmp: Path) -> list[str]:
    """OUTDIR is swapped in whole: the folder the user stands in is refused, not replaced."""
    return ["analyze", str(_story_file(tmp)), "-o", "."]


_DENY = '''
import errno, os, tempfile
_mkdtemp, _mkdir = tempfile.mkdtemp, os.mkdir
def _denied(path):
    return "locked" in os.fspath(path or "")
def mkdtemp(suffix=None, prefix=None, dir=None):
    if _denied(dir):
        raise PermissionError(errno.EACCES, "Permission denied", dir)
    return _mkdtemp(suffix, prefix, dir)
def mkdir(path, *a, **k):
    if _denied(path):
        raise PermissionError(errno.EACCES, "Permission denied", path)
    return _mkdir(path, *a, **k)
tempfile.mkdtemp, os.mkdir = mkdtemp, mkdir
'''


def out_unwritable(tmp: Path) -> list[str]:
    locked = tmp / "locked"
    locked.mkdir()
    if os.geteuid() == 0:
        _inject(tmp, _DENY)  # root writes through any mode bits: simulate EACCES
    else:
        locked.chmod(0o555)
    return ["analyze", str(_story_file(tmp)), "-o", "locked/out"]


_DISK_FULL = '''
import builtins, errno, os
_open = builtins.open
def _full(file, mode="r", *a, **k):
    name = os.fspath(file) if isinstance(file, (str, os.PathLike)) else ""
    if ".ficlens-" in str(name) and "report.html" in str(name) and any(c in mode for c in "wxa"):
        raise OSError(errno.ENOSPC, "No space left on device")
    return _open(file, mode, *a, **k)
builtins.open = _full
'''


def out_disk_full(tmp: Path) -> list[str]:
    """The disk fills while the last file (report.html) is written; OUTDIR holds an older analysis."""
    _inject(tmp, _DISK_FULL)
    out = tmp / "out"
    out.mkdir()
    for name in ("story.txt", "report.html", "notes.txt"):
        (out / name).write_text(f"old {name}\n", encoding="utf-8")
    return ["analyze", str(_story_file(tmp)), "-o", "out", "--quiet"]


def undecodable_name(tmp: Path) -> list[str]:
    name = os.fsdecode(b"st\xffory.txt")
    (tmp / name).write_text(story(1), encoding="utf-8")
    return ["analyze", name, "-o", "out", "--quiet"]


def undecodable_name_missing(tmp: Path) -> list[str]:
    return ["analyze", os.fsdecode(b"gone\xfe.txt"), "-o", "out"]


def max_size_too_large(tmp: Path) -> list[str]:
    return ["analyze", str(_story_file(tmp)), "-o", "out", "--max-size", "900000000000000000000GB"]


def story_timeout_negative(tmp: Path) -> list[str]:
    return ["corpus", "run", str(_story_file(tmp)), "-o", "corpus", "--story-timeout", "-5"]


def config_wrong_type(tmp: Path) -> list[str]:
    (tmp / "ficlens.toml").write_text('[segment]\nmax_words = "lots"\n', encoding="utf-8")
    return ["analyze", str(_story_file(tmp)), "-o", "out", "--config", "ficlens.toml"]


# --- corpus folders -----------------------------------------------------------------------
def make_corpus(out: Path, names: list[str]) -> Path:
    """A committed corpus folder with one work and the given character names (no spaCy)."""
    from ficlens.corpus.store import CorpusStore, StoryResult

    rows = {
        "works": [{"story_id": "s1", "source": "story.txt", "title": "The Lamp", "words": STORY_WORDS}],
        "characters": [{"story_id": "s1", "character_id": f"C{i}", "name": n, "mentions": 1, "quotes": 0}
                       for i, n in enumerate(names)],
    }  # fmt: skip
    store = CorpusStore(out)
    store.open()
    store.commit([StoryResult("s1", "story.txt", "ok", words=STORY_WORDS, rows=rows)])
    store.unlock()
    return out


def corrupt_parquet(tmp: Path) -> list[str]:
    out = make_corpus(tmp / "corpus", ["Mara"])
    part = next((out / "characters").glob("part-*.parquet"))
    part.write_bytes(part.read_bytes()[: len(part.read_bytes()) // 2])  # truncated
    return ["corpus", "query", "corpus", "SELECT name FROM characters"]


def corrupt_manifest(tmp: Path) -> list[str]:
    out = make_corpus(tmp / "corpus", ["Mara"])
    manifest = next((out / "_batches").glob("*.json"))
    manifest.write_text('{"batch": "1", "stories": [', encoding="utf-8")
    _story_file(tmp, "in.txt")
    return ["corpus", "run", "in.txt", "-o", "corpus", "--workers", "1", "--quiet"]


def query_output_missing_folder(tmp: Path) -> list[str]:
    make_corpus(tmp / "corpus", ["Mara"])
    return ["corpus", "query", "corpus", "SELECT name FROM characters", "--output", "no/such/dir/x.csv"]


def query_prints_data(tmp: Path) -> list[str]:
    make_corpus(tmp / "corpus", ["root:x:0:0", "[bold red]Mara[/]", ":thumbs_up: Oskar"])
    return ["corpus", "query", "corpus", "SELECT name FROM characters ORDER BY name"]


# Every statement the issue names: each must be refused, with nothing read or written.
HOSTILE_SQL = {
    "copy": "COPY (SELECT 1 AS x) TO 'copied.csv'",
    "create-table": "CREATE TABLE t AS SELECT 1 AS x",
    "explain-analyze-copy": "EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO 'copied.csv'",
    "explain-analyze-create": "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1 AS x",
    "read-passwd": "SELECT * FROM read_text('/etc/passwd')",
    "read-csv-passwd": "SELECT * FROM read_csv('/etc/passwd')",
    "glob-dirs": "SELECT * FROM glob('/*')",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "url": "SELECT * FROM read_csv('https://example.com/x.csv')",
    "attach": "ATTACH 'other.duckdb' AS other",
    "unlock": "SET enable_external_access = true",
    "parquet-outside": "SELECT * FROM read_parquet('/tmp/*.parquet')",
}


def _query_case(sql: str):
    def build(tmp: Path) -> list[str]:
        make_corpus(tmp / "corpus", ["Mara"])
        return ["corpus", "query", "corpus", sql]

    return build


# --- corpus runs over hostile archives (exit 0: the rest completes) -------------------------
def _good(tmp: Path, count: int = 2, start: int = 0) -> list[Path]:
    (tmp / "good").mkdir(exist_ok=True)
    return [_story_file(tmp / "good", f"good_{i}.txt", n=i) for i in range(start, start + count)]


def _corpus_run(tmp: Path, *inputs: str) -> list[str]:
    return ["corpus", "run", *inputs, "-o", "corpus", "--workers", "1", "--quiet"]


def zip_one_corrupt_member(tmp: Path) -> list[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(3):
            archive.writestr(f"s{i}.txt", story(10 + i) * 20)
    data = bytearray(buffer.getvalue())
    # Damage the middle member's compressed bytes (its CRC no longer matches).
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("s1.txt")
    start = info.header_offset + 30 + len(info.filename) + 10
    data[start : start + 20] = b"\xff" * 20
    (tmp / "stories.zip").write_bytes(bytes(data))
    _good(tmp)
    return _corpus_run(tmp, "stories.zip", "good")


def _tar_bytes(mode: str, count: int = 4, start: int = 20) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for i in range(count):
            data = (story(start + i) * 40).encode()
            info = tarfile.TarInfo(f"t{i}.txt")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def truncated_tar(tmp: Path) -> list[str]:
    data = _tar_bytes("w")
    (tmp / "stories.tar").write_bytes(data[: len(data) * 2 // 3])
    _good(tmp)
    return _corpus_run(tmp, "stories.tar", "good")


def truncated_tar_gz(tmp: Path) -> list[str]:
    data = _tar_bytes("w:gz", start=40)
    (tmp / "stories.tar.gz").write_bytes(data[: len(data) * 2 // 3])
    _good(tmp)
    return _corpus_run(tmp, "stories.tar.gz", "good")


def zip_lying_size(tmp: Path) -> list[str]:
    """A member whose headers say 100 bytes and that inflates to 60 MB (a zip bomb's trick)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"a " * (30 * 1024 * 1024))
        archive.writestr("fine.txt", story(60))
    data = bytearray(buffer.getvalue())
    real = (60 * 1024 * 1024).to_bytes(4, "little")
    fake = (100).to_bytes(4, "little")
    # The size field appears in the local header and the central directory: rewrite both.
    data = bytearray(bytes(data).replace(real, fake))
    (tmp / "bomb.zip").write_bytes(bytes(data))
    _good(tmp)
    return _corpus_run(tmp, "bomb.zip", "good")


def fifo_input(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "pipe.txt")
    _good(tmp)
    return _corpus_run(tmp, "pipe.txt", "good")


def gib_of_zeros(tmp: Path) -> list[str]:
    with open(tmp / "zeros.bin", "wb") as handle:  # sparse: costs no disk
        handle.truncate(1024**3)
    _good(tmp)
    return _corpus_run(tmp, "zeros.bin", "good")


def big_text_sparse(tmp: Path) -> list[str]:
    with open(tmp / "huge.txt", "wb") as handle:
        handle.truncate(600 * 1024**2)
    _good(tmp)
    return _corpus_run(tmp, "huge.txt", "good")


def big_text_real(tmp: Path) -> list[str]:
    """600 MB of real text: refused by its size, never read whole into the driver."""
    block = (STORY * 2000).encode()
    with open(tmp / "huge.txt", "wb") as handle:
        for _ in range(600 * 1024**2 // len(block) + 1):
            handle.write(block)
    _good(tmp)
    return _corpus_run(tmp, "huge.txt", "good")


def all_bad_archives_at_once(tmp: Path) -> list[str]:
    argv: list[str] = []
    for build in (zip_one_corrupt_member, truncated_tar, truncated_tar_gz, zip_lying_size, fifo_input, gib_of_zeros):
        sub = tmp / build.__name__
        sub.mkdir()
        args = build(sub)
        inputs = args[2 : args.index("-o")]
        argv += [str(sub / i) for i in inputs]
        shutil.rmtree(sub / "corpus", ignore_errors=True)
    return _corpus_run(tmp, *argv)


CASES: list[Case] = [
    Case("out-blocked-by-file", out_blocked_by_file, 2, r"out: output path exists and is not a directory"),
    Case("out-under-a-file", out_under_a_file, 2, r"blocker is not a directory"),
    Case("out-dangling-symlink", out_dangling_symlink, 2, r"symbolic link to a missing target"),
    Case("out-is-the-current-folder", out_is_the_current_folder, 2, r"is the current folder"),
    Case("out-unwritable", out_unwritable, 2, r"locked.*permission denied"),
    Case("out-disk-full", out_disk_full, 2, r"out: cannot write: no space left on device", words=STORY_WORDS),
    Case("file-name-undecodable", undecodable_name, 0, words=STORY_WORDS),
    Case("file-name-undecodable-missing", undecodable_name_missing, 2, r"gone\\xfe\.txt: no such file"),
    Case("max-size-too-large", max_size_too_large, 2, r"--max-size: .* too large"),
    Case("corpus-story-timeout-negative", story_timeout_negative, 2, r"--story-timeout: -5 must be 0 \(no limit\) or more"),
    Case("config-wrong-type", config_wrong_type, 2, r"ficlens\.toml: invalid setting: segment\.max_words must be int, got str"),
    Case("corpus-corrupt-parquet", corrupt_parquet, 2, r"part-.*\.parquet: not a readable Parquet file"),
    Case("corpus-corrupt-manifest", corrupt_manifest, 2, r"_batches/.*\.json: corrupt manifest file"),
    Case("query-output-missing-folder", query_output_missing_folder, 2, r"x\.csv: --output folder .* does not exist"),
    Case("query-prints-data", query_prints_data, 0),
    *(Case(f"query-{name}", _query_case(sql), 2, r"refused") for name, sql in HOSTILE_SQL.items()),
    Case("corpus-zip-corrupt-member", zip_one_corrupt_member, 0, words=STORY_WORDS * 62),
    Case("corpus-truncated-tar", truncated_tar, 0, words=STORY_WORDS * 162),
    Case("corpus-truncated-tar-gz", truncated_tar_gz, 0, words=STORY_WORDS * 162),
    Case("corpus-zip-lying-size", zip_lying_size, 0, words=STORY_WORDS * 3),
    Case("corpus-fifo", fifo_input, 0, words=STORY_WORDS * 2),
    Case("corpus-1gib-zeros", gib_of_zeros, 0, words=STORY_WORDS * 2),
    Case("corpus-600mb-text-sparse", big_text_sparse, 0, words=STORY_WORDS * 2),
    Case("corpus-all-bad-archives", all_bad_archives_at_once, 0, words=STORY_WORDS * 400),
    Case("corpus-600mb-text", big_text_real, 0, words=STORY_WORDS * 2, large=True),
]
