"""The consolidation workspace read in SQL: filters, counts per section, one page of comments.

The number of queries does not depend on the number of comments: counts are aggregated in
the database, only one page of comments is loaded, and suggestions are computed for the
sections on that page. The round's counts and the suggestions are kept per consolidation
revision (revision.py): viewing again after no change reads neither anew.
"""
from dataclasses import dataclass, field

from flask_babel import get_locale
from sqlalchemy import Select, func, or_, select

from commentflow.consolidation.figures import Tally, kind_name
from commentflow.consolidation.models import Disposition, DispositionKind
from commentflow.consolidation.queries import draft_order, in_force, labelled_sections
from commentflow.consolidation.revision import kept
from commentflow.consolidation.services import suggested_groups
from commentflow.consolidation.shown import ShownComment, shown_comments
from commentflow.core.paging import PageInfo, page_info
from commentflow.core.text import fold
from commentflow.directory.models import Agency, AgencyGroupMembership
from commentflow.extensions import db
from commentflow.responses.models import Comment, Response
from commentflow.rounds.models import Round, RoundRecipient
from commentflow.rounds.services import recipient_names

PAGE_SIZE = 50
GENERAL_KEY = "general"  #: the section filter's value for general comments


@dataclass
class Filters:
    q: str = ""
    agency_id: int | None = None
    group_id: int | None = None
    state: str = ""  #: "", "open", "undecided" or a DispositionKind value
    section: str = ""  #: "", GENERAL_KEY, or a section id
    page: int = 1


@dataclass
class OutlineEntry:
    """A section with comments matching the filters: how many, and how many still open."""

    section_id: int | None
    section_key: str  #: the draft's own key ("III.2.a"), GENERAL_KEY for general comments
    label: str
    shown: int
    open: int
    #: the section filter's value for it (a page reads it a thousand times: made once)
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.key = GENERAL_KEY if self.section_id is None else str(self.section_id)


@dataclass
class Suggestion:
    comment_ids: list[int]
    text: str
    agencies: list[str]


@dataclass
class Workspace:
    total: int  #: comments in force
    open: int  #: of which without an approved disposition
    shown: int  #: matching the filters
    outline: list[OutlineEntry]
    #: This page's comments, cut by section: (outline entry, comments) in draft order.
    sections: list[tuple[OutlineEntry, list[ShownComment]]]
    pager: PageInfo
    #: comments in force per section and per kind of disposition, for the charts (kept for
    #: other views of the same revision: read, never change)
    tally: Tally = field(default_factory=Tally)
    suggestions: list[Suggestion] = field(default_factory=list)
    #: (id, label) of every section of the drafts circulated, in draft order
    section_labels: list[tuple[int, str]] = field(default_factory=list)

    @property
    def awaiting_approval(self) -> list[int]:
        """Dispositions on this page decided and not yet approved (each once)."""
        ids = (c.disposition_id for _e, comments in self.sections for c in comments
               if c.disposition is not None and c.disposition.awaits_approval)
        return list(dict.fromkeys(ids))

    @property
    def agencies_shown(self) -> set[int]:
        """The agencies whose comments this page shows."""
        return {c.agency_id for _e, comments in self.sections for c in comments}


def _is_open():
    return or_(Comment.disposition_id.is_(None), Disposition.approved_at.is_(None))


def _filtered(statement: Select, round_id: int, filters: Filters) -> Select:
    statement = in_force(statement, round_id).outerjoin(
        Disposition, Disposition.id == Comment.disposition_id)
    if filters.agency_id:
        statement = statement.where(RoundRecipient.agency_id == filters.agency_id)
    if filters.group_id:
        statement = statement.where(RoundRecipient.agency_id.in_(
            select(AgencyGroupMembership.agency_id)
            .where(AgencyGroupMembership.group_id == filters.group_id)))
    if filters.state == "open":
        statement = statement.where(_is_open())
    elif filters.state == "undecided":
        statement = statement.where(or_(Comment.disposition_id.is_(None),
                                        Disposition.kind.is_(None)))
    elif filters.state in {k.value for k in DispositionKind}:
        statement = statement.where(Disposition.kind == DispositionKind(filters.state))
    query = fold(filters.q).strip()
    if query:
        statement = statement.where(Comment.search_text.contains(query, autoescape=True))
    return statement


