"""The consolidation's figures at a glance: comments per section across the draft (a heat
strip) and how the comments were disposed of, for the workspace and the report."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from commentflow.charts.svg import Slice
from commentflow.consolidation.models import KIND_LABELS, Disposition, DispositionKind
from commentflow.consolidation.queries import in_force
from commentflow.drafts.models import UNNUMBERED_PARTS, DraftSection
from commentflow.extensions import db
from commentflow.responses.models import Comment
from commentflow.rounds.models import Round

UNDECIDED = "undecided"


@dataclass(frozen=True)
class SectionCount:
    label: str  #: "điểm a khoản 1 Mục I", with the draft's title when the round has several
    count: int


Tally = Counter  #: (section id or None, DispositionKind or None) → comments in force


def tally(round_: Round) -> Tally:
    """Comments in force counted by section and by the kind of their disposition, in one
    query: both charts of the workspace are read from it."""
    return Counter({(section_id, kind): count for section_id, kind, count in db.session.execute(
        in_force(select(Comment.section_id, Disposition.kind, func.count(Comment.id))
                 .select_from(Comment)
                 .outerjoin(Disposition, Disposition.id == Comment.disposition_id), round_.id)
        .group_by(Comment.section_id, Disposition.kind))})


def comments_per_section(round_: Round, *, general_label: str,
                         counted: Tally | None = None) -> list[SectionCount]:
    """Every section of the drafts circulated, in order, with its comments in force (none
    included: the strip shows where nobody commented too); general comments last."""
    counts: Counter = Counter()
    for (section_id, _kind), count in (counted if counted is not None else tally(round_)).items():
        counts[section_id] += count
    versions = round_.versions
    titles = {v.id: v.draft.title for v in versions} if len(versions) > 1 else {}
    rows = db.session.execute(
        select(DraftSection.id, DraftSection.version_id, DraftSection.citation,
               DraftSection.key)
        .where(DraftSection.version_id.in_([v.id for v in versions] or [0]))
        .order_by(DraftSection.version_id, DraftSection.position))
    cells = []
    for section_id, version_id, citation, key in rows:
        label = citation or str(UNNUMBERED_PARTS.get(key, key))
        if version_id in titles:
            label = f"{titles[version_id]} — {label}"
        cells.append(SectionCount(label, counts.get(section_id, 0)))
    if counts.get(None):
        cells.append(SectionCount(general_label, counts[None]))
    return cells


def disposition_mix(round_: Round, counted: Tally | None = None) -> list[Slice]:
    """Comments in force by the kind of their disposition, undecided last; every kind listed,
    so that a table of the mix always has the same rows."""
    counts: Counter = Counter()
    for (_section, kind), count in (counted if counted is not None else tally(round_)).items():
        counts[kind] += count
    slices = [Slice(kind.value, str(KIND_LABELS[kind]), counts.get(kind, 0))
              for kind in DispositionKind]
    return slices + [Slice(UNDECIDED, _("Chưa xử lý"), counts.get(None, 0))]
