"""The start page's "Việc cần làm": what waits for this user, each a link to the exact page.

Asked of each package's own rules (who may register, assign, draft, approve, decide), so the
list shows only what the user can act on: an agency's clerk sees letters to register, its
leader letters to assign and answers to approve, its staff requests to answer with their
days left; the lead office's staff see rounds to close and comments to answer and scans to
check, its leaders dispositions to approve; administrators the e-mails that failed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from commentflow.consolidation.models import Disposition
from commentflow.consolidation.permissions import can_approve as can_approve_dispositions
from commentflow.consolidation.permissions import can_decide
from commentflow.consolidation.queries import open_count
from commentflow.core.dates import local_today
from commentflow.core.roles import Role
from commentflow.directory.permissions import can_manage_directory
from commentflow.drafts.models import Draft, DraftVersion
from commentflow.drafts.permissions import can_create_drafts
from commentflow.extensions import db
from commentflow.notifications.outbox import failure_count
from commentflow.responses.handling import handling_of
from commentflow.responses.permissions import can_approve, can_assign, can_draft, can_register
from commentflow.rounds.models import RoundState
from commentflow.rounds.services import answerable_requests, lead_rounds
from commentflow.web.urls import urls_by


@dataclass
class Todo:
    kind: str  #: register, assign, draft, approve, close, decide, approve_dispositions, …
    label: str
    detail: str
    url: str
    days_left: int | None = None  #: for a deadline: whole days from today (0: today)

    @property
    def urgent(self) -> bool:
        return self.days_left is not None and self.days_left <= 2


def _days_left(deadline: datetime, now: datetime, zone: str) -> int:
    return (local_today(deadline, zone) - local_today(now, zone)).days


def _agency_work(user, now: datetime, zone: str) -> list[Todo]:
    todos: list[Todo] = []
    open_ = answerable_requests(user.agency_id, now)
    handled = handling_of([r.id for r in open_])
    # Said once for the list, however many requests wait (an agency may have dozens open).
    ids = [recipient.round_id for recipient in open_]
    pages = urls_by("inbox.show", "round_id", ids)
    reviews = urls_by("responses.review", "round_id", ids)
    drafting = urls_by("responses.draft", "round_id", ids)
    labels = {"register": _("Vào sổ văn bản đến"), "assign": _("Giao xử lý"),
              "approve": _("Duyệt và gửi ý kiến"),
              "approve_presented": _("Duyệt và gửi ý kiến (đã trình)"),
              "draft": _("Soạn ý kiến góp ý")}
    is_staff = user.has_role(Role.STAFF)
    for recipient in open_:
        round_ = recipient.round
        about = f"{round_.agency.name}: {round_.subject}"
        days = _days_left(recipient.deadline_at, now, zone)
        handling = handled[recipient.id]
        registration, assignment = handling.registration, handling.assignment
        working, sent = handling.working, handling.sent
        if registration is None and can_register(user, recipient):
            todos.append(Todo("register", labels["register"], about, pages[round_.id], days))
        elif registration is not None and assignment is None and can_assign(user, recipient) \
                and sent is None:
            todos.append(Todo("assign", labels["assign"], about, pages[round_.id], days))
        if sent is None and working is not None and handling.working_comments and \
                can_approve(user, recipient):
            label = labels["approve_presented" if working.presented_at else "approve"]
            todos.append(Todo("approve", label, about, reviews[round_.id], days))
        elif sent is None and is_staff and can_draft(user, recipient, assignment):
            todos.append(Todo("draft", labels["draft"], about, drafting[round_.id], days))
    return todos


def _lead_work(user, now: datetime, zone: str) -> list[Todo]:
    todos: list[Todo] = []
    for round_ in lead_rounds(user.agency_id):
        page = url_for("rounds.show", round_id=round_.id)
        if round_.state is RoundState.OPEN and round_.is_past_deadline(now) and \
                can_decide(user, round_):
            todos.append(Todo("close", _("Hết hạn góp ý: kết thúc nhận ý kiến và tổng hợp"),
                              round_.subject, page))
        if round_.state is RoundState.CLOSED and can_decide(user, round_):
            undecided = open_count(round_.id)
            if undecided:
                todos.append(Todo("decide", _("Tổng hợp: còn %(n)d ý kiến chưa được duyệt cách "
                                              "tiếp thu, giải trình", n=undecided),
                                  round_.subject,
                                  url_for("consolidation.workspace", round_id=round_.id)))
        if round_.state in (RoundState.OPEN, RoundState.CLOSED) and \
                can_approve_dispositions(user, round_):
            waiting = db.session.scalar(select(func.count(Disposition.id)).where(
                Disposition.round_id == round_.id, Disposition.kind.is_not(None),
                Disposition.approved_at.is_(None)))
            if waiting:
                todos.append(Todo("approve_dispositions",
                                  _("Duyệt %(n)d nội dung tiếp thu, giải trình", n=waiting),
                                  round_.subject,
                                  url_for("consolidation.workspace", round_id=round_.id)))
    if can_create_drafts(user):
        for version in db.session.scalars(
                select(DraftVersion).join(Draft).where(
                    Draft.agency_id == user.agency_id, Draft.archived_at.is_(None),
                    DraftVersion.needs_review.is_(True), DraftVersion.reviewed_at.is_(None))):
            todos.append(Todo("review_scan", _("Soát lại nội dung nhận dạng từ bản quét"),
                              version.draft.title,
                              url_for("drafts.review", draft_id=version.draft_id,
                                      number=version.number)))
    return todos


def todo_list(user, *, now: datetime, zone: str) -> list[Todo]:
    """Everything waiting for this user, the nearest deadline first."""
    todos = _agency_work(user, now, zone) + _lead_work(user, now, zone)
    if can_manage_directory(user):
        failed = failure_count()
        if failed:
            todos.append(Todo("mail", _("%(n)d thư điện tử không gửi được", n=failed), "",
                              url_for("outbox_admin.failures_page")))
    return sorted(todos, key=lambda t: (t.days_left is None, t.days_left or 0))
