"""Pure splitting of a draft's blocks into the section tree Vietnamese numbering implies.

Input: Block objects (paragraphs and tables, already read from .docx/.txt/.md).
Output: a list of top-level Section nodes. No Flask, no database.

Numbering understood (shared/DOMAIN.md §4): legal documents — Phần, Chương, Mục, Điều,
khoản "1.", điểm "a)"; plans — "I." (Roman), "1.", "2.1.", "a)"; "-"/"+" bullets and plain
paragraphs stay in their section. Numbers are kept as written, never renumbered.
A draft whose headings carry no number at all, only Word heading styles (Block.heading),
is split by those levels; its sections are keyed by position ("1", "1.2").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# ---------------------------------------------------------------- blocks and sections


@dataclass
class Block:
    """A paragraph (text) or a table (rows of cell texts) in reading order."""

    text: str = ""
    rows: list[list[str]] | None = None
    heading: int | None = None  #: outline level of a Word heading style (1 = Heading 1)
    page: int | None = None  #: the page it starts on, when read from page images

    @property
    def is_table(self) -> bool:
        return self.rows is not None


@dataclass
class Section:
    key: str
    number: str  #: as written: "III.", "2.1.", "a)", "Điều 5.", "PHỤ LỤC", "2"
    title: str
    text: str
    kind: str
    commentable: bool = True
    fields: dict = field(default_factory=dict)  #: annex rows: the table's cells by meaning
    children: list[Section] = field(default_factory=list)
    level: int = 1
    rank: int = 0  #: nesting rank used while parsing (smaller = outer)
    page: int | None = None  #: for a draft read from page images: the page it starts on

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def as_dict(self) -> dict:
        return {"key": self.key, "number": self.number, "title": self.title,
                "level": self.level, "children": [c.as_dict() for c in self.children]}


def walk(sections: list[Section]):
    for section in sections:
        yield from section.walk()


# ---------------------------------------------------------------- cleaning lines

_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{2,3})(?=\S)|(?<=\S)(\*{1,3}|_{2,3})(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([-*_#.()\[\]])")
_MD_RULE = re.compile(r"^\s*([-*_=]\s*){3,}$")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u3000]+")
_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def clean_line(line: str) -> str:
    """One line as a person reads it: NFC, Đ not Ð, no Markdown marks or stray HTML tags."""
    line = unicodedata.normalize("NFC", line).translate(_ETH)
    line = line.replace("\u200b", "").replace("\ufeff", "")
    if _MD_RULE.match(line):
        return ""
    line = _MD_HEADING.sub("", line)
    line = _MD_ESCAPE.sub(r"\1", line)  # "\-", "\." … escaped by Markdown converters
    line = _HTML_TAG.sub(" ", line)
    line = _MD_EMPHASIS.sub("", line)
    return _SPACES.sub(" ", line).strip()


# ---------------------------------------------------------------- recognising numbers

ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
LETTERS = "abcdđeghiklmnopqrstuvxy"

PATTERNS = [  # (kind, rank, regex) — tried in order
    ("part", 1, re.compile(r"^(PHẦN|Phần)\s+(THỨ\s+[A-ZĐÂĂÊÔƠƯ]+|[IVXLC]+|\d+)\b\.?:?\s*(.*)$")),
    ("chapter", 2, re.compile(r"^(CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\b\.?:?\s*(.*)$")),
    ("legal_section", 3, re.compile(r"^(MỤC|Mục)\s+(\d+)\b\.?:?\s*(.*)$")),
    ("article", 4, re.compile(r"^(Điều)\s+(\d+[a-zđ]?\d*)\s*[.:]\s*(.*)$")),
    ("roman", 3, re.compile(rf"^()({ROMAN})\s*[.:]\s+(.*)$")),
    ("subitem", 6, re.compile(r"^()(\d{1,3}(?:\.\d{1,2})+)\.?\s+(.*)$")),
    ("item", 5, re.compile(r"^()(\d{1,3}[a-z]?)\s*[.)]\s+(.*)$")),
    ("point", 7, re.compile(r"^()([" + LETTERS + r"]\d?)\)\s*(.*)$")),
]
ANNEX = re.compile(r"^(PHỤ LỤC|Phụ lục)(\s+(?:[IVXLC]+|\d+|SỐ\s+\d+|số\s+\d+))?\b\.?:?\s*(.*)$")
FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]")
DOC_TYPES = ("KẾ HOẠCH", "QUYẾT ĐỊNH", "NGHỊ QUYẾT", "NGHỊ ĐỊNH", "THÔNG TƯ", "BÁO CÁO",
             "TỜ TRÌNH", "ĐỀ ÁN", "CHƯƠNG TRÌNH", "QUY CHẾ", "QUY ĐỊNH", "LUẬT", "CHỈ THỊ",
             "HƯỚNG DẪN", "PHƯƠNG ÁN", "DỰ ÁN", "CÔNG VĂN", "THÔNG BÁO", "ĐIỀU LỆ")
PREAMBLE_START = re.compile(r"^(Căn cứ|Thực hiện|Theo đề nghị|Xét|Trên cơ sở|Nhằm|Để)\b")
RECIPIENTS = re.compile(r"^Nơi nhận\s*:?$")
SIGNATURE = re.compile(r"^(KT|TM|TL|TUQ|Q|T/M|T/L)\s*\.?\s+(.+)$")
TERMINAL = ".;:!?…"


def is_closing_start(text: str) -> bool:
    """ "Nơi nhận:" or a signature authority line such as "KT. CHỦ TỊCH", "T/M BAN THƯỜNG VỤ"."""
    if RECIPIENTS.match(text):
        return True
    match = SIGNATURE.match(text)
    return bool(match) and _is_upper(match.group(2)) and len(text) < 80


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def recognise(text: str):
    """(kind, rank, number as written, rest) for a numbered line, else None."""
    for kind, rank, pattern in PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        word, number, rest = match.group(1), match.group(2), match.group(3)
        if kind == "roman" and (not number or not _looks_like_heading(rest)):
            continue
        written = text[: len(text) - len(rest)].rstrip() if rest else text.rstrip()
        return kind, rank, written, (word, number), rest
    return None


def _looks_like_heading(rest: str) -> bool:
    # "I. MỤC ĐÍCH" yes; "I. e. the …" no: a Roman heading's title starts with a capital.
    return bool(rest) and (rest[0].isupper() or rest[0].isdigit())


def _is_heading_text(rest: str) -> bool:
    """A numbered line is a heading (its words are a title) unless it is a full sentence."""
    return bool(rest) and len(rest) <= 250 and rest[-1] not in ".;!?…"


def starts_lowercase(text: str) -> bool:
    """A line that continues the sentence above: lower-case start, and not a point "a)"."""
    return bool(text) and text[0].islower() and not re.match(r"^[" + LETTERS + r"]\d?\)", text)


# ---------------------------------------------------------------- the parser


class _Builder:
    def __init__(self):
        self.top: list[Section] = []
        self.stack: list[Section] = []
        self.current: Section | None = None

    def add(self, section: Section, parent: Section | None) -> Section:
        (parent.children if parent else self.top).append(section)
        section.level = parent.level + 1 if parent else 1
        self.current = section
        return section

    def append_text(self, text: str) -> None:
        if self.current is None:
            self.add(Section("", "", "", "", "preamble"), None)
        current = self.current
        current.text = f"{current.text}\n{text}" if current.text else text


def _open_heading(builder: _Builder, found) -> None:
    kind, rank, written, (word, number), rest = found
    while builder.stack and builder.stack[-1].rank >= rank:
        builder.stack.pop()
    parent = builder.stack[-1] if builder.stack else None
    if kind == "item" and parent is not None and parent.kind == "article":
        kind = "clause"
    heading = _is_heading_text(rest)
    section = Section("", written, rest if heading else "",
                      "" if heading else rest, kind, rank=rank)
    builder.add(section, parent)
    builder.stack.append(section)


class HeadingLine(str):
    """A paragraph in a Word heading style, with its outline level."""

    level: int = 1


def _heading_line(text: str, level: int) -> HeadingLine:
    line = HeadingLine(text)
    line.level = level
    return line


def _by_heading_styles(items: list) -> bool:
    """Split by heading styles only when no heading carries a number, typed or automatic."""
    headings = [item for item in items if isinstance(item, HeadingLine)
                and item not in DOC_TYPES and not is_closing_start(item)
                and not ANNEX.match(item)]
    return bool(headings) and not any(recognise(item) for item in headings)


def parse_blocks(blocks: list[Block]) -> list[Section]:
    """Split the blocks into the section tree (top-level sections returned)."""
    items = _paragraphs_and_tables(blocks)
    builder = _Builder()
    state = _start_state(items)
    state["by_headings"] = _by_heading_styles(items)
    index = 0
    while index < len(items):
        item = items[index]
        index += 1
        if isinstance(item, list):
            if state["phase"] in ("header", "title") or not _table(builder, item):
                for cell in (cell for row in item for cell in row if cell):
                    state = _paragraph(builder, cell, state)
            continue
        state = _paragraph(builder, item, state)
    assign_keys(builder.top)
    return builder.top


_CONTENTS_ENTRY = re.compile(r"^.{2,}?\s*[.…·_]{4,}\s*\d{1,4}$")
_CONTENTS_TITLE = re.compile(r"^(MỤC LỤC|Mục lục)\s*:?$")


def _paragraphs_and_tables(blocks: list[Block]) -> list:
    """Clean lines, join lines a page break cut in two; tables stay lists of rows."""
    items: list = []
    for block in blocks:
        if block.is_table:
            rows = [[clean_line(cell.replace("\n", " ")) for cell in row] for row in block.rows]
            rows = [row for row in rows if any(row)]
            if rows:
                items.append(rows)
            continue
        if block.heading:
            line = clean_line(block.text.replace("\n", " "))
            previous = items[-1] if items and isinstance(items[-1], HeadingLine) else None
            if previous is not None and previous.level == block.heading \
                    and starts_lowercase(line) and previous[-1] not in TERMINAL:
                items[-1] = _heading_line(f"{previous} {line}", block.heading)  # one title
            elif line:
                items.append(_heading_line(line, block.heading))
            continue
        for raw in block.text.split("\n"):
            line = clean_line(raw)
            if not line or _CONTENTS_ENTRY.match(line) or _CONTENTS_TITLE.match(line):
                continue  # a table of contents ("MỤC LỤC", "I. MỤC ĐÍCH ........ 3")
            previous = items[-1] if items and isinstance(items[-1], str) else None
            if previous and starts_lowercase(line) and previous[-1] not in TERMINAL \
                    and not _is_upper(previous) and not is_closing_start(previous):
                joined = f"{previous} {line}"
                items[-1] = _heading_line(joined, previous.level) \
                    if isinstance(previous, HeadingLine) else joined
            else:
                items.append(line)
    return items


def _doc_type_index(items: list) -> int | None:
    for index, item in enumerate(items[:40]):
        if isinstance(item, str) and item in DOC_TYPES:
            return index
    return None


def _start_state(items: list) -> dict:
    return {"phase": "header" if _doc_type_index(items) is not None else "body",
            "title_at": _doc_type_index(items)}


def _paragraph(builder: _Builder, text: str, state: dict) -> dict:
    phase = state["phase"]
    if phase == "header":
        return _header_line(builder, text, state)
    if phase == "title":
        title = builder.current
        first_line = title.title in DOC_TYPES
        if not first_line and (PREAMBLE_START.match(text) or recognise(text)
                               or ANNEX.match(text) or title.title[-1] in TERMINAL
                               or len(text) > 200 or _styled_heading(text, state)):
            state["phase"] = "body"
            builder.current = None  # the text that follows opens the preamble
            return _paragraph(builder, text, state)
        title.title = f"{title.title} {text}"
        return state
    annex = ANNEX.match(text)
    if annex and (_is_upper(text[:7]) or len(text) < 40):
        _open_annex(builder, annex)
        state["phase"] = "heading-title"
        return state
    if phase == "heading-title":
        if _is_upper(text) and not recognise(text):
            current = builder.current
            current.title = f"{current.title} {text}".strip()
            return state
        state["phase"] = "body"
    if phase != "closing" and is_closing_start(text):
        builder.stack = []
        builder.add(Section("", "", "", text, "closing",
                            commentable=False), None)
        state["phase"] = "closing"
        return state
    if phase == "closing":
        builder.append_text(text)
        return state
    if _styled_heading(text, state):
        _open_styled_heading(builder, text)
        return state
    found = None if FOOTNOTE.match(text) else recognise(text)
    if found:
        _open_heading(builder, found)
        if found[0] in ("part", "chapter", "legal_section") and not found[4]:
            state["phase"] = "heading-title"  # "Chương I" over "QUY ĐỊNH CHUNG"
    else:
        builder.append_text(text)
    return state


def _styled_heading(text: str, state: dict) -> bool:
    return state["by_headings"] and isinstance(text, HeadingLine)


def _open_styled_heading(builder: _Builder, text: HeadingLine) -> None:
    while builder.stack and builder.stack[-1].rank >= text.level:
        builder.stack.pop()
    parent = builder.stack[-1] if builder.stack else None
    section = Section("", "", str(text), "", "heading", rank=text.level)
    builder.add(section, parent)
    builder.stack.append(section)


def _header_line(builder: _Builder, text: str, state: dict) -> dict:
    if text in DOC_TYPES:
        builder.add(Section("", "", text, "", "title"), None)
        state["phase"] = "title"
        return state
    if builder.current is None or builder.current.kind != "header":
        builder.add(Section("", "", "", text, "header", commentable=False), None)
    else:
        builder.append_text(text)
    return state


def _open_annex(builder: _Builder, match) -> None:
    number = (match.group(2) or "").strip()
    written = (match.group(1) + (" " + number if number else "")).strip()
    rest = match.group(3).strip()
    builder.stack = []
    section = Section("", written, rest, "", "annex", rank=1)
    builder.add(section, None)
    builder.stack.append(section)


# ---------------------------------------------------------------- tables

COLUMN_WORDS = [("number", ("stt", "tt", "so tt")), ("content", ("noi dung", "nhiem vu")),
                ("lead", ("chu tri",)), ("coordinating", ("phoi hop",)),
                ("due", ("thoi gian", "thoi han", "tien do", "hoan thanh")),
                ("product", ("san pham", "ket qua")), ("note", ("ghi chu",))]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f").replace("đ", "d")


def table_columns(header: list[str]) -> dict[str, int] | None:
    """Which column holds what, from the header row of an annex table; None if not one."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        folded = _fold(cell).strip(" .:")
        for name, words in COLUMN_WORDS:
            if name not in columns and any(folded == w or (len(w) > 3 and w in folded)
                                           for w in words):
                columns[name] = index
                break
    return columns if "number" in columns and "content" in columns else None


