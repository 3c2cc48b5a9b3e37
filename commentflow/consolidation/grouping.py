"""Pure suggestion of comments that say the same thing (many districts, one sentence)."""
import unicodedata
from difflib import SequenceMatcher

THRESHOLD = 0.85


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    kept = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    return " ".join(kept.replace("đ", "d").split())


def suggest(comments: list[tuple[int, int | None, str]],
            threshold: float = THRESHOLD) -> list[list[int]]:
    """(id, section id, text) in; groups (lists of ids, 2 or more) of near-identical comments
    on the same section out — for a person to confirm."""
    parent = {cid: cid for cid, _s, _t in comments}

    def root(cid):
        while parent[cid] != cid:
            parent[cid] = parent[parent[cid]]
            cid = parent[cid]
        return cid

    by_section: dict = {}
    for cid, section, text in comments:
        by_section.setdefault(section, []).append((cid, _fold(text)))
    for items in by_section.values():
        for i, (a, text_a) in enumerate(items):
            for b, text_b in items[i + 1:]:
                if root(a) != root(b) and SequenceMatcher(None, text_a, text_b).ratio() \
                        >= threshold:
                    parent[root(b)] = root(a)
    groups: dict = {}
    for cid, _s, _t in comments:
        groups.setdefault(root(cid), []).append(cid)
    return [sorted(g) for g in groups.values() if len(g) > 1]