def _outline_rows(round_: Round, filters: Filters | None):
    """(section id, disposition kind's name, open, comments) for the comments in force matching the
    filters: grouped on small keys only, the sections' names are read separately."""
    is_open = _is_open()
    statement = select(Comment.section_id, kind_name(), is_open, func.count(Comment.id))
    return db.session.execute(
        _filtered(statement.select_from(Comment), round_.id, filters or Filters())
        .group_by(Comment.section_id, Disposition.kind, is_open)).all()


def _section_names(round_: Round, general_label: str) -> dict[int | None, tuple]:
    """Each section of the drafts circulated → (order, key, label); general comments last.
    Kept per revision and language (the labels of unnumbered parts are translated): read
    and labelled afresh, a draft of 300 sections took 2 ms of each view."""
    return kept(round_.id, "section names", lambda: _read_section_names(round_, general_label),
                general_label, str(get_locale()))


def _read_section_names(round_: Round, general_label: str) -> dict[int | None, tuple]:
    names: dict[int | None, tuple] = {
        section_id: (order, key, label)
        for order, (section_id, key, label) in enumerate(labelled_sections(round_))}
    names[None] = (len(names), GENERAL_KEY, general_label)
    return names


def filter_choices(round_: Round, general_label: str) -> dict[str, list[tuple[str, str]]]:
    """What the workspace's section and agency filters offer, sent apart from the page (it
    runs to hundreds of options at a province's scale and is the same for every view):
    the commentable sections in draft order with general comments last, and the
    recipients in protocol order. Values are those the filters take."""
    sections = [(str(section_id), label) for section_id, _key, label
                in labelled_sections(round_, commentable_only=True)]
    sections.append((GENERAL_KEY, general_label))
    agencies = [(str(agency_id), name) for agency_id, name in recipient_names(round_)]
    return {"section": sections, "agency": agencies}


def chosen_section(outline: list[OutlineEntry], key: str, round_: Round,
                   general_label: str) -> str | None:
    """The label of the section the filter holds (None when none is chosen or it is not
    a section of this round), read from the outline when it lists it."""
    if not key:
        return None
    for entry in outline:
        if entry.key == key:
            return entry.label
    if key == GENERAL_KEY:
        return general_label
    if not key.isdigit():
        return None
    names = _section_names(round_, general_label)
    return names[int(key)][2] if int(key) in names else None


def chosen_agency(round_: Round, agency_id: int | None) -> str | None:
    """The name of the recipient the agency filter holds (None if not one of this round's)."""
    if not agency_id:
        return None
    return db.session.scalar(
        select(Agency.name).join(RoundRecipient, RoundRecipient.agency_id == Agency.id)
        .where(RoundRecipient.round_id == round_.id, RoundRecipient.agency_id == agency_id))


def _outline(rows, names: dict[int | None, tuple]) -> list[OutlineEntry]:
    """Sections with matching comments in draft order, general comments last."""
    entries: dict[int | None, OutlineEntry] = {}
    for section_id, _kind, is_open, count in rows:
        entry = entries.get(section_id)
        if entry is None:
            _order, key, label = names[section_id]
            entry = entries[section_id] = OutlineEntry(section_id, key, label, 0, 0)
        entry.shown += count
        entry.open += count if is_open else 0
    return sorted(entries.values(), key=lambda e: names[e.section_id][0])


def _is_filtered(filters: Filters) -> bool:
    return bool(fold(filters.q).strip() or filters.agency_id or filters.group_id
                or filters.state)


