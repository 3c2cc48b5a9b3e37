"""An uploaded draft, in any format offices send, read into blocks; broken or hostile files refused.

The format is told by the content, not the name: .docx (Word numbering, heading styles and
tracked changes resolved by word_reading), .doc/.rtf/.odt and Word HTML saved as .doc
(converted by LibreOffice), PDF with a text layer (poppler), scanned PDF and JPEG/PNG/TIFF
images (Tesseract OCR), .txt/.md.
Formats that need an outside program are "slow": the web request hands them to a background
import (drafts.imports) instead of waiting for them.
"""
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from flask_babel import gettext as _

from commentflow.core.errors import ValidationFailed
from commentflow.core.uploads import check_not_empty, check_size, open_safe_zip
from commentflow.drafts import converting, pdf_reading, scanning
from commentflow.drafts.layout import paragraphs
from commentflow.drafts.parsing import Block, clean_line, walk
from commentflow.drafts.word_reading import read_word

ACCEPTED = (".docx", ".doc", ".rtf", ".odt", ".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff",
            ".md", ".txt")
#: Formats read by an outside program, in the background.
SLOW = {"doc", "rtf", "odt", "html", "pdf", "image"}
_LEGACY_FONT = re.compile(r"\.Vn|VNI[- ]")
#: Characters that Unicode Vietnamese never uses but TCVN3 text read as Latin-1 is full of.
_TCVN3_MARKS = set("¸µ¶·¹¼½¾®©ª«¬¡¢£¤¥¦§¯±²³´ÆÇÈÉÊËÌÍÎÏ×Ø")
#: Likewise for VNI text (ñ is its đ).
_VNI_MARKS = set("øïäëöüñÄËÖÜÑØ")
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_ODT_MIME = b"application/vnd.oasis.opendocument.text"


@dataclass
class Limits:
    """How far the reading of one file may go (from the app's configuration)."""

    convert_seconds: float = 60
    pdf_seconds: float = 60
    pdf_max_pages: int = 500
    scan_max_pages: int = 60
    ocr_seconds_per_page: float = 90
    #: Below this many characters per page, a PDF is taken for a scan.
    text_layer_chars: int = 40

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(convert_seconds=config.get("DRAFT_CONVERT_SECONDS", 60),
                   pdf_max_pages=config.get("DRAFT_PDF_MAX_PAGES", 500),
                   scan_max_pages=config.get("DRAFT_SCAN_MAX_PAGES", 60),
                   ocr_seconds_per_page=config.get("DRAFT_OCR_SECONDS_PER_PAGE", 90))

    @classmethod
    def for_request(cls, config) -> "Limits":
        """Within a web request (a reply file read while its user waits): a scan of a few
        pages only, so the request ends well inside the server's timeout."""
        limits = cls.from_config(config)
        limits.scan_max_pages = min(limits.scan_max_pages,
                                    config.get("REPLY_SCAN_MAX_PAGES", 6))
        return limits


@dataclass
class Reading:
    """What a file gave: its blocks, where they came from and what the user must be told."""

    blocks: list[Block]
    kind: str  #: docx, doc, rtf, odt, pdf, scan, text
    notes: list[str] = field(default_factory=list)
    #: The text was recognised from images: a person must check it before it is circulated.
    recognised: bool = False
    #: For recognised text: each page as read (PNG), to show beside the text.
    page_images: list[bytes] = field(default_factory=list)


Progress = Callable[[int, str], None]  # (percent, what is being done)


def sniff(data: bytes, filename: str) -> str:
    """The format by content: docx, odt, doc, rtf, pdf, image, text; ValidationFailed if none."""
    check_not_empty(data)
    name = (filename or "").lower()
    head = data[:1024]
    if head.startswith(b"PK\x03\x04"):
        if _ODT_MIME in data[:200]:
            return "odt"
        return "docx"
    if head.startswith(_OLE2):
        if _ENCRYPTED_OOXML in data[:65536]:
            raise ValidationFailed(_("Tệp được đặt mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại."))
        return "doc"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")):
        return "image"
    if name.endswith((".doc", ".htm", ".html")) and re.search(rb"<html[\s>]", head.lower()):
        return "html"  # "Word HTML" saved with a .doc name, as some e-office systems export
    if name.endswith((".txt", ".md")):
        return "text"
    if name.endswith(ACCEPTED):
        raise ValidationFailed(_("Nội dung tệp không đúng với phần mở rộng của tên tệp."))
    raise ValidationFailed(_("Chỉ nhận dự thảo dạng .docx, .doc, .odt, .rtf, .pdf, ảnh quét "
                             "(.jpg, .png, .tif), .md hoặc .txt."))


