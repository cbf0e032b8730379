"""Writing safely: one file (a temp file next to the target, then ``os.replace``) or a whole
output folder (staged beside it, then swapped in)."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def atomic_write(path: str | Path, write: Callable[[IO[str]], None]) -> Path:
    """Call ``write(f)`` on a UTF-8 text file (no newline translation), then move it into place.

    A failure inside ``write`` leaves neither a partial file nor the temp file behind.
    """
    path = Path(path)
    # Not mkstemp: its 0600 mode would stick to the final file; "x" refuses to clobber.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # backslashreplace: a file name with undecodable bytes (a lone surrogate, PEP 383)
        # is written as "\udcff" instead of failing the whole analysis; nothing else in a
        # str can fail to encode as UTF-8.
        with open(tmp, "x", encoding="utf-8", errors="backslashreplace", newline="") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --- a whole output folder at once ------------------------------------------------------
# OUTDIR is built in a staging folder beside it (same file system, so the last step is a
# rename) and swapped in whole: OUTDIR holds either the new analysis or what it held before.
# Staging names carry the writer's pid, so a later run can tell a folder left by a killed
# run (pid gone) from one a running ficlens is still filling.
_STAGING = re.compile(r"^\.(?P<name>.+)\.ficlens-(?P<pid>\d+)-[0-9a-f]+\.(?P<kind>tmp|old)$")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def clean_stale_staging(outdir: Path) -> None:
    """Remove staging folders a killed run left beside ``outdir``; put back an OUTDIR it had moved aside."""
    parent = outdir.parent
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        m = _STAGING.match(entry.name)
        if not m or m.group("name") != outdir.name or _pid_alive(int(m.group("pid"))):
            continue
        if m.group("kind") == "old" and not os.path.lexists(outdir):
            # Killed between moving the old OUTDIR aside and moving the new one in.
            os.replace(entry, outdir)
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _staging_name(outdir: Path, kind: str) -> Path:
    return outdir.parent / f".{outdir.name}.ficlens-{os.getpid()}-{secrets.token_hex(4)}.{kind}"


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _carry_over(outdir: Path, staging: Path) -> None:
    """Entries of the old OUTDIR the new analysis does not write stay (hard links, not copies)."""
    for entry in outdir.iterdir():
        target = staging / entry.name
        if os.path.lexists(target):
            continue
        if entry.is_symlink():
            os.symlink(os.readlink(entry), target)
        elif entry.is_dir():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(target))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, outdir: Path) -> None:
    """Make ``staging`` the new ``outdir``; the old one (if any) is removed afterwards."""
    if not os.path.lexists(outdir):
        os.rename(staging, outdir)
        return
    _carry_over(outdir, staging)
    if _exchange(staging, outdir):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old OUTDIR
        return
    old = _staging_name(outdir, "old")
    os.rename(outdir, old)
    try:
        os.rename(staging, outdir)
    except BaseException:
        os.rename(old, outdir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def resolve_outdir(outdir: str | Path) -> Path:
    """OUTDIR as an absolute path; a symlink to a folder means that folder. Errors are one line."""
    from ficlens.errors import OutputError

    outdir = Path(os.path.abspath(outdir))
    if outdir.is_symlink():
        if not outdir.exists():
            raise OutputError(str(outdir), "output path is a symbolic link to a missing target")
        outdir = outdir.resolve()
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(str(outdir), "output path exists and is not a directory")
    # OUTDIR is replaced as a whole: never the folder we stand in, one above it, or home.
    cwd = Path.cwd().resolve()
    if outdir.exists() and (outdir.resolve() in (cwd, *cwd.parents) or outdir.resolve() == Path.home().resolve()):
        raise OutputError(str(outdir), "is the current folder, one that holds it, or home; give a folder for the outputs (e.g. -o out)")
    return outdir


def check_outdir(outdir: str | Path) -> Path:
    """Before any work: OUTDIR can be written (or created), stale staging removed. Returns it resolved."""
    from ficlens.errors import OutputError, output_error

    outdir = resolve_outdir(outdir)
    ancestor = outdir.parent
    while not ancestor.exists():
        if os.path.lexists(ancestor):
            raise OutputError(str(ancestor), "is a symbolic link to a missing target")
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(str(outdir), f"{ancestor} is not a directory")
    try:
        if ancestor == outdir.parent:
            clean_stale_staging(outdir)
        # A probe, not os.access: it sees read-only mounts and works the same for root.
        os.rmdir(tempfile.mkdtemp(prefix=".ficlens-probe-", dir=ancestor))
    except OSError as err:
        raise output_error(ancestor, err) from None
    return outdir


@contextmanager
def staged_outdir(outdir: str | Path) -> Iterator[Path]:
    """Yield an empty staging folder; when the block succeeds it becomes OUTDIR in one step.

    On any failure the staging folder is removed and OUTDIR is untouched; an OSError becomes
    a one-line ``OutputError`` naming the path.
    """
    from ficlens.errors import OutputError, os_problem, output_error

    outdir = check_outdir(outdir)
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        staging = _staging_name(outdir, "tmp")
        staging.mkdir()
    except OSError as err:
        raise output_error(outdir.parent, err) from None
    try:
        yield staging
        swap_in(staging, outdir)
    except OSError as err:
        # Named as OUTDIR, not the staging folder the user never asked for.
        raise OutputError(str(outdir), f"cannot write: {os_problem(err)}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
