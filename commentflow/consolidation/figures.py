"""The consolidation's figures at a glance: comments per section across the draft (a heat
strip) and how the comments were disposed of, for the workspace and the report."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import String, func, select, type_coerce

from commentflow.charts.svg import Slice
from commentflow.consolidation.models import KIND_LABELS, Disposition, DispositionKind
from commentflow.consolidation.queries import in_force, labelled_sections
from commentflow.extensions import db
from commentflow.responses.models import Comment
from commentflow.rounds.models import Round

UNDECIDED = "undecided"


@dataclass(frozen=True)
class SectionCount:
    label: str  #: "điểm a khoản 1 Mục I", with the draft's title when the round has several
    count: int


@dataclass
class Tally:
    """Comments in force counted per section (its id, None for general comments) and per
    kind of disposition (its name as stored, None when undecided): what both charts read."""

    by_section: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)

    def add(self, section_id: int | None, kind_name: str | None, count: int) -> None:
        self.by_section[section_id] += count
        self.by_kind[kind_name] += count


def kind_name():
    """A disposition's kind as its stored name, unconverted: aggregates group thousands of
    rows on it, and the enum is needed only for the few distinct values."""
    return type_coerce(Disposition.kind, String)


def tally(round_: Round) -> Tally:
    """Comments in force counted by section and by the kind of their disposition, in one
    query: both charts of the workspace are read from it."""
    counted = Tally()
    for section_id, kind, count in db.session.execute(
            in_force(select(Comment.section_id, kind_name(), func.count(Comment.id))
                     .select_from(Comment)
                     .outerjoin(Disposition, Disposition.id == Comment.disposition_id),
                     round_.id)
            .group_by(Comment.section_id, Disposition.kind)):
        counted.add(section_id, kind, count)
    return counted


def comments_per_section(round_: Round, *, general_label: str, counted: Tally | None = None,
                         sections: list[tuple[int, str]] | None = None) -> list[SectionCount]:
    """Every section of the drafts circulated, in order, with its comments in force (none
    included: the strip shows where nobody commented too); general comments last.
    `sections`: (id, label) of every section in draft order, when the caller has read them."""
    counts = (counted if counted is not None else tally(round_)).by_section
    cells = [SectionCount(label, counts.get(section_id, 0))
             for section_id, label in (sections if sections is not None else [
                 (section_id, label) for section_id, _key, label in labelled_sections(round_)])]
    if counts.get(None):
        cells.append(SectionCount(general_label, counts[None]))
    return cells


def disposition_mix(round_: Round, counted: Tally | None = None) -> list[Slice]:
    """Comments in force by the kind of their disposition, undecided last; every kind listed,
    so that a table of the mix always has the same rows."""
    counts = (counted if counted is not None else tally(round_)).by_kind
    slices = [Slice(kind.value, str(KIND_LABELS[kind]), counts.get(kind.name, 0))
              for kind in DispositionKind]
    return slices + [Slice(UNDECIDED, _("Chưa xử lý"), counts.get(None, 0))]