ROW_NUMBER = re.compile(rf"^(?:({ROMAN})|(\d{{1,3}}(?:\.\d{{1,3}})*)|([{LETTERS}]\d?))[.)]?$")


def _table(builder: _Builder, rows: list[list[str]]) -> bool:
    """Turn an annex task table into sections; False if this is not one (caller reads it)."""
    columns = table_columns(rows[0])
    annex = next((s for s in reversed(builder.stack) if s.kind == "annex"), None)
    if columns is None or annex is None:
        return False
    parents, last_row = {"annex": annex}, None
    for row in rows[1:]:
        cells = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
        match = ROW_NUMBER.match(cells["number"].strip())
        if not cells["number"].strip() or not match:
            if last_row is None:
                builder.current = annex
                builder.append_text(" | ".join(c for c in row if c))
            else:
                _merge_row(last_row, cells, columns)
            continue
        last_row = _annex_row(builder, parents, match, cells, columns)
    builder.stack = [annex]
    builder.current = annex
    return True


def _annex_row(builder, parents, match, cells, columns) -> Section:
    roman, digits, letter = match.groups()
    if roman:
        parent, slot = parents["annex"], "roman"
    elif digits:
        parent, slot = parents.get("roman") or parents["annex"], "number"
    else:
        parent, slot = parents.get("number") or parents.get("roman") or parents["annex"], \
            "letter"
    number = cells["number"].strip()
    fields = {name: cells[name] for name in columns if name not in ("number",)}
    section = Section("", number, "", fields.pop("content", ""), "annex_row", fields=fields)
    builder.add(section, parent)
    parents[slot] = section
    if slot == "roman":
        parents.pop("number", None)
    return section


