"""Lines placed on pages (from a PDF's text layer or from OCR) joined back into paragraphs.

Pure geometry, no I/O. Running headers, footers and page numbers are dropped; a line that
stops well short of the right margin ends its paragraph, as does a clear vertical gap or a
line that starts a number or a bullet; the rest (lines the page wrapped) are joined again.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from commentflow.drafts.parsing import Block, clean_line, recognise

_PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?(?:Trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–—])?$",
                          re.IGNORECASE)
_NEW_ITEM = re.compile(r"^(?:[-+•–]\s|Điều\s+\d|Chương\s|CHƯƠNG\s|Mục\s+\d|MỤC\s+\d|PHẦN\s|"
                       r"Phần\s|PHỤ LỤC|Phụ lục|Căn cứ|Nơi nhận)")


@dataclass
class Line:
    page: int  #: 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    page_height: float = 0.0

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)


def _repeated_margins(lines: list[Line], pages: int) -> set[str]:
    """Texts that sit at a page's top or bottom on at least half the pages: running heads."""
    if pages < 3:
        return set()
    seen: Counter = Counter()
    for line in lines:
        if line.page_height and (line.y0 < line.page_height * 0.1
                                 or line.y1 > line.page_height * 0.9):
            seen[(re.sub(r"\d+", "#", line.text.strip()), line.page)] += 1
    per_text = Counter(text for text, _page in seen)
    return {text for text, count in per_text.items() if count >= max(3, pages // 2)}


_NUMBER_ONLY = re.compile(r"^(?:[IVXLC]+\.|\d{1,3}(?:\.\d{1,3})*\.?|[a-zđ]\d?\)|"
                          r"Điều\s+\d+[a-zđ]?\.?|[-+•–])$")


def in_rows(lines: list[Line]) -> list[Line]:
    """Lines in reading order, page by page, top to bottom, left to right; a number set apart
    from its text by a tab ("I." … "MỤC ĐÍCH") becomes one line with it again."""
    ordered: list[Line] = []
    for page in sorted({line.page for line in lines}):
        rows: list[list[Line]] = []
        for line in sorted((x for x in lines if x.page == page), key=lambda x: (x.y0, x.x0)):
            row = rows[-1] if rows else None
            middle = (line.y0 + line.y1) / 2
            if row and row[0].y0 <= middle <= row[0].y1:
                row.append(line)
            else:
                rows.append([line])
        for row in rows:
            row.sort(key=lambda x: x.x0)
            merged = [row[0]]
            for line in row[1:]:
                last = merged[-1]
                if _NUMBER_ONLY.match(last.text.strip()):
                    merged[-1] = Line(page, last.x0, min(last.y0, line.y0), line.x1,
                                      max(last.y1, line.y1), f"{last.text.strip()} {line.text}",
                                      last.page_height)
                else:
                    merged.append(line)
            ordered.extend(merged)
    return ordered


def _body(lines: list[Line]) -> list[Line]:
    pages = max((line.page for line in lines), default=0)
    running = _repeated_margins(lines, pages)
    kept = []
    for line in lines:
        text = line.text.strip()
        in_margin = line.page_height and (line.y0 < line.page_height * 0.1
                                          or line.y1 > line.page_height * 0.9)
        if not text or (in_margin and (_PAGE_NUMBER.match(text)
                                       or re.sub(r"\d+", "#", text) in running)):
            continue
        kept.append(line)
    return kept


def _starts_paragraph(line: Line, previous: Line, left: float, right: float,
                      em: float) -> bool:
    text = clean_line(line.text)
    if previous.x1 < right - 4 * em:  # the line above stopped short: its paragraph ended
        return True
    if line.page == previous.page and line.y0 - previous.y1 > 1.1 * line.height:
        return True
    if line.x0 > left + 1.5 * em and abs(line.x0 - previous.x0) > em:  # first-line indent
        return True
    return bool(_NEW_ITEM.match(text) or recognise(text))


def paragraphs(lines: list[Line]) -> list[Block]:
    """Join wrapped lines back into paragraph blocks, in reading order."""
    body = _body(in_rows(lines))
    if not body:
        return []
    em = sorted(line.height for line in body)[len(body) // 2] * 0.5
    left = Counter(round(line.x0) for line in body).most_common(1)[0][0]
    widths = sorted(line.x1 for line in body)
    right = widths[int(len(widths) * 0.9)]
    blocks: list[Block] = []
    previous = None
    for line in body:
        text = line.text.strip()
        if previous is None or _starts_paragraph(line, previous, left, right, em):
            blocks.append(Block(text=text, page=line.page))
        else:
            blocks[-1].text += " " + text
        previous = line
    return blocks