def precheck(data: bytes, kind: str, limits: Limits) -> None:
    """The quick refusals, before a slow format is queued: a locked, scripted or too long PDF,
    an image too large or too many pages, an .odt that is a zip bomb."""
    if kind == "odt":
        open_safe_zip(data)
    elif kind == "image":
        scanning.image_pages(data, max_pages=limits.scan_max_pages)
    elif kind == "pdf":
        with tempfile.TemporaryDirectory(prefix="commentflow-pdf-") as work:
            path = Path(work) / "draft.pdf"
            path.write_bytes(data)
            pdf_reading.check(path, seconds=limits.pdf_seconds, max_pages=limits.pdf_max_pages)


def read_draft(data: bytes, filename: str, *, max_bytes: int) -> list[Block]:
    """Blocks of a draft file; raises ValidationFailed with a message for the user."""
    return read_document(data, filename, max_bytes=max_bytes).blocks


def read_document(data: bytes, filename: str, *, max_bytes: int, limits: Limits | None = None,
                  progress: Progress | None = None) -> Reading:
    """Read a draft of any accepted format; raises ValidationFailed with a message."""
    check_not_empty(data)
    check_size(data, max_bytes)
    limits = limits or Limits()
    kind = sniff(data, filename)
    if kind == "text":
        if (filename or "").lower().endswith((".txt", ".md")):
            return Reading(_read_text(data), "text")
    if (filename or "").lower().endswith((".txt", ".md")):
        raise ValidationFailed(_("Nội dung tệp không đúng với phần mở rộng của tên tệp."))
    if kind == "docx":
        return _read_docx(data)
    if kind in ("doc", "rtf", "odt", "html"):
        if progress:
            progress(10, _("Đang chuyển đổi sang .docx"))
        if kind == "odt":
            open_safe_zip(data)  # the same checks as a .docx before LibreOffice opens it
        reading = _read_docx(converting.to_docx(data, kind, seconds=limits.convert_seconds))
        reading.kind = kind
        return reading
    if kind == "pdf":
        return _read_pdf(data, limits, progress)
    return _read_scan(scanning.image_pages(data, max_pages=limits.scan_max_pages), limits,
                      progress)


def place_on_pages(top: list, blocks: list[Block]) -> None:
    """Give each section the page its first words were read on (for review beside the scan)."""
    lines = [(clean_line(block.text), block.page) for block in blocks
             if not block.is_table and block.page]
    cursor, page = 0, lines[0][1] if lines else None
    for section in walk(top):
        start = " ".join(p for p in (section.number, section.title) if p) or \
            section.text.split("\n", 1)[0]
        start = clean_line(start)[:30]
        for index in range(cursor, len(lines)):
            if start and lines[index][0].startswith(start):
                cursor, page = index, lines[index][1]
                break
        section.page = page


def _read_docx(data: bytes) -> Reading:
    open_safe_zip(data)  # every part checked (sizes, CRC, DTDs, remote links) before parsing
    try:
        document = Document(io.BytesIO(data))
    except Exception:  # python-docx/lxml raise many kinds of errors on damaged parts
        raise ValidationFailed(_("Tệp không phải văn bản Word (.docx) hợp lệ hoặc bị hỏng; "
                                 "hãy mở bằng Word, lưu lại rồi tải lên lần nữa.")) from None
    _refuse_legacy_fonts(document)
    word = read_word(document)
    notes = []
    if word.revisions:
        notes.append(_("Dự thảo còn %(num)d thay đổi chưa chấp nhận (Track Changes); đã đọc như "
                       "khi chấp nhận tất cả (Accept All).", num=word.revisions))
    if word.comments:
        notes.append(_("Dự thảo có %(num)d nhận xét bên lề (Comment); nhận xét không được đưa "
                       "vào nội dung dự thảo.", num=word.comments))
    return Reading(word.blocks, "docx", notes=notes)


