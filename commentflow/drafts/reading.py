"""Reading an uploaded draft (.docx, .md, .txt) into blocks, refusing broken or hostile files."""
import io
import re

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from flask_babel import gettext as _

from commentflow.core.errors import ValidationFailed
from commentflow.core.uploads import check_not_empty, check_size, open_safe_zip
from commentflow.drafts.parsing import Block

ACCEPTED = (".docx", ".md", ".txt")
_LEGACY_FONT = re.compile(r"\.Vn|VNI[- ]")
#: Characters that Unicode Vietnamese never uses but TCVN3 text read as Latin-1 is full of.
_TCVN3_MARKS = set("¸µ¶·¹¼½¾®©ª«¬¡¢£¤¥¦§¯±²³´ÆÇÈÉÊËÌÍÎÏ×Ø")
#: Likewise for VNI text (ñ is its đ).
_VNI_MARKS = set("øïäëöüñÄËÖÜÑØ")


def read_draft(data: bytes, filename: str, *, max_bytes: int) -> list[Block]:
    """Blocks of a draft file; raises ValidationFailed with a message for the user."""
    check_not_empty(data)
    check_size(data, max_bytes)
    name = (filename or "").lower()
    if name.endswith(".docx"):
        return _read_docx(data)
    if name.endswith((".txt", ".md")):
        return _read_text(data)
    if name.endswith((".doc", ".rtf", ".odt", ".pdf")):
        raise ValidationFailed(_(
            "Chưa nhận định dạng này. Hãy mở bằng Word và lưu lại dưới dạng .docx "
            "(hoặc xuất ra .txt)."))
    raise ValidationFailed(_("Chỉ nhận dự thảo dạng .docx, .md hoặc .txt."))


def _read_docx(data: bytes) -> list[Block]:
    open_safe_zip(data)  # every part checked (sizes, CRC, DTDs, remote links) before parsing
    try:
        document = Document(io.BytesIO(data))
    except Exception:  # python-docx/lxml raise many kinds of errors on damaged parts
        raise ValidationFailed(_("Tệp không phải văn bản Word (.docx) hợp lệ hoặc bị hỏng; "
                                 "hãy mở bằng Word, lưu lại rồi tải lên lần nữa.")) from None
    _refuse_legacy_fonts(document)
    return list(_docx_blocks(document, document.element.body))


def _refuse_legacy_fonts(document) -> None:
    fonts = {name for name in document.element.xpath(
        ".//w:rFonts/@w:ascii | .//w:rFonts/@w:hAnsi") if _LEGACY_FONT.match(name)}
    if fonts:
        raise ValidationFailed(_(
            "Văn bản dùng phông chữ cũ (%(fonts)s, bảng mã TCVN3/VNI). Hãy chuyển sang Unicode "
            "(ví dụ Unikey › Công cụ chuyển mã) rồi tải lên lại.", fonts=", ".join(sorted(fonts))))


def _docx_blocks(document, container):
    for child in container.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Block(text=Paragraph(child, document).text)
        elif tag == "tbl":
            yield Block(rows=_table_rows(Table(child, document)))
        elif tag == "sdt":
            content = child.find("{*}sdtContent")
            if content is not None:
                yield from _docx_blocks(document, content)


def _table_rows(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        seen, cells = set(), []
        for cell in row.cells:  # a merged cell is returned once per grid column it spans
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        rows.append(cells)
    return rows


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
