"""The workspace's page of comments as plain values, read in two statements without the ORM's
objects: loaded as objects with their answer, agency, disposition and its authors, fifty
comments took 7.5 ms of CPU, a quarter of the page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from commentflow.accounts.models import User
from commentflow.consolidation.models import DecisionState, Disposition, DispositionKind
from commentflow.directory.models import Agency
from commentflow.extensions import db
from commentflow.responses.models import Comment, Response
from commentflow.rounds.models import RoundRecipient


@dataclass(frozen=True, slots=True)
class ShownDisposition(DecisionState):
    id: int
    kind: DispositionKind | None
    text: str
    drafted_by: str | None  #: the drafter's name
    drafted_at: datetime | None
    approved_by: str | None  #: the approving leader's name
    approved_at: datetime | None
    member_ids: tuple[int, ...]  #: the comments it answers, in the order written

    @property
    def is_group(self) -> bool:
        """Several comments answered once."""
        return len(self.member_ids) > 1


@dataclass(frozen=True, slots=True)
class ShownComment:
    id: int
    response_id: int
    section_id: int | None
    text: str
    proposed_wording: str
    reason: str
    agency_id: int
    agency_name: str
    reference: str  #: the answer's number/notation ("13/UBND")
    disposition: ShownDisposition | None

    @property
    def disposition_id(self) -> int | None:
        return self.disposition.id if self.disposition is not None else None

    @property
    def answered_ids(self) -> tuple[int, ...]:
        """The comments one disposition answers with this one (itself alone when none)."""
        return self.disposition.member_ids if self.disposition is not None else (self.id,)


def shown_comments(ids: list[int]) -> list[ShownComment]:
    """These comments, in this order, with what the workspace prints of each."""
    if not ids:
        return []
    drafter, approver = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Comment.id, Comment.response_id, Comment.section_id, Comment.text,
               Comment.proposed_wording, Comment.reason, RoundRecipient.agency_id, Agency.name,
               Response.reply_number, Response.reply_notation,
               Disposition.id.label("disposition_id"), Disposition.kind, Disposition.text,
               drafter.full_name, Disposition.drafted_at, approver.full_name,
               Disposition.approved_at)
        .join(Response, Response.id == Comment.response_id)
        .join(RoundRecipient, RoundRecipient.id == Response.recipient_id)
        .join(Agency, Agency.id == RoundRecipient.agency_id)
        .outerjoin(Disposition, Disposition.id == Comment.disposition_id)
        .outerjoin(drafter, drafter.id == Disposition.drafted_by_id)
        .outerjoin(approver, approver.id == Disposition.approved_by_id)
        .where(Comment.id.in_(ids))).all()
    members: dict[int, list[int]] = {}
    disposition_ids = {row.disposition_id for row in rows if row.disposition_id is not None}
    if disposition_ids:
        for comment_id, disposition_id in db.session.execute(
                select(Comment.id, Comment.disposition_id)
                .where(Comment.disposition_id.in_(disposition_ids)).order_by(Comment.id)):
            members.setdefault(disposition_id, []).append(comment_id)
    shown = {}
    for (id_, response_id, section_id, text, proposed, reason, agency_id, agency_name,
         number, notation, disposition_id, kind, answer, drafted_by, drafted_at, approved_by,
         approved_at) in rows:
        disposition = ShownDisposition(
            disposition_id, kind, answer or "", drafted_by, drafted_at, approved_by,
            approved_at, tuple(members[disposition_id])) if disposition_id is not None else None
        shown[id_] = ShownComment(id_, response_id, section_id, text, proposed or "",
                                  reason or "", agency_id, agency_name,
                                  Response.reference_of(number, notation), disposition)
    return [shown[i] for i in ids]