def _read_pdf(data: bytes, limits: Limits, progress: Progress | None) -> Reading:
    with tempfile.TemporaryDirectory(prefix="commentflow-pdf-") as work:
        path = Path(work) / "draft.pdf"
        path.write_bytes(data)
        if progress:
            progress(5, _("Đang đọc tệp PDF"))
        found = pdf_reading.check(path, seconds=limits.pdf_seconds,
                                  max_pages=limits.pdf_max_pages)
        lines = pdf_reading.text_lines(path, seconds=limits.pdf_seconds)
        if sum(len(line.text) for line in lines) >= limits.text_layer_chars * found.pages:
            return Reading(paragraphs(lines), "pdf")
        if found.pages > limits.scan_max_pages:
            raise ValidationFailed(_(
                "Bản quét có %(pages)s trang, vượt giới hạn %(limit)s trang cho một lần nhận "
                "dạng chữ.", pages=found.pages, limit=limits.scan_max_pages))
        if progress:
            progress(10, _("Đang tách trang của bản quét"))
        dpi = pdf_reading.scan_resolution(path, seconds=limits.pdf_seconds)
        images = pdf_reading.page_images(path, dpi=dpi, seconds=limits.pdf_seconds)
    opened = []
    for image in images:
        opened.extend(scanning.image_pages(image, max_pages=1))
    return _read_scan(opened, limits, progress)


def _read_scan(pages, limits: Limits, progress: Progress | None) -> Reading:
    def step(done: int, total: int) -> None:
        if progress:
            progress(15 + 80 * done // total,
                     _("Đang nhận dạng chữ: trang %(done)s/%(total)s", done=done, total=total))

    if progress:
        progress(15, _("Đang nhận dạng chữ"))
    lines, images = scanning.read_pages(pages, seconds_per_page=limits.ocr_seconds_per_page,
                                        progress=step)
    return Reading(paragraphs(lines), "scan", recognised=True, page_images=images, notes=[_(
        "Nội dung được nhận dạng tự động từ bản quét: hãy soát lại từng mục trước khi gửi "
        "lấy ý kiến.")])


def _refuse_legacy_fonts(document) -> None:
    fonts = {name for name in document.element.xpath(
        ".//w:rFonts/@w:ascii | .//w:rFonts/@w:hAnsi") if _LEGACY_FONT.match(name)}
    if fonts:
        raise ValidationFailed(_(
            "Văn bản dùng phông chữ cũ (%(fonts)s, bảng mã TCVN3/VNI). Hãy chuyển sang Unicode "
            "(ví dụ Unikey › Công cụ chuyển mã) rồi tải lên lại.", fonts=", ".join(sorted(fonts))))


def _decode(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04" or data[:5] == b"%PDF-" or b"\x00" in data[:1024] and \
            data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise ValidationFailed(_("Nội dung tệp không đúng với phần mở rộng của tên tệp."))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16").lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_(
            "Tệp văn bản phải dùng bảng mã Unicode (UTF-8). Hãy lưu lại với bảng mã UTF-8."
        )) from None


def _refuse_legacy_text(text: str) -> None:
    letters = sum(ch.isalpha() for ch in text) or 1
    for marks, name in ((_TCVN3_MARKS, "TCVN3"), (_VNI_MARKS, "VNI")):
        count = sum(text.count(mark) for mark in marks)
        if count >= 5 and count / letters > 0.005:
            raise ValidationFailed(_(
                "Văn bản có vẻ được gõ bằng bảng mã cũ %(name)s. Hãy chuyển sang Unicode "
                "(ví dụ Unikey › Công cụ chuyển mã) rồi tải lên lại.", name=name))


def _read_text(data: bytes) -> list[Block]:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    _refuse_legacy_text(text)
    return text_blocks(text)


def _table_row(line: str) -> list[str] | None:
    if "\t" in line.strip("\n") and line.count("\t") >= 2:
        return line.split("\t")
    stripped = line.strip()
    if len(stripped) > 2 and stripped.startswith("|") and stripped.endswith("|"):
        cells = [cell.strip() for cell in stripped[1:-1].split("|")]
        if all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells if cell):
            return []  # a Markdown header separator row
        return cells
    return None


def text_blocks(text: str) -> list[Block]:
    """Lines become paragraphs; runs of tab-separated (or Markdown |…|) lines become tables.

    Blank lines inside a run of table rows (page breaks in converted files) do not end it.
    """
    blocks: list[Block] = []
    table: list[list[str]] | None = None
    for line in text.split("\n"):
        row = _table_row(line)
        if row is not None:
            if table is None:
                table = []
                blocks.append(Block(rows=table))
            if row:
                table.append(row)
            continue
        if not line.strip():
            continue  # a blank line (a page break) does not end a table
        table = None  # a line of text does
        blocks.append(Block(text=line))
    return [block for block in blocks if not block.is_table or block.rows]