def _suggestions(round_: Round, section_ids: list[int | None]) -> list[Suggestion]:
    groups = kept(round_.id, "suggestions", lambda: suggested_groups(round_, section_ids),
                  tuple(section_ids)) if section_ids else []
    ids = [i for g in groups for i in g]
    facts = {id_: (text, agency) for id_, text, agency in db.session.execute(
        select(Comment.id, Comment.text, Agency.name)
        .join(Response, Response.id == Comment.response_id)
        .join(RoundRecipient, RoundRecipient.id == Response.recipient_id)
        .join(Agency, Agency.id == RoundRecipient.agency_id)
        .where(Comment.id.in_(ids)))} if ids else {}
    return [Suggestion(g, facts[g[0]][0], [facts[i][1] for i in g]) for g in groups]


def _page_window(outline: list[OutlineEntry], section: str, offset: int,
                 size: int) -> tuple[list[OutlineEntry], int]:
    """The sections (in draft order) that hold the comments [offset, offset + size) of the
    filtered list, and where the page starts among their comments. The outline counted
    the same filtered comments per section, so the page's ids need only sort the comments
    of those few sections instead of every comment of the round."""
    window: list[OutlineEntry] = []
    before = 0  #: comments in the sections ahead of the window
    for entry in outline:
        if section and entry.key != section:
            continue
        if not window and before + entry.shown <= offset:
            before += entry.shown
            continue
        window.append(entry)
        if before + sum(e.shown for e in window) >= offset + size:
            break
    return window, offset - before


def _in_window(statement: Select, window: list[OutlineEntry]) -> Select:
    """Comments of these sections (general comments have none)."""
    ids = [e.section_id for e in window if e.section_id is not None]
    parts = [Comment.section_id.in_(ids)] if ids else []
    if any(e.section_id is None for e in window):
        parts.append(Comment.section_id.is_(None))
    return statement.where(or_(*parts))


def _round_counts(round_: Round) -> tuple[list[tuple], Tally, int, int]:
    """The round's comments in force aggregated once: the rows (as _outline_rows), the
    charts' tally, the total and how many are still open."""
    rows = [tuple(row) for row in _outline_rows(round_, None)]
    tally = Tally()
    total = open_ = 0
    for section_id, kind, is_open, count in rows:
        tally.add(section_id, kind, count)
        total += count
        open_ += count if is_open else 0
    return rows, tally, total, open_


def load_workspace(round_: Round, filters: Filters, *, general_label: str) -> Workspace:
    """Counts for the whole round, the outline for the filters, and the asked-for page.

    The round's comments are aggregated once (by section, disposition kind and whether
    still open): the totals, the charts' tally and, unless the page is filtered, the outline
    all come from that one pass over the round's comments."""
    everything, tally, total, open_ = kept(round_.id, "counts", lambda: _round_counts(round_))
    names = _section_names(round_, general_label)
    outline = _outline(_outline_rows(round_, filters), names) if _is_filtered(filters) else \
        kept(round_.id, "outline", lambda: _outline(everything, names), general_label,
             str(get_locale()))
    entries = {e.key: e for e in outline}
    shown = entries[filters.section].shown if filters.section in entries else (
        0 if filters.section else sum(e.shown for e in outline))
    pager = page_info(shown, filters.page, PAGE_SIZE)
    page = pager.page
    # The page's ids first, sorting narrow rows of the page's sections only; then those
    # comments with what they show.
    window, offset = _page_window(outline, filters.section, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    ids = list(db.session.scalars(
        _in_window(draft_order(_filtered(select(Comment.id), round_.id, filters)), window)
        .limit(PAGE_SIZE).offset(offset))) if window else []
    sections: list[tuple[OutlineEntry, list[ShownComment]]] = []
    for comment in shown_comments(ids):
        key = GENERAL_KEY if comment.section_id is None else str(comment.section_id)
        if not sections or sections[-1][0].key != key:
            sections.append((entries[key], []))
        sections[-1][1].append(comment)
    return Workspace(total=total, open=open_, shown=shown, outline=outline,
                     sections=sections, pager=pager, tally=tally,
                     suggestions=_suggestions(round_, [e.section_id for e, _c in sections]),
                     section_labels=[(section_id, label) for section_id, (_o, _k, label)
                                     in names.items() if section_id is not None])
