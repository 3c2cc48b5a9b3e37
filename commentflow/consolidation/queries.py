"""The comments a round consolidates, read in SQL: answers in force only, in draft order."""
from typing import NamedTuple

from sqlalchemy import Select, func, select

from commentflow.consolidation.models import Disposition
from commentflow.core.db import plain_rows
from commentflow.directory.models import Agency
from commentflow.drafts.models import UNNUMBERED_PARTS, DraftSection
from commentflow.extensions import db
from commentflow.responses.models import Comment, Response, ResponseState
from commentflow.rounds.models import Round, RoundRecipient


def in_force(statement: Select, round_id: int) -> Select:
    """Restrict a statement over comments to the submitted, not superseded answers of a round
    (joins Response and RoundRecipient)."""
    return (statement.join(Response, Response.id == Comment.response_id)
            .join(RoundRecipient, RoundRecipient.id == Response.recipient_id)
            .where(RoundRecipient.round_id == round_id,
                   Response.state == ResponseState.SUBMITTED, Comment.deleted_at.is_(None)))


def draft_order(statement: Select) -> Select:
    """Drafts as circulated and their sections in order, general comments last; within a
    section, protocol order."""
    return (statement.outerjoin(DraftSection, DraftSection.id == Comment.section_id)
            .order_by(Comment.section_id.is_(None), DraftSection.version_id,
                      DraftSection.position, RoundRecipient.position, Comment.id))


def labelled_sections(round_: Round, *, commentable_only: bool = False):
    """(section id, the draft's key, label) of the drafts circulated, in draft order; a
    section is named with its draft when the round circulates several."""
    versions = round_.versions
    titles = {v.id: v.draft.title for v in versions} if len(versions) > 1 else {}
    statement = (select(DraftSection.id, DraftSection.version_id, DraftSection.citation,
                        DraftSection.key)
                 .where(DraftSection.version_id.in_([v.id for v in versions] or [0]))
                 .order_by(DraftSection.version_id, DraftSection.position))
    if commentable_only:
        statement = statement.where(DraftSection.is_commentable)
    for section_id, version_id, citation, key in db.session.execute(statement):
        label = citation or str(UNNUMBERED_PARTS.get(key, key))
        if version_id in titles:
            label = f"{titles[version_id]} — {label}"
        yield section_id, key, label


def open_count(round_id: int) -> int:
    """Comments without an approved disposition."""
    return db.session.scalar(in_force(
        select(func.count(Comment.id)).select_from(Comment)
        .outerjoin(Disposition, Disposition.id == Comment.disposition_id), round_id)
        .where(Disposition.approved_at.is_(None)))


class CommentLine(NamedTuple):
    """One comment as the exports need it: plain values, no ORM objects (a tuple: a frozen
    dataclass took longer to make 20,000 of than the query took to read them)."""

    id: int
    section_id: int | None
    text: str
    proposed_wording: str
    reason: str
    disposition_id: int | None
    response_id: int
    agency_name: str
    agency_code: str
    version_id: int | None  #: the draft version of the section (None: a general comment)


def comment_lines(round_id: int) -> list[CommentLine]:
    """Every comment in force in draft order (drafts as circulated, then their sections, general
    comments last; within a section protocol order), in one query. 20,000 rows stay cheap:
    sorted here on small keys rather than by the database on rows carrying the texts."""
    statement = in_force(
        select(Comment.id, Comment.section_id, Comment.text, Comment.proposed_wording,
               Comment.reason, Comment.disposition_id, Comment.response_id, Agency.name,
               Agency.code, DraftSection.version_id, DraftSection.position,
               RoundRecipient.position)
        .select_from(Comment), round_id).join(
        Agency, Agency.id == RoundRecipient.agency_id).outerjoin(
        DraftSection, DraftSection.id == Comment.section_id)
    rows = sorted(plain_rows(db.session, statement), key=lambda r: (
        r[1] is None, r[9] or 0, r[10] or 0, r[11], r[0]))
    return [CommentLine(*row[:10]) for row in rows]