def _join(existing: str, addition: str) -> str:
    if not addition or addition == existing:
        return existing
    if not existing:
        return addition
    # A sentence cut by a page break goes on with a space; a new sentence or item, a line.
    new_item = existing[-1] in TERMINAL or (addition[0].isupper() and existing[-1] != ",")
    return existing + ("\n" if new_item else " ") + addition


def _merge_row(section: Section, cells: dict, columns: dict) -> None:
    """A row with no number continues the row above (a page break cut it, or it adds)."""
    for name in columns:
        if name == "number":
            continue
        value = cells.get(name, "")
        if name == "content":
            section.text = _join(section.text, value)
        else:
            section.fields[name] = _join(section.fields.get(name, ""), value)


# ---------------------------------------------------------------- keys and levels

UNNUMBERED_KEYS = {"header": "header", "title": "title", "preamble": "preamble",
                   "closing": "closing"}
_OWN_ROOT = ("part", "chapter", "article", "roman", "annex")


def key_part(section: Section, parent: Section | None) -> str:
    """This section's own piece of its key, from its number as written."""
    if section.kind in UNNUMBERED_KEYS:
        return UNNUMBERED_KEYS[section.kind]
    number = section.number.strip()
    if section.kind == "annex":
        digits = re.sub(r"^(PHỤ LỤC|Phụ lục)\s*(SỐ|số)?\s*", "", number)
        return "PL" + digits
    bare = re.sub(r"^(Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều)\s+", "", number).rstrip(".):")
    bare = bare.replace(" ", "")
    prefix = {"part": "P", "chapter": "C", "legal_section": "M", "article": "D"}
    if section.kind in prefix:
        return prefix[section.kind] + bare
    if section.kind == "subitem" and parent is not None and parent.kind == "item":
        own = parent.number.rstrip(".)").strip() + "."
        if bare.startswith(own):
            return bare[len(own):]
    return bare or "p"


