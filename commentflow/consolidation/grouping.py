"""Pure suggestion of comments that say the same thing (many districts, one sentence)."""
import unicodedata
from difflib import SequenceMatcher

THRESHOLD = 0.85
#: Identical texts (after folding) are always grouped. Near-identical ones are found by
#: pairwise similarity only on sections with few distinct texts, and only up to a total
#: number of comparisons, so the page stays fast with thousands of comments.
PAIRWISE_LIMIT = 12
COMPARISON_BUDGET = 2000


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    kept = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    kept = "".join(c if c.isalnum() else " " for c in kept.replace("đ", "d"))
    return " ".join(kept.split())


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
    budget = COMPARISON_BUDGET
    for items in by_section.values():
        first_of: dict[str, int] = {}
        for cid, text in items:  # identical texts first: cheap, and the usual case
            if text in first_of:
                parent[root(cid)] = root(first_of[text])
            else:
                first_of[text] = cid
        distinct = list(first_of.items())
        pairs = len(distinct) * (len(distinct) - 1) // 2
        if len(distinct) > PAIRWISE_LIMIT or pairs > budget:
            continue
        budget -= pairs
        for i, (text_a, a) in enumerate(distinct):
            for text_b, b in distinct[i + 1:]:
                if root(a) != root(b) and SequenceMatcher(None, text_a, text_b).ratio() \
                        >= threshold:
                    parent[root(b)] = root(a)
    groups: dict = {}
    for cid, _s, _t in comments:
        groups.setdefault(root(cid), []).append(cid)
    return [sorted(g) for g in groups.values() if len(g) > 1]
