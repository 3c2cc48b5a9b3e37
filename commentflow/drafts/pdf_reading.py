"""A PDF draft: its facts (pages, encryption, scripts), its text layer, its pages as images.

Poppler's command-line tools (Debian `poppler-utils`: pdfinfo, pdftotext, pdftoppm) do the
reading, each in the sandbox with a time and memory limit, so a hostile PDF (a bomb of nested
objects, a script, a password) costs at most that limit and is answered with a message.
Poppler is GPL and runs as a separate program; nothing of it is linked into the app.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from lxml import etree

from commentflow.core.errors import ValidationFailed
from commentflow.core.sandbox import Limits, ProgramFailed, ProgramMissing, run
from commentflow.drafts.layout import Line

_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class PdfFacts:
    pages: int
    encrypted: bool
    has_script: bool


def _poppler(args: list[str], seconds: float, **kwargs) -> bytes:
    try:
        return run(args, limits=Limits(seconds=seconds, memory_mb=1536), **kwargs)
    except ProgramMissing:
        raise ValidationFailed(_(
            "Máy chủ chưa cài bộ đọc PDF (poppler-utils); hãy báo quản trị hệ thống.")) from None
    except ProgramFailed as error:
        if error.timed_out:
            raise ValidationFailed(_(
                "Tệp PDF quá phức tạp, đọc quá %(seconds)s giây nên đã dừng. Hãy in lại ra PDF "
                "từ Word (Lưu dưới dạng PDF) rồi tải lên.", seconds=int(seconds))) from None
        if b"Incorrect password" in str(error).encode() or "password" in str(error).lower():
            raise _encrypted() from None
        raise ValidationFailed(_("Tệp PDF bị hỏng, không đọc được.")) from None


def _encrypted() -> ValidationFailed:
    return ValidationFailed(_("Tệp PDF có mật khẩu. Hãy gỡ mật khẩu (hoặc in lại ra PDF) rồi "
                              "tải lên."))


#: Names of actions that run something: scripts, launching programs, embedded files.
_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")


def facts(path: Path, *, seconds: float) -> PdfFacts:
    out = _poppler(["pdfinfo", str(path)], seconds).decode("utf-8", "replace")
    pages = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    encrypted = re.search(r"^Encrypted:\s+yes", out, re.MULTILINE) is not None
    # pdfinfo -js lists document scripts; the names catch actions (OpenAction, links)
    scripts = b"" if encrypted else _poppler(["pdfinfo", "-js", str(path)], seconds)
    active = _ACTIVE.search(path.read_bytes()) is not None
    return PdfFacts(pages=int(pages.group(1)) if pages else 0, encrypted=encrypted,
                    has_script=bool(scripts.strip()) or active)


def check(path: Path, *, seconds: float, max_pages: int) -> PdfFacts:
    """Refuse PDFs that are locked, scripted, empty or too long; their facts otherwise."""
    found = facts(path, seconds=seconds)
    if found.encrypted:
        raise _encrypted()
    if found.has_script:
        raise ValidationFailed(_(
            "Tệp PDF có chứa mã lệnh (JavaScript, lệnh chạy chương trình hoặc tệp đính kèm) nên "
            "không được nhận. Hãy in lại ra PDF từ Word (Lưu dưới dạng PDF) rồi tải lên."))
    if found.pages == 0:
        raise ValidationFailed(_("Tệp PDF bị hỏng, không đọc được."))
    if found.pages > max_pages:
        raise ValidationFailed(_("Tệp PDF có %(pages)s trang, vượt giới hạn %(limit)s trang.",
                                 pages=found.pages, limit=max_pages))
    return found


def text_lines(path: Path, *, seconds: float) -> list[Line]:
    """Every line of the text layer with its place, in poppler's reading order."""
    xhtml = _poppler(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"], seconds)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True, recover=True)
    root = etree.fromstring(xhtml, parser=parser)
    lines: list[Line] = []
    if root is None:
        return lines
    for number, page in enumerate(root.iter(_XHTML + "page"), start=1):
        height = float(page.get("height", 0))
        for line in page.iter(_XHTML + "line"):
            text = _words(line)
            if text.strip():
                lines.append(Line(number, float(line.get("xMin")), float(line.get("yMin")),
                                  float(line.get("xMax")), float(line.get("yMax")), text,
                                  page_height=height))
    return lines


def _words(line) -> str:
    """The line's words; pieces closer than a twelfth of the line's height are one word (PDF
    writers place Vietnamese letters with stacked marks one by one, so poppler cuts words)."""
    text, previous_end = "", None
    height = float(line.get("yMax")) - float(line.get("yMin"))
    for word in line.iter(_XHTML + "word"):
        piece = word.text or ""
        start = float(word.get("xMin"))
        if previous_end is not None and start - previous_end > height * 0.08:
            text += " "
        text += piece
        previous_end = float(word.get("xMax"))
    return text


def scan_resolution(path: Path, *, seconds: float) -> int:
    """The resolution the pages were scanned at (the images' ppi), kept between 150 and 300:
    Tesseract reads a scan best at the resolution it was made, not enlarged."""
    listing = _poppler(["pdfimages", "-list", str(path)], seconds).decode("utf-8", "replace")
    ppis = [int(row.split()[12]) for row in listing.splitlines()[2:]
            if len(row.split()) > 13 and row.split()[12].isdigit()]
    return min(max(max(ppis, default=200), 150), 300)


def page_images(path: Path, *, dpi: int, seconds: float, first: int = 1,
                last: int | None = None) -> list[bytes]:
    """The pages rendered as grey PNG images at this resolution."""
    with tempfile.TemporaryDirectory(prefix="commentflow-pages-") as work:
        args = ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(first)]
        if last is not None:
            args += ["-l", str(last)]
        _poppler([*args, str(path), str(Path(work) / "page")], seconds)
        return [p.read_bytes() for p in sorted(Path(work).glob("page-*.png"),
                                               key=lambda p: int(p.stem.rsplit("-", 1)[1]))]
