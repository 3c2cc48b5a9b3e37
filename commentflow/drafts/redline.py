"""A redline .docx: the new version of a draft with real Word tracked changes against the old.

Word's "Accept All" on it gives the new version's text and "Reject All" the old one's:
sections in the order of both versions (difflib over the aligned pairs), a moved section as a
tracked move (moveFrom where it stood, moveTo where it stands), a section split, merged,
added or removed as deleted and inserted paragraphs, and within a section the changed
paragraphs word by word (w:del / w:ins runs, a deleted or inserted paragraph mark for a
paragraph that goes or comes).
"""
from __future__ import annotations

import difflib
import io
import re
from datetime import datetime

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from commentflow.drafts.alignment import MERGED, MOVED, SPLIT, Pair
from commentflow.drafts.parsing import Section

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")  # words, spaces and each punctuation mark


def section_lines(section: Section) -> list[str]:
    """A section as its paragraphs read: number and title, then the text ("a) Triển khai …"
    when the number heads a paragraph of text, as the draft writes it)."""
    lines = [line for line in section.text.split("\n") if line]
    if section.title or not lines:
        heading = " ".join(part for part in (section.number, section.title) if part)
        return ([heading] if heading else []) + lines
    return [" ".join(part for part in (section.number, lines[0]) if part)] + lines[1:]


class _Writer:
    def __init__(self, author: str, when: datetime):
        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name, style.font.size = "Times New Roman", Pt(13)
        self.author, self.date = author, when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1
        self.body = self.document.element.body

    def _mark(self, tag: str):
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element

    def _run(self, text: str, deleted: bool = False):
        run = OxmlElement("w:r")
        t = OxmlElement("w:delText" if deleted else "w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        run.append(t)
        return run

    def paragraph(self, pieces: list[tuple[str, str]], *, mark: str = ""):
        """pieces: (kind, text) with kind "", "ins", "del", "moveFrom", "moveTo"; mark: how
        the paragraph mark itself changed ("" kept, "ins", "del", "moveFrom", "moveTo")."""
        p = OxmlElement("w:p")
        if mark:
            ppr, rpr = OxmlElement("w:pPr"), OxmlElement("w:rPr")
            rpr.append(self._mark(f"w:{mark}"))
            ppr.append(rpr)
            p.append(ppr)
        for kind, text in pieces:
            if not text:
                continue
            if not kind:
                p.append(self._run(text))
                continue
            wrapper = self._mark(f"w:{kind}")
            wrapper.append(self._run(text, deleted=kind in ("del", "moveFrom")))
            p.append(wrapper)
        self.body.insert(len(self.body) - 1, p)  # before the section properties

    def whole(self, lines: list[str], kind: str) -> None:
        for line in lines:
            self.paragraph([(kind, line)], mark=kind)

    def edited(self, old_lines: list[str], new_lines: list[str]) -> None:
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                for line in new_lines[b1:b2]:
                    self.paragraph([("", line)])
            elif op == "replace" and a2 - a1 == b2 - b1:
                for old, new in zip(old_lines[a1:a2], new_lines[b1:b2], strict=True):
                    self.paragraph(word_diff(old, new))
            else:
                self.whole(old_lines[a1:a2], "del")
                self.whole(new_lines[b1:b2], "ins")

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """("", text), ("del", text), ("ins", text) pieces turning old into new, word by word."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("", "".join(b[b1:b2])))
            continue
        if a2 > a1:
            pieces.append(("del", "".join(a[a1:a2])))
        if b2 > b1:
            pieces.append(("ins", "".join(b[b1:b2])))
    return pieces


def redline(pairs: list[Pair], *, title: str, author: str, when: datetime) -> bytes:
    """The .docx of the new version marked against the old (pairs from alignment.align)."""
    writer = _Writer(author, when)
    writer.paragraph([("", title)])
    one_to_one = [p for p in pairs if p.old is not None and p.new is not None
                  and p.change not in (SPLIT, MERGED)]
    token = {id(p): f"p{i}" for i, p in enumerate(one_to_one)}
    old_seq, new_seq, seen = [], [], set()
    for p in sorted((p for p in pairs if p.old is not None), key=lambda p: p.old_at):
        if ("old", p.old_at) not in seen:  # a split's whole is one section of the old side
            seen.add(("old", p.old_at))
            old_seq.append((token.get(id(p)) or f"old-{p.old_at}", p))
    for p in sorted((p for p in pairs if p.new is not None), key=lambda p: p.new_at):
        if ("new", p.new_at) not in seen:
            seen.add(("new", p.new_at))
            new_seq.append((token.get(id(p)) or f"new-{p.new_at}", p))
    moved = {token[id(p)] for p in one_to_one if p.change == MOVED}
    # a moved section is an insertion and a deletion to difflib, then written as a move
    a_keys = [key if key not in moved else f"from-{key}" for key, _ in old_seq]
    b_keys = [key if key not in moved else f"to-{key}" for key, _ in new_seq]
    matcher = difflib.SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for (_, p) in new_seq[b1:b2]:
                writer.edited(section_lines(p.old), section_lines(p.new))
            continue
        for key, p in old_seq[a1:a2]:
            writer.whole(section_lines(p.old), "moveFrom" if key in moved else "del")
        for key, p in new_seq[b1:b2]:
            writer.whole(section_lines(p.new), "moveTo" if key in moved else "ins")
    writer.paragraph([])  # Word's last paragraph mark, never tracked
    return writer.save()
