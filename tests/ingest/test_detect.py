"""Detection by content, the format override, and every bad-input error."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ficlens.errors import InputError
from ficlens.ingest import read_document
from ficlens.ingest.detect import detect_format

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.mark.parametrize(
    ("fixture", "name", "expected"),
    [
        ("ao3_multi.html", "story.txt", "ao3"),  # AO3 download named .txt
        ("ao3_workpage.html", "page.md", "ao3"),  # saved work page named .md
        ("fanficfare.html", "fic.txt", "fanficfare"),  # FanFicFare HTML named .txt
    ],
)
def test_detection_ignores_misleading_extension(tmp_path: Path, fixture: str, name: str, expected: str) -> None:
    path = tmp_path / name
    shutil.copy(FIXTURES / fixture, path)
    assert read_document(path).format == expected


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>Hi there.</p></body></html>", "a.txt", "html"),  # doctype
        (b"<p>One.</p>\n<p>Two.</p>\n<p>Three.</p>", "a.txt", "html"),  # a fragment of tags
        (b"# Title\n\nSome text.\n", "a.txt", "markdown"),  # ATX heading
        (b"---\ntitle: X\n---\n\nText here.\n", "a", "markdown"),  # YAML front matter
        (b"Just words.\n", "a.md", "markdown"),  # .md extension
        (b"Just words with a <br> in them.\n", "a.txt", "text"),  # one tag is not HTML
        (b"Plain story text.\n\nMore.\n", "a.html", "text"),  # .html without any tag
    ],
)
def test_detect_format(tmp_path: Path, content: bytes, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_format(content, path) == expected
    assert read_document(path).format == expected


def test_html_claiming_ao3_without_structure_warns(tmp_path: Path) -> None:
    path = tmp_path / "fake.html"
    path.write_text(
        "<html><body><p>Posted originally on the Archive of Our Own.</p>"
        "<p>She left the house before dawn.</p></body></html>",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.format == "html"
    assert any("Archive of Our Own" in w for w in doc.warnings)


def test_format_override(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text("<p>One.</p><p>Two.</p><p>Three.</p>", encoding="utf-8")
    doc = read_document(path, format="text")
    assert doc.format == "text"
    assert doc.text == "<p>One.</p><p>Two.</p><p>Three.</p>"


def test_unknown_format_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="unknown format"):
        read_document(path, format="docx")


# --- bad input --------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file") as err:
        read_document(tmp_path / "nope.txt")
    assert str(tmp_path / "nope.txt") in str(err.value)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("secret story", encoding="utf-8")

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # root ignores chmod, so the denial is simulated.
    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputError, match="permission denied"):
        read_document(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_chmod(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("secret story", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            read_document(path)
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "is empty"),  # zero bytes
        (b"  \n\n\t \r\n", "only whitespace"),  # whitespace only
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),  # an image
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),  # a PDF
        (b"abc\x00def\x00\x01\x02\x03\xff\xfe" * 50, "binary"),  # NUL bytes, not UTF-16
        (bytes(range(1, 32)) * 40, "binary"),  # control characters
    ],
)
def test_bad_content(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=match):
        read_document(path)


def test_whitespace_only_utf16_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "ws.txt"
    path.write_bytes("   \n  \n".encode("utf-16"))
    with pytest.raises(InputError, match="empty"):
        read_document(path)


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 3000)
    with pytest.raises(InputError, match=r"over the 10\.0 KB limit \(raise it with --max-size\)") as err:
        read_document(path, max_bytes=10 * 1024)
    assert "14.6 KB" in str(err.value)


def test_undecodable_bytes(tmp_path: Path) -> None:
    # Bytes that are not UTF-8 and that no single-byte code page explains as text.
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 40)
    with pytest.raises(InputError):
        read_document(path)


def test_error_message_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError) as err:
        read_document(path)
    assert "\n" not in str(err.value)
    assert err.value.path == str(path)


def test_kindle_and_pdf_detected_by_content() -> None:
    from ficlens.ingest.detect import detect_format

    palm = b"Story name".ljust(60, b"\x00") + b"BOOKMOBI" + bytes(100)
    assert detect_format(palm, Path("story.txt")) == "mobi"
    assert detect_format(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", Path("story.html")) == "pdf"
    assert detect_format(b"A story that mentions %PDF- and BOOKMOBI.", Path("story.txt")) == "text"
