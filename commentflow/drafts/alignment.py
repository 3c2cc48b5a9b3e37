"""Pairing the sections of two versions of a draft: what stayed, changed, moved, split, merged.

Each section of the old version is paired with the new version's by its words, not its key:
a section inserted at the top of a list renumbers every one after it without changing them.
First the sections whose words are the same (unchanged, renumbered, moved), then one section
whose words are two consecutive ones of the other version (split, merged), then the most
similar of the rest (edited; rapidfuzz's ratio on folded text); the rest were added or
removed. Pure: works on parsing.Section trees, from files or from stored rows.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from commentflow.drafts.parsing import Section, walk
from commentflow.drafts.references import fold

UNCHANGED, EDITED, RENUMBERED, MOVED = "unchanged", "edited", "renumbered", "moved"
SPLIT, MERGED, ADDED, REMOVED = "split", "merged", "added", "removed"
#: Below this similarity (0–100) two sections are not the same one edited.
EDITED_AT_LEAST = 60
#: A split or merge: the joined parts must read this close to the whole.
JOINED_AT_LEAST = 85
_FIXED_PARTS = ("header", "title", "preamble", "closing")


@dataclass
class Pair:
    old: Section | None
    new: Section | None
    change: str
    old_at: int | None = None  #: the old section's place in its version (document order)
    new_at: int | None = None

    def as_dict(self) -> dict:
        return {"old_key": self.old.key if self.old else None,
                "new_key": self.new.key if self.new else None, "change": self.change}


class _Side:
    def __init__(self, top: list[Section]):
        self.sections = list(walk(top))
        self.parent: dict[int, Section | None] = {}
        for section in self.sections:
            for child in section.children:
                self.parent[id(child)] = section
        self.words = {id(s): fold(" ".join(p for p in (s.title, s.text, " ".join(
            (s.fields or {}).values())) if p)) for s in self.sections}
        self.position = {id(s): i for i, s in enumerate(self.sections)}


def align(old_top: list[Section], new_top: list[Section]) -> list[Pair]:
    """Every section of both versions, paired, in the new version's order (a removed section
    where it stood in the old one)."""
    old, new = _Side(old_top), _Side(new_top)
    pairs: dict[int, Section] = {}  # id(old section) → new section, and the reverse below
    back: dict[int, Section] = {}

    def pair(a: Section, b: Section) -> None:
        pairs[id(a)], back[id(b)] = b, a

    for kind in _FIXED_PARTS:  # the parts without numbers pair by what they are
        a = next((s for s in old.sections if s.kind == kind), None)
        b = next((s for s in new.sections if s.kind == kind), None)
        if a is not None and b is not None:
            pair(a, b)
    _same_words(old, new, pairs, back, pair)
    joined = _splits_and_merges(old, new, pairs, back)
    _most_similar(old, new, pairs, back, pair)
    ordered = _ordered(old, new, pairs, back, joined)
    for item in ordered:
        item.old_at = old.position[id(item.old)] if item.old is not None else None
        item.new_at = new.position[id(item.new)] if item.new is not None else None
    return ordered


def _same_words(old, new, pairs, back, pair) -> None:
    """Identical words: prefer the same key, then document order."""
    waiting: dict[str, list[Section]] = {}
    for section in new.sections:
        if id(section) not in back and new.words[id(section)]:
            waiting.setdefault(new.words[id(section)], []).append(section)
    for section in old.sections:
        if id(section) in pairs:
            continue
        candidates = waiting.get(old.words[id(section)])
        if not candidates:
            continue
        chosen = next((c for c in candidates if c.key == section.key), candidates[0])
        candidates.remove(chosen)
        pair(section, chosen)


def _most_similar(old, new, pairs, back, pair) -> None:
    left = [s for s in old.sections if id(s) not in pairs and old.words[id(s)]]
    right = [s for s in new.sections if id(s) not in back and new.words[id(s)]]
    if not left or not right:
        return
    ranked = []
    for i, a in enumerate(left):
        words = old.words[id(a)]
        for j, b in enumerate(right):
            score = fuzz.ratio(words, new.words[id(b)], score_cutoff=EDITED_AT_LEAST)
            if score:
                ranked.append((score, i, j))
    ranked.sort(reverse=True)
    for score, i, j in ranked:
        a, b = left[i], right[j]
        if id(a) not in pairs and id(b) not in back and (
                a.kind == b.kind or score >= 90):
            pair(a, b)


def _splits_and_merges(old, new, pairs, back) -> list[Pair]:
    """One section of one side whose words are two consecutive unpaired ones of the other."""
    found: list[Pair] = []
    for whole_side, part_side, change in ((old, new, SPLIT), (new, old, MERGED)):
        whole_pairs = pairs if whole_side is old else back
        part_pairs = back if whole_side is old else pairs
        parts = [s for s in part_side.sections if id(s) not in part_pairs]
        for whole in [s for s in whole_side.sections if id(s) not in whole_pairs]:
            words = whole_side.words[id(whole)]
            for first, second in zip(parts, parts[1:], strict=False):
                if part_side.position[id(second)] != part_side.position[id(first)] + 1:
                    continue
                joined = f"{part_side.words[id(first)]} {part_side.words[id(second)]}".strip()
                if words and fuzz.ratio(words, joined) >= JOINED_AT_LEAST:
                    for part in (first, second):
                        part_pairs[id(part)] = whole
                        found.append(Pair(whole, part, change) if change == SPLIT
                                      else Pair(part, whole, change))
                    whole_pairs[id(whole)] = first
                    parts = [p for p in parts if p is not first and p is not second]
                    break
    return found


def _change(old, new, a: Section, b: Section) -> str:
    if old.words[id(a)] != new.words[id(b)]:
        return EDITED
    parent_a, parent_b = old.parent.get(id(a)), new.parent.get(id(b))
    same_parent = (parent_a is None and parent_b is None) or (
        parent_a is not None and parent_b is not None
        and old.words[id(parent_a)] == new.words[id(parent_b)]) or (
        parent_a is not None and parent_b is not None and parent_a.key == parent_b.key)
    if not same_parent:
        return MOVED
    if a.number != b.number or a.key != b.key:
        return RENUMBERED
    return UNCHANGED


def _ordered(old, new, pairs, back, joined: list[Pair]) -> list[Pair]:
    joined_by_new = {}
    for item in joined:
        joined_by_new.setdefault(id(item.new), []).append(item)
    joined_old = {id(item.old) for item in joined}
    out: list[Pair] = []
    old_cursor = 0

    def flush_removed(up_to: int) -> None:
        nonlocal old_cursor
        while old_cursor < up_to:
            section = old.sections[old_cursor]
            if id(section) not in pairs and id(section) not in joined_old:
                out.append(Pair(section, None, REMOVED))
            old_cursor += 1

    for section in new.sections:
        if id(section) in joined_by_new:
            for item in joined_by_new[id(section)]:
                if item.change == MERGED:
                    flush_removed(old.position[id(item.old)])
                out.append(item)
            continue
        partner = back.get(id(section))
        if partner is None:
            out.append(Pair(None, section, ADDED))
            continue
        flush_removed(old.position[id(partner)])
        out.append(Pair(partner, section, _change(old, new, partner, section)))
    flush_removed(len(old.sections))
    return out
