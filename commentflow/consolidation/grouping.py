"""Pure suggestion of comments that say the same thing (many districts, one sentence)."""
import math
from collections import Counter

from commentflow.core.text import fold

#: Two comments are suggested together when their sets of words overlap this much
#: (Jaccard: shared words over all words) — the same sentence with a name or a word changed.
THRESHOLD = 0.8
#: Pairs compared at most per section (about 0.1 s): a section with thousands of comments
#: written with the same few words cannot make the page slow.
COMPARISON_BUDGET = 200_000


def _words(text: str) -> str:
    """The text folded as search folds it ("Cơ chế," → "co che"), punctuation dropped."""
    return " ".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def _similar(a: frozenset, b: frozenset, threshold: float) -> bool:
    shared = len(a & b)
    return shared >= threshold * (len(a) + len(b) - shared)


def _near_pairs(sets: list[frozenset], threshold: float, budget: int):
    """Pairs (i, j) of sets with Jaccard similarity at least `threshold`, found by prefix
    filtering (the "all pairs" method): with each set's words ordered rarest first, two
    similar sets share a word among their first |set| - ⌈threshold·|set|⌉ + 1, so only sets
    meeting that way are compared — at most `budget` comparisons in all."""
    frequency = Counter(word for words in sets for word in words)
    index: dict[str, list[int]] = {}
    for i, words in enumerate(sets):
        ordered = sorted(words, key=lambda w: (frequency[w], w))
        prefix = len(ordered) - math.ceil(threshold * len(ordered)) + 1
        candidates: set[int] = set()
        for word in ordered[:prefix]:
            candidates.update(index.setdefault(word, []))
            index[word].append(i)
        for j in candidates:
            if budget <= 0:
                return
            budget -= 1
            shorter, longer = sorted((len(words), len(sets[j])))
            if shorter >= threshold * longer and _similar(words, sets[j], threshold):
                yield j, i


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
        by_section.setdefault(section, []).append((cid, _words(text)))
    for items in by_section.values():
        first_of: dict[str, int] = {}
        for cid, text in items:  # identical texts first: cheap, and the usual case
            if text in first_of:
                parent[root(cid)] = root(first_of[text])
            else:
                first_of[text] = cid
        distinct = [(frozenset(text.split()), cid) for text, cid in first_of.items() if text]
        for i, j in _near_pairs([words for words, _c in distinct], threshold,
                                COMPARISON_BUDGET):
            parent[root(distinct[j][1])] = root(distinct[i][1])
    groups: dict = {}
    for cid, _s, _t in comments:
        groups.setdefault(root(cid), []).append(cid)
    return [sorted(g) for g in groups.values() if len(g) > 1]
