"""Finding a draft's section from what a reply says: a Vietnamese citation or quoted text.

"tiết 2.2 điểm 2 Mục II", "khoản 2 Điều 3", "Điều 5a", "mục 2.3", "Phụ lục, STT 2, điểm b"
are read from the small unit up (DOMAIN.md §4) and resolved from the large one down, each
number compared as written ("III." is "III", "a)" is "a"). A paragraph copied from the draft
(in a reply file with margin comments or tracked changes) is found by its words. Pure: no
Flask, no database; works on parsing.Section trees, from a file or from stored rows.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from commentflow.drafts.parsing import Section, walk

#: What each citation word may name, by section kind (plans say "điểm 2 Mục II" for item 2).
WORD_KINDS = {
    "phần": {"part"},
    "chương": {"chapter"},
    "mục": {"roman", "legal_section", "item", "subitem", "heading"},
    "điều": {"article"},
    "khoản": {"clause", "item"},
    "điểm": {"point", "item", "subitem", "annex_row"},
    "tiết": {"subitem", "point"},
    "dòng": {"annex_row"},
    "stt": {"annex_row"},
    "số thứ tự": {"annex_row"},
    "phụ lục": {"annex"},
}
#: How large a unit each word names: a citation is resolved from the largest down, whichever
#: way it is written ("điểm b khoản 1 Mục II", but "Phụ lục, STT 2, điểm b").
RANK = {"phụ lục": 0, "phần": 1, "chương": 2, "mục": 3, "điều": 4, "khoản": 5, "dòng": 5,
        "stt": 5, "số thứ tự": 5, "điểm": 6, "tiết": 7}
_WORDS = r"tiết|điểm|khoản|mục|điều|chương|phần|dòng|stt|số thứ tự"
_NUMBER = r"(?:[IVXLC]+|\d{1,3}[a-zđ]?\d?(?:\.\d{1,3})*|[a-zđ]\d?)"
REFERENCE = re.compile(rf"(?<!\w)(?:(?P<word>{_WORDS})\s+(?P<number>{_NUMBER})(?![\w.]\w)\.?"
                       rf"|(?P<annex>phụ lục)(?:\s+(?P<annex_number>[IVXLC]+|\d+)\b)?)",
                       re.IGNORECASE)
_CONNECTOR = re.compile(r"^[\s,;]*(?:(?:của|thuộc|trong|tại)\s+)?[\s,]*$", re.IGNORECASE)


@dataclass
class Citation:
    """A citation found in a text: its parts small unit first, and where it ends."""

    parts: list[tuple[str, str]]  #: (word, number as written), e.g. [("tiết", "2.2"), …]
    start: int
    end: int


def find_citation(text: str) -> Citation | None:
    """The first run of citation parts in the text ("tiết 2.2 điểm 2 Mục II")."""
    parts, start, end = [], None, None
    for match in REFERENCE.finditer(text):
        if end is not None and not _CONNECTOR.match(text[end:match.start()]):
            break
        if match.group("annex"):
            word, number = "phụ lục", match.group("annex_number") or ""
        else:
            word, number = match.group("word").lower(), match.group("number")
        parts.append((word, number))
        start = match.start() if start is None else start
        end = match.end()
    return Citation(parts, start, end) if parts else None


def bare(number: str) -> str:
    """A section number as compared: "Điều 5a." → "5a", "III." → "iii", "a)" → "a"."""
    number = re.sub(r"^(?:phần|chương|mục|điều|phụ lục(?:\s+số)?)\s*", "", number.strip(),
                    flags=re.IGNORECASE)
    return number.rstrip(".):").strip().lower()


def fold(text: str) -> str:
    """Text compared by its words: lower case, no marks, no punctuation, single spaces."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


class DraftIndex:
    """A draft version's sections, to find one by citation or by words."""

    def __init__(self, top: list[Section]):
        self.sections = list(walk(top))
        self.parent: dict[int, Section] = {}
        for section in self.sections:
            for child in section.children:
                self.parent[id(child)] = section
        self._texts = [(section, fold(" ".join((section.number, section.title, section.text,
                                                " ".join((section.fields or {}).values())))))
                       for section in self.sections]

    def _descendants(self, section: Section):
        for child in section.children:
            yield child
            yield from self._descendants(child)

    def resolve(self, citation: Citation) -> list[Section]:
        """The sections the citation names (one when it is unambiguous, none when it names
        nothing in this draft)."""
        found: list[Section] | None = None
        parts = citation.parts
        if RANK[parts[0][0]] > RANK[parts[-1][0]]:
            parts = list(reversed(parts))
        for word, number in parts:
            kinds = WORD_KINDS[word]
            pool = self.sections if found is None else \
                [d for section in found for d in self._descendants(section)]
            matches = [s for s in pool if s.kind in kinds
                       and (bare(s.number) == number.lower() or (word == "phụ lục" and not number))]
            if not matches and word == "mục":  # "mục 2.3": whatever is numbered 2.3
                matches = [s for s in pool if s.number and bare(s.number) == number.lower()]
            if not matches:
                return []
            found = _outermost(matches, self.parent)
        return found or []

    def holds(self, text: str) -> bool:
        """Whether these words are, as they stand, words of the draft."""
        wanted = fold(text)
        return len(wanted) >= 8 and any(wanted in folded for _section, folded in self._texts)

    def by_words(self, text: str, *, in_table: bool = False) -> tuple[Section | None, bool]:
        """The section a paragraph of the draft was copied from: (section, sure?).

        When several sections hold the words (an annex row repeating a point of the body),
        the one of the same place (table row or body) and the same number as written wins.
        """
        wanted = fold(text)
        if len(wanted) < 8:
            return None, False
        holding = [section for section, folded in self._texts if wanted in folded]
        if len(holding) > 1:
            holding = [s for s in holding if (s.kind == "annex_row") == in_table] or holding
        if len(holding) > 1:
            lead = text.strip().split(" ", 1)[0]
            holding = [s for s in holding if s.number and bare(s.number) == bare(lead)] \
                or holding
        if holding:
            return holding[-1], len(holding) == 1
        words = set(wanted.split())
        best, score = None, 0.0
        for section, folded in self._texts:
            if not folded:
                continue
            shared = len(words & set(folded.split())) / len(words)
            if shared > score:
                best, score = section, shared
        return (best, False) if score >= 0.6 else (None, False)


def _outermost(sections: list[Section], parent: dict[int, Section]) -> list[Section]:
    """Drop a match that lies inside another match (the outer one is what was named)."""
    chosen = {id(s) for s in sections}
    kept = []
    for section in sections:
        ancestor, inside = parent.get(id(section)), False
        while ancestor is not None:
            if id(ancestor) in chosen:
                inside = True
                break
            ancestor = parent.get(id(ancestor))
        if not inside:
            kept.append(section)
    return kept
