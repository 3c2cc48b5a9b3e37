"""Where each of an agency's requests stands (registered, assigned, drafted, sent), loaded
for many requests in a constant number of statements — for lists such as the to-do page."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from commentflow.extensions import db
from commentflow.responses.models import (
    Assignment,
    Comment,
    Registration,
    Response,
    ResponseState,
)


@dataclass
class Handling:
    registration: Registration | None = None
    assignment: Assignment | None = None
    responses: list[Response] = field(default_factory=list)  #: in their order of sequence
    working_comments: int = 0  #: comments (not deleted) in the answer being drafted

    @property
    def working(self) -> Response | None:
        """The answer being drafted or awaiting approval, if any."""
        return next((r for r in self.responses if r.is_editable), None)

    @property
    def sent(self) -> Response | None:
        """The latest answer sent to the lead office, if any."""
        return next((r for r in reversed(self.responses)
                     if r.state is ResponseState.SUBMITTED), None)


def handling_of(recipient_ids: list[int]) -> dict[int, Handling]:
    """Each request's handling by its recipient row's id (an empty one when nothing is done)."""
    handled: dict[int, Handling] = defaultdict(Handling)
    if not recipient_ids:
        return handled
    for registration in db.session.scalars(select(Registration).where(
            Registration.recipient_id.in_(recipient_ids))):
        handled[registration.recipient_id].registration = registration
    for assignment in db.session.scalars(
            select(Assignment).where(Assignment.recipient_id.in_(recipient_ids))
            .options(selectinload(Assignment.coordinators))):
        handled[assignment.recipient_id].assignment = assignment
    for response in db.session.scalars(
            select(Response).where(Response.recipient_id.in_(recipient_ids))
            .order_by(Response.sequence)):
        handled[response.recipient_id].responses.append(response)
    # Counted, not loaded: the to-do list asks only whether a draft holds any comment.
    working = {h.working.id: h for h in handled.values() if h.working is not None}
    if working:
        for response_id, count in db.session.execute(
                select(Comment.response_id, func.count(Comment.id))
                .where(Comment.response_id.in_(working), Comment.deleted_at.is_(None))
                .group_by(Comment.response_id)):
            working[response_id].working_comments = count
    return handled
