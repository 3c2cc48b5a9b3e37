"""A scanned draft (image pages) read by OCR in Vietnamese: size checks, deskew, Tesseract.

Pages are checked before any pixel is decoded (a 20,000 × 20,000 image is refused from its
header), straightened by the angle whose row profile is sharpest, and read by Tesseract
(Debian `tesseract-ocr`, `tesseract-ocr-vie`) in the sandbox, two pages at a time on a
two-core server. Its words come back with their places, as lines for layout.paragraphs.
"""
from __future__ import annotations

import io
import re
import statistics
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from commentflow.core.errors import ValidationFailed
from commentflow.core.sandbox import Limits, ProgramFailed, ProgramMissing, run
from commentflow.drafts.layout import Line
from commentflow.drafts.word_numbering import roman

#: The most pixels one page may have: an A4 page at 400 dpi is 15.5 million.
MAX_PIXELS = 40_000_000
#: Pages are read at about this width in pixels (A4 at 300 dpi, where Tesseract reads best);
#: bigger scans are reduced.
READ_WIDTH = 2480
_SKEW_ANGLES = [a / 4 for a in range(-20, 21)]  # ±5°, in quarter degrees

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow then refuses bigger images itself, too


def _too_big(width: int, height: int) -> ValidationFailed:
    return ValidationFailed(_(
        "Ảnh quá lớn (%(width)s × %(height)s điểm ảnh). Hãy quét lại ở 200–300 dpi rồi tải lên.",
        width=width, height=height))


def image_pages(data: bytes, *, max_pages: int) -> list[Image.Image]:
    """The pages of a JPEG, PNG or (multi-page) TIFF, each checked for size, not yet decoded."""
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise ValidationFailed(_("Ảnh quá lớn. Hãy quét lại ở 200–300 dpi rồi tải lên.")) \
            from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationFailed(_("Tệp ảnh bị hỏng, không đọc được.")) from None
    count = getattr(image, "n_frames", 1)
    if count > max_pages:
        raise ValidationFailed(_("Tệp có %(pages)s trang, vượt giới hạn %(limit)s trang.",
                                 pages=count, limit=max_pages))
    pages = []
    for index in range(count):
        image.seek(index)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _too_big(width, height)
        try:
            pages.append(image.copy())
        except (OSError, ValueError, Image.DecompressionBombError):
            raise ValidationFailed(_("Tệp ảnh bị hỏng, không đọc được.")) from None
    return pages


def _sharpness(image: Image.Image, angle: float) -> float:
    turned = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
    rows = list(turned.resize((1, turned.height), Image.Resampling.BOX).get_flattened_data())
    return statistics.pvariance(rows)


def skew_angle(image: Image.Image) -> float:
    """The small rotation that best straightens the text lines (projection profile)."""
    small = ImageOps.grayscale(image)
    small.thumbnail((800, 800))
    ink = ImageOps.invert(ImageOps.autocontrast(small)).point(lambda v: 255 if v > 128 else 0)
    coarse = max(_SKEW_ANGLES[::2], key=lambda a: _sharpness(ink, a))
    fine = [coarse - 0.25, coarse, coarse + 0.25]
    return max(fine, key=lambda a: _sharpness(ink, a))


def prepare(image: Image.Image) -> Image.Image:
    """Grey, at reading size, despeckled, straightened."""
    page = ImageOps.grayscale(ImageOps.exif_transpose(image) or image)
    page = page.filter(ImageFilter.MedianFilter(3))  # specks of dust and toner
    if page.width > READ_WIDTH * 1.3:
        page = page.resize((READ_WIDTH, round(page.height * READ_WIDTH / page.width)),
                           Image.Resampling.LANCZOS)
    angle = skew_angle(page)
    if abs(angle) >= 0.25:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return page


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _tesseract(source: Path, languages: str, number: int, seconds: float, work: str) -> str:
    try:
        out = run(["tesseract", str(source), "stdout", "-l", languages, "--psm", "3", "tsv"],
                  cwd=work, limits=Limits(seconds=seconds, memory_mb=1536))
    except ProgramMissing:
        raise ValidationFailed(_(
            "Máy chủ chưa cài bộ nhận dạng chữ (Tesseract, tiếng Việt); hãy báo quản trị "
            "hệ thống.")) from None
    except ProgramFailed as error:
        if error.timed_out:
            raise ValidationFailed(_("Nhận dạng trang %(page)s quá lâu nên đã dừng.",
                                     page=number)) from None
        raise ValidationFailed(_("Không nhận dạng được trang %(page)s.", page=number)) from None
    return out.decode("utf-8", "replace")


