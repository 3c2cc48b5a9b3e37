"""The sections of a circulated draft version as pages show them, rendered once per process.

A version sent for comments never changes again (its sections are frozen when the round
opens), and the pages agencies use every day — reading the request, drafting comments —
print all of its sections: hundreds of rows read, and as many fragments rendered, on every
view. So each app process keeps the rendered sections of the versions last shown, per
language, up to a bound on their size; a version not yet circulated is read and rendered
afresh each time (its split may still be corrected).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from commentflow.drafts.models import FIELD_LABELS, DraftVersion
from commentflow.drafts.services import SectionView, document

#: Characters of rendered HTML a process keeps (about 15 drafts of 50 pages, or three of 500).
MAX_KEPT_CHARS = 8_000_000


@dataclass(frozen=True)
class ShownSection:
    """A section's place in the tree, what the outline calls it, and its rendered text."""

    id: int
    key: str
    anchor: str
    level: int
    is_commentable: bool
    label: str
    html: Markup


class _Kept:
    """Least recently shown first; bounded by the characters held."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self.entries: OrderedDict[tuple, tuple[tuple[ShownSection, ...], int]] = OrderedDict()
        self.chars = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def put(self, key, sections: tuple[ShownSection, ...]) -> None:
        size = sum(len(s.html) for s in sections)
        if size > self.max_chars:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (sections, size)
            self.chars += size
            while self.chars > self.max_chars:
                _key, (_sections, dropped) = self.entries.popitem(last=False)
                self.chars -= dropped

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.chars = 0


_kept = _Kept(MAX_KEPT_CHARS)


def _render(views: list[SectionView]) -> tuple[ShownSection, ...]:
    template = current_app.jinja_env.get_template("drafts/_section.html")
    context = {"field_labels": FIELD_LABELS, "section_link_label": _("Liên kết tới mục này")}
    return tuple(ShownSection(
        id=view.row.id, key=view.row.key, anchor=view.anchor, level=view.row.level,
        is_commentable=view.row.is_commentable, label=view.label,
        html=Markup(template.render(view=view, **context))) for view in views)


def shown_sections(version: DraftVersion) -> tuple[ShownSection, ...]:
    """The version's sections in order, each rendered as drafts/_section.html shows it."""
    if not version.is_frozen:
        return _render(document(version))
    key = (version.id, version.circulated_at, str(get_locale()))
    sections = _kept.get(key)
    if sections is None:
        sections = _render(document(version))
        _kept.put(key, sections)
    return sections


def forget_shown_sections() -> None:
    """Drop what this process keeps (tests that rebuild the database reuse version ids)."""
    _kept.clear()