def assign_keys(top: list[Section]) -> None:
    """Give every section its stable key and level; a repeated key gets "~2", "~3" …"""
    used: dict[str, int] = {}

    def visit(sections: list[Section], parent: Section | None, level: int) -> None:
        headings = 0
        for section in sections:
            if section.kind == "heading":  # no number: its place among its siblings
                headings += 1
                part = str(headings)
            else:
                part = key_part(section, parent)
            standalone = section.kind in UNNUMBERED_KEYS or (
                section.kind in _OWN_ROOT and (parent is None or parent.kind != "annex"))
            wanted = part if parent is None or standalone else f"{parent.key}.{part}"
            count = used.get(wanted, 0) + 1
            used[wanted] = count
            section.key = wanted if count == 1 else f"{wanted}~{count}"
            section.level = level
            visit(section.children, section, level + 1)

    visit(top, None, 1)


def tree_from_levels(flat: list[Section]) -> list[Section]:
    """Rebuild parent/child links from document order and levels (after a manual edit)."""
    top: list[Section] = []
    stack: list[Section] = []
    for section in flat:
        section.children = []
        while stack and stack[-1].level >= section.level:
            stack.pop()
        if stack:
            stack[-1].children.append(section)
            section.level = stack[-1].level + 1
        else:
            top.append(section)
            section.level = 1
        stack.append(section)
    return top