def ocr_lines(page: Image.Image, number: int, *, seconds: float) -> list[Line]:
    """Tesseract's lines of one prepared page, with their boxes in pixels.

    The Vietnamese model reads the words; it misreads bold numbers ("1." as "Ẳ„", "III." as
    "II."), which the English model reads well, so a second, English pass supplies the
    number at the start of each line.
    """
    with tempfile.TemporaryDirectory(prefix="commentflow-ocr-") as work:
        source = Path(work) / "page.png"
        page.save(source, format="PNG")
        words = _tsv_lines(_tesseract(source, "vie", number, seconds, work), number, page.height)
        numbers = _tsv_lines(_tesseract(source, "eng", number, seconds, work), number,
                             page.height)
    for line in words:
        _take_number(line, numbers)
        line.text = fix_roman(line.text)
    return words


_LEADING_NUMBER = re.compile(r"^((?:[IVX]{1,4}|\d{1,3}(?:\.\d{1,2})*)[.)])\s")


def _take_number(line: Line, others: list[Line]) -> None:
    """Put the other pass's leading number on this line when it reads one there."""
    head, _, rest = line.text.partition(" ")
    if not rest or len(head) > 6:
        return
    for other in others:
        overlap = min(line.y1, other.y1) - max(line.y0, other.y0)
        if overlap < 0.5 * line.height or abs(other.x0 - line.x0) > line.height:
            continue
        found = _LEADING_NUMBER.match(fix_roman(other.text))
        if found and found.group(1) != head:
            line.text = f"{found.group(1)} {rest}"
        return


_NOISE = re.compile(r"^[_|¦~—=]+$")
_DOTS = re.compile(r"^(\d{1,3}(?:\.\d{1,2})*)\.{2,}")
_ROMAN_MISREAD = re.compile(r"^([IVXl1|]{1,4})[.,:]\s+(?=\S)")


def fix_roman(text: str) -> str:
    """ "Il. MỤC TIÊU", "1. NHIỆM VỤ" → "II. …", "I. …": a capitals heading after a short
    run of I-like strokes is a Roman heading that OCR read with l, 1 or |."""
    match = _ROMAN_MISREAD.match(text)
    rest = text[match.end():] if match else ""
    words = rest.split()[:3]
    if not match or not words or not all(w.isupper() for w in words if any(c.isalpha()
                                                                           for c in w)):
        return text
    number = re.sub(r"[l1|]", "I", match.group(1))
    return f"{number}. {rest}"


def _tsv_lines(tsv: str, number: int, height: int) -> list[Line]:
    lines: dict[tuple, Line] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip() \
                or _NOISE.match(cells[11].strip()):
            continue
        key = (cells[2], cells[3], cells[4])
        left, top, width, tall = (int(cells[i]) for i in (6, 7, 8, 9))
        line = lines.get(key)
        if line is None:
            lines[key] = Line(number, left, top, left + width, top + tall, cells[11],
                              page_height=height)
        else:
            line.text += " " + cells[11]
            line.x0, line.y0 = min(line.x0, left), min(line.y0, top)
            line.x1, line.y1 = max(line.x1, left + width), max(line.y1, top + tall)
    for line in lines.values():
        line.text = _DOTS.sub(r"\1.", line.text)
    return list(lines.values())


_ROMAN_HEADING = re.compile(r"^([IVX]{1,5})\. (?=\S)")


def repair_roman_sequence(lines: list[Line]) -> None:
    """OCR drops strokes of bold Roman numerals ("III." read "II."): a capitals heading made of
    I strokes only, not above the Roman heading before it, is taken for the next one."""
    last = 0
    for line in lines:
        match = _ROMAN_HEADING.match(line.text)
        rest = line.text[match.end():] if match else ""
        if not match or not rest.split()[0].isupper():
            continue
        value = _roman_value(match.group(1))
        if value <= last and set(match.group(1)) == {"I"}:
            value = last + 1
            line.text = f"{roman(value)}. {rest}"
        last = value


def _roman_value(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for here, after in zip(numeral, numeral[1:] + " ", strict=True):
        total += -values[here] if values.get(after, 0) > values[here] else values[here]
    return total


def read_pages(pages: list[Image.Image], *, seconds_per_page: float,
               progress: Callable[[int, int], None] | None = None,
               ) -> tuple[list[Line], list[bytes]]:
    """OCR every page (two at a time); the lines, and each prepared page as PNG for review."""
    prepared = [prepare(page) for page in pages]
    results: list[list[Line]] = [[] for _ in prepared]
    done = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {pool.submit(ocr_lines, page, index + 1, seconds=seconds_per_page): index
                   for index, page in enumerate(prepared)}
        for future, index in futures.items():
            results[index] = future.result()
            done += 1
            if progress:
                progress(done, len(prepared))
    lines = [line for page in results for line in page]
    repair_roman_sequence(lines)
    return lines, [png(page) for page in prepared]