# ---------------------------------------------------------------- citations

_CITE_WORDS = {"item": "khoản", "clause": "khoản", "subitem": "điểm", "point": "điểm",
               "roman": "Mục", "legal_section": "Mục", "article": "Điều", "chapter": "Chương",
               "part": "Phần"}


def citation(path: list[Section]) -> str:
    """Vietnamese citation, small unit first: "điểm a khoản 2 Mục III", "Phụ lục, STT 2, điểm b"."""
    if path and path[0].kind == "annex":
        parts = [path[0].number.capitalize() if path[0].number.isupper() else path[0].number]
        for node in path[1:]:
            word = "điểm" if node.number[:1].isalpha() and node.number[:1].islower() else "STT"
            parts.append(f"{word} {node.number.rstrip('.)')}")
        return ", ".join(parts)
    words = []
    for node in reversed(path):
        if node.kind == "heading":  # its key is the whole position: "mục 2.3", once
            if not any(w.startswith("mục ") for w in words):
                words.append(f"mục {node.key}")
        elif node.kind in _CITE_WORDS:
            number = re.sub(r"^(Điều|Chương|Mục|Phần|CHƯƠNG|MỤC|PHẦN)\s+", "", node.number)
            words.append(f"{_CITE_WORDS[node.kind]} {number.rstrip('.):')}")
        elif node.kind == "preamble":
            words.append("phần mở đầu")
        elif node.kind == "title":
            words.append("tên văn bản")
    return " ".join(words)
