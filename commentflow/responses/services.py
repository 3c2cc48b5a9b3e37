"""Use cases of an agency's answer: register, assign, comment, return, submit, agree, amend."""
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, bindparam, exists, func, literal, select, update
from sqlalchemy.orm import contains_eager, joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from commentflow.accounts.models import User, UserRole
from commentflow.audit.services import record_event
from commentflow.core.dates import local_today
from commentflow.core.db import insert_or_ignore
from commentflow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from commentflow.core.roles import Role
from commentflow.core.text import format_number, normalize, normalize_multiline
from commentflow.core.uploads import check_not_empty, check_size
from commentflow.drafts.models import DraftSection
from commentflow.extensions import db
from commentflow.notifications.services import notify_agency, notify_users
from commentflow.responses.models import (
    MAX_COMMENT_CHARS,
    Assignment,
    Comment,
    Registration,
    Response,
    ResponseKind,
    ResponseState,
)
from commentflow.responses.permissions import (
    can_approve,
    can_assign,
    can_draft,
    can_register,
)
from commentflow.rounds.models import Round, RoundRecipient, RoundState, round_versions
from commentflow.rounds.permissions import (
    can_manage_round,
    sent_recipient_parameters,
    sent_recipient_statement,
)
from commentflow.signatures.services import check_stored_pdf
from commentflow.storage.services import store_file


class StaleComment(Conflict):
    """Someone saved this comment since it was loaded; both texts are kept for the user."""

    def __init__(self, message: str, theirs: Comment, mine: str):
        super().__init__(message)
        self.theirs, self.mine = theirs, mine


# ---------------------------------------------------------------- registration, assignment


def next_incoming_number(agency_id: int, year: int) -> int:
    last = db.session.scalar(select(func.max(Registration.number)).where(
        Registration.agency_id == agency_id, Registration.year == year))
    return (last or 0) + 1


def registration_of(recipient: RoundRecipient) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.recipient_id == recipient.id))


def assignment_of(recipient: RoundRecipient) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(Assignment.recipient_id == recipient.id))


def register_request(recipient: RoundRecipient, number: int, received_on: date, *, actor,
                     now) -> Registration:
    """Enter the request in the register of incoming documents, once."""
    if not can_register(actor, recipient):
        raise PermissionDenied(_("Chỉ văn thư hoặc lãnh đạo đơn vị được vào sổ văn bản đến."))
    if registration_of(recipient) is not None:
        raise ValidationFailed(_("Văn bản này đã được vào sổ."))
    if number < 1:
        raise ValidationFailed(_("Số đến phải là số dương."))
    year = received_on.year
    taken = db.session.scalar(select(Registration.id).where(
        Registration.agency_id == recipient.agency_id, Registration.year == year,
        Registration.number == number))
    if taken is not None:
        raise ValidationFailed(_("Số đến %(n)d năm %(y)d đã dùng; số tiếp theo là %(next)d.",
                                 n=number, y=year,
                                 next=next_incoming_number(recipient.agency_id, year)))
    registration = Registration(recipient_id=recipient.id, agency_id=recipient.agency_id,
                                year=year, number=number, received_on=received_on,
                                registered_by_id=actor.id, registered_at=now)
    db.session.add(registration)
    db.session.flush()
    record_event("response.registered", recipient.round, actor=actor, now=now,
                 label=recipient.round.subject, changes={"number": number, "year": year},
                 private_to_agency_id=recipient.agency_id)
    return registration


def assign(recipient: RoundRecipient, handler_id: int, coordinator_ids: list[int],
           due_on: date | None, instruction: str, *, actor, now, zone: str) -> Assignment:
    """The leader's Phiếu giải quyết; the handler and coordinators are notified."""
    if not can_assign(actor, recipient):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị được giao xử lý."))
    people = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_([handler_id, *coordinator_ids]), User.agency_id == recipient.agency_id,
        User.is_active_account.is_(True), User.is_api_client.is_(False)))}
    if handler_id not in people:
        raise ValidationFailed(_("Người chủ trì phải là người của đơn vị."))
    if due_on is not None and due_on < local_today(now, zone):
        raise ValidationFailed(_("Hạn xử lý nội bộ không được ở quá khứ."))
    assignment = assignment_of(recipient) or Assignment(recipient_id=recipient.id)
    assignment.handler_id = handler_id
    assignment.coordinators = [people[i] for i in coordinator_ids if i in people
                               and i != handler_id]
    assignment.internal_due_on = due_on
    assignment.instruction = normalize_multiline(instruction)
    assignment.assigned_by_id, assignment.assigned_at = actor.id, now
    db.session.add(assignment)
    db.session.flush()
    notify_users([people[handler_id], *assignment.coordinators], "response.assigned",
                 _l("Bạn được giao xử lý: %(subject)s.", subject=recipient.round.subject),
                 f"/inbox/{recipient.round_id}", now=now, round_id=recipient.round_id,
                 sender_agency_id=recipient.agency_id)
    record_event("response.assigned", recipient.round, actor=actor, now=now,
                 label=recipient.round.subject,
                 changes={"handler": people[handler_id].full_name,
                          "coordinators": [u.full_name for u in assignment.coordinators]},
                 private_to_agency_id=recipient.agency_id)
    return assignment


# ---------------------------------------------------------------- responses and comments


def responses_of(recipient: RoundRecipient) -> list[Response]:
    return list(db.session.scalars(select(Response).where(
        Response.recipient_id == recipient.id).order_by(Response.sequence)))


@dataclass
class BeforeSaving:
    """What a comment's save reads first, in one statement (read_before_saving)."""
    recipient: RoundRecipient
    assignment: Assignment | None
    responses: list[Response]  #: in their order of sequence
    section_id: int | None  #: the section the form names …
    section: DraftSection | None  #: … if it belongs to the round's draft

    @property
    def handling(self) -> tuple[Assignment | None, list[Response]]:
        return self.assignment, self.responses


def read_before_saving(viewer, round_id: int, section_id: int | None) -> BeforeSaving:
    """The viewer's agency's place in a sent round (rounds.permissions.sent_recipient's rule),
    its assignment, its responses and the section a comment names, in one statement: where
    every autosave starts. Not found when the round was not sent to the viewer's agency."""
    parameters = sent_recipient_parameters(viewer, round_id)
    rows = db.session.execute(_before_saving(), {**parameters, "section_id": section_id}
                              ).all() if parameters is not None else []
    if not rows:
        raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
    recipient, assignment, _response, section = rows[0]
    return BeforeSaving(recipient, assignment, [row[2] for row in rows if row[2] is not None],
                        section_id, section)


@lru_cache(maxsize=1)
def _before_saving():
    in_the_rounds_draft = exists().where(round_versions.c.round_id == RoundRecipient.round_id,
                                         round_versions.c.version_id == DraftSection.version_id)
    return (sent_recipient_statement().add_columns(Assignment, Response, DraftSection)
            .outerjoin(Assignment, Assignment.recipient_id == RoundRecipient.id)
            .outerjoin(Response, Response.recipient_id == RoundRecipient.id)
            .outerjoin(DraftSection, and_(
                DraftSection.id == bindparam("section_id", type_=Integer), in_the_rounds_draft))
            .order_by(Response.sequence)
            .options(contains_eager(RoundRecipient.round).load_only(Round.state,
                                                                    Round.deadline_at),
                     load_only(DraftSection.version_id, DraftSection.key,
                               DraftSection.is_commentable)))


def handling_of(recipient: RoundRecipient) -> tuple[Assignment | None, list[Response]]:
    """The recipient's assignment (or None) and its responses in order, in one statement:
    every view of the request or drafting page needs both (an agency has one assignment at
    most and a few responses, so the join stays small; the autosave reads them with its
    place in the round instead: read_before_saving)."""
    rows = db.session.execute(_handling(), {"recipient_id": recipient.id}).all()
    assignment = rows[0][0] if rows else None
    return assignment, [response for _assignment, response in rows if response is not None]


def comments_of(response: Response) -> list[Comment]:
    """The response's comments (not deleted) in the order written, each with its author's
    name read in the same statement: the drafting page says who saved each one. Only the
    columns the page prints (not the folded search text, nor the authors' settings)."""
    return list(db.session.scalars(
        select(Comment).where(Comment.response_id == response.id, Comment.deleted_at.is_(None))
        .order_by(Comment.id).options(
            load_only(Comment.response_id, Comment.section_id, Comment.text,
                      Comment.proposed_wording, Comment.reason, Comment.author_id,
                      Comment.revision, Comment.deleted_at),
            joinedload(Comment.author).load_only(User.full_name).lazyload("*"))))


def comment_counts(responses: list[Response]) -> dict[int, int]:
    """How many comments (not deleted) each of these responses holds, counted in SQL: a list
    of answers shows the number, not the comments."""
    ids = [r.id for r in responses]
    counted = dict(db.session.execute(
        select(Comment.response_id, func.count(Comment.id))
        .where(Comment.response_id.in_(ids), Comment.deleted_at.is_(None))
        .group_by(Comment.response_id)).all()) if ids else {}
    return {id_: counted.get(id_, 0) for id_ in ids}


def editable_response(recipient: RoundRecipient,
                      among: list[Response] | None = None) -> Response | None:
    """The answer being drafted, if any; `among` the recipient's responses when the caller
    has already read them (responses_of)."""
    responses = responses_of(recipient) if among is None else among
    return next((r for r in responses if r.is_editable), None)


def submitted_response(recipient: RoundRecipient) -> Response | None:
    return next((r for r in reversed(responses_of(recipient))
                 if r.state is ResponseState.SUBMITTED), None)


def published_outcomes(recipient: RoundRecipient) -> list:
    """Once the lead office publishes, how each of this agency's comments was handled, in
    the draft's order (general comments last)."""
    round_ = recipient.round
    if round_.state is not RoundState.PUBLISHED:
        return []
    response = submitted_response(recipient)
    if response is None:
        return []
    drafts = [v.id for v in round_.versions]
    in_draft_order = sorted(response.comments, key=lambda c: (
        c.section is None, drafts.index(c.section.version_id) if c.section else 0,
        c.section.position if c.section else 0, c.id))
    return [(comment, comment.disposition.kind_label if comment.disposition else "")
            for comment in in_draft_order]


@lru_cache(maxsize=1)
def _handling():
    return (select(Assignment, Response).select_from(RoundRecipient)
            .outerjoin(Assignment, Assignment.recipient_id == RoundRecipient.id)
            .outerjoin(Response, Response.recipient_id == RoundRecipient.id)
            .where(RoundRecipient.id == bindparam("recipient_id")).order_by(Response.sequence))


def _require_drafting(recipient: RoundRecipient, actor, now, *,
                      assignment: Assignment | None = None, read: bool = True) -> None:
    """Refuse unless the actor may draft now; `read=False`: the caller passes the
    recipient's assignment it has read (handling_of)."""
    if not can_draft(actor, recipient, assignment_of(recipient) if read else assignment):
        raise PermissionDenied(_("Bạn không được giao soạn ý kiến cho văn bản này."))
    if not recipient.accepts_answers(now):
        raise ValidationFailed(_("Đã quá hạn góp ý hoặc đợt lấy ý kiến đã kết thúc."))


def _lock(recipient: RoundRecipient) -> None:
    """Users of one agency starting its answer at once go one after the other (a row lock
    on PostgreSQL; a writing request holds SQLite's write lock already)."""
    db.session.execute(select(RoundRecipient.id).where(RoundRecipient.id == recipient.id)
                       .with_for_update())


def _start_response(recipient: RoundRecipient, *, now, retry: bool = True) -> Response | None:
    """Insert this recipient's next response in one statement that reads the sequence (and,
    without `retry`, that no editable response exists) as it writes, so that concurrent
    requests — pages that start the draft included — never make two. Returns None when
    another user of the agency started one at that moment; with `retry`, the one after."""
    existing = select(Response.id).where(Response.recipient_id == recipient.id)
    next_sequence = select(func.coalesce(func.max(Response.sequence), 0) + 1).where(
        Response.recipient_id == recipient.id).scalar_subquery()
    row = select(literal(recipient.id), next_sequence, literal(ResponseState.DRAFTING.name),
                 literal(now, Response.created_at.type), literal(now, Response.updated_at.type))
    if not retry:
        row = row.where(~existing.where(Response.state.in_(
            [ResponseState.DRAFTING, ResponseState.RETURNED])).exists())
    for _attempt in range(3):
        new_id = db.session.scalar(
            insert_or_ignore(db.session, Response, conflict_columns=["recipient_id", "sequence"])
            .from_select(["recipient_id", "sequence", "state", "created_at", "updated_at"], row)
            .returning(Response.id))
        if new_id is not None:
            return db.session.get(Response, new_id)
        if not retry:
            return None
    raise Conflict(_("Nhiều người cùng thao tác trên văn bản này; hãy thử lại."))


def working_response(recipient: RoundRecipient, *, actor, now, handling=None) -> Response:
    """The response being drafted, started on first use (after a submission: an amendment).
    Two users starting at once get the same response. `handling`: the recipient's assignment
    and responses when the caller has read them (handling_of)."""
    assignment, responses = handling if handling is not None else handling_of(recipient)
    _require_drafting(recipient, actor, now, assignment=assignment, read=False)
    current = editable_response(recipient, among=responses)
    if current is not None:
        return current
    _lock(recipient)
    current = editable_response(recipient)  # started by another user while we waited
    if current is not None:
        return current
    previous = submitted_response(recipient)
    response = _start_response(recipient, now=now, retry=False)
    if response is None:
        db.session.expire_all()  # the other request's response, committed meanwhile
        current = editable_response(recipient)
        if current is None:
            raise Conflict(_("Nhiều người cùng thao tác trên văn bản này; hãy thử lại."))
        return current
    if previous is not None and previous.kind is ResponseKind.COMMENTS:
        for comment in previous.comments:  # an amendment starts from what was sent
            db.session.add(Comment(response_id=response.id, section_id=comment.section_id,
                                   text=comment.text, proposed_wording=comment.proposed_wording,
                                   reason=comment.reason, author_id=comment.author_id,
                                   created_at=now, updated_at=now))
        db.session.flush()
        db.session.expire(response, ["comments"])
    return response


@lru_cache(maxsize=1)
def _round_section():
    """Built once: the section's key and whether it takes comments, not its text (for saves
    that did not start with read_before_saving: the API, a Word file's comments)."""
    return (select(DraftSection)
            .options(load_only(DraftSection.version_id, DraftSection.key,
                               DraftSection.is_commentable))
            .join(round_versions, round_versions.c.version_id == DraftSection.version_id)
            .where(DraftSection.id == bindparam("section_id"),
                   round_versions.c.round_id == bindparam("round_id")))


def _check_section(response: Response, section_id: int | None,
                   read: BeforeSaving | None = None) -> DraftSection | None:
    if section_id is None:
        return None
    if read is not None and read.section_id == section_id:
        section = read.section
    else:
        # The section and its round's draft in one statement; the section stays in the
        # session, where the comment finds it.
        section = db.session.scalar(_round_section(), {
            "section_id": section_id, "round_id": response.recipient.round_id})
    if section is None or not section.is_commentable:
        raise ValidationFailed(_("Mục này không thuộc dự thảo của đợt lấy ý kiến."))
    return section


def _check_lengths(*texts: str) -> None:
    """Every path that writes a comment keeps the limit the form states."""
    longest = max(len(text) for text in texts)
    if longest > MAX_COMMENT_CHARS:
        raise ValidationFailed(_(
            "Ý kiến dài %(n)s ký tự, quá giới hạn %(max)s ký tự cho mỗi ô. Hãy rút gọn hoặc "
            "tách thành nhiều ý kiến.", n=format_number(longest),
            max=format_number(MAX_COMMENT_CHARS)))


@dataclass
class CommentData:
    text: str
    section_id: int | None = None
    proposed_wording: str = ""
    reason: str = ""


def add_comments(recipient: RoundRecipient, items: list[CommentData], *, actor,
                 now) -> list[Comment]:
    """New comments in the agency's working answer (started on first use), all or none: the
    first refused one is named. The right to draft is checked once for all of them."""
    response = working_response(recipient, actor=actor, now=now)
    saved = []
    for number, data in enumerate(items, start=1):
        try:
            saved.append(_write_comment(response, data, actor=actor, now=now))
        except ValidationFailed as refused:
            raise ValidationFailed(_("Ý kiến thứ %(n)d: %(message)s", n=number,
                                     message=refused.message)) from None
    return saved


def add_comment(recipient: RoundRecipient, data: CommentData, *, actor, now,
                read: BeforeSaving | None = None) -> Comment:
    """One new comment in the agency's working answer (the page's autosave, the API);
    `read`: what read_before_saving gave, when the caller started there."""
    response = working_response(recipient, actor=actor, now=now,
                                handling=read.handling if read is not None else None)
    return _write_comment(response, data, actor=actor, now=now, read=read)


def save_comment(response: Response, data: CommentData, *, actor, now,
                 comment: Comment | None = None, revision: int | None = None,
                 read: BeforeSaving | None = None) -> Comment:
    """Create or update a comment; an update naming an older revision is refused.
    `read`: what read_before_saving gave, when the caller started there."""
    if read is None:
        _require_drafting(response.recipient, actor, now)
    else:
        _require_drafting(response.recipient, actor, now, assignment=read.assignment,
                          read=False)
    return _write_comment(response, data, actor=actor, now=now, comment=comment,
                          revision=revision, read=read)


def _write_comment(response: Response, data: CommentData, *, actor, now,
                   comment: Comment | None = None, revision: int | None = None,
                   read: BeforeSaving | None = None) -> Comment:
    """save_comment once the actor's right to draft has been checked."""
    if not response.is_editable:
        raise ValidationFailed(_("Ý kiến đã gửi đi thì không sửa được nữa."))
    text = normalize_multiline(data.text)
    if not text:
        raise ValidationFailed(_("Nội dung góp ý không được để trống."))
    section = _check_section(response, data.section_id, read)
    proposed, reason = normalize_multiline(data.proposed_wording), normalize_multiline(data.reason)
    _check_lengths(text, proposed, reason)
    if comment is None:
        comment = Comment(response_id=response.id, section_id=data.section_id, text=text,
                          proposed_wording=proposed, reason=reason, author_id=actor.id,
                          created_at=now, updated_at=now)
        comment.section = section  # held: the answer shows its key without reading it again
        db.session.add(comment)
        db.session.flush()
        return comment
    if comment.response_id != response.id or comment.deleted_at is not None:
        raise ValidationFailed(_("Không tìm thấy ý kiến này."))
    written = {"text": text, "proposed_wording": proposed, "reason": reason,
               "search_text": Comment.searchable(text, proposed, reason), "updated_at": now}
    # One statement writes and says the new revision (each autosave while typing runs it).
    new_revision = db.session.execute(
        update(Comment).where(Comment.id == comment.id, Comment.revision == revision)
        .values(**written, revision=Comment.revision + 1).returning(Comment.revision)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    if new_revision is None:
        db.session.refresh(comment)
        raise StaleComment(_("Ý kiến này vừa được %(who)s sửa. Bản của bạn chưa được lưu; "
                             "hãy so sánh hai bản dưới đây.", who=comment.author.full_name),
                           theirs=comment, mine=text)
    for name, value in {**written, "revision": new_revision}.items():
        set_committed_value(comment, name, value)  # as the row now stands: nothing to flush
    return comment


def delete_comment(comment: Comment, *, actor, now) -> None:
    response = comment.response
    _require_drafting(response.recipient, actor, now)
    if not response.is_editable:
        raise ValidationFailed(_("Ý kiến đã gửi đi thì không sửa được nữa."))
    comment.deleted_at = now


# ---------------------------------------------------------------- approval and submission


@dataclass
class ReplyLetter:
    number: str
    notation: str
    day: date
    scan: tuple[bytes, str] | None = None


def _check_letter(letter: ReplyLetter) -> None:
    if not normalize(letter.number) or not normalize(letter.notation) or letter.day is None:
        raise ValidationFailed(_("Hãy ghi số, ký hiệu và ngày của văn bản trả lời."))


def _store_scan(letter: ReplyLetter, actor, now):
    if letter.scan is None:
        return None
    data, filename = letter.scan
    check_not_empty(data)
    check_size(data, current_app.config["SCAN_MAX_BYTES"])
    if not data.startswith(b"%PDF-") or not filename.lower().endswith(".pdf"):
        raise ValidationFailed(_("Bản chụp văn bản đã ký phải là tệp PDF."))
    stored = store_file(data, filename, uploaded_by=actor, now=now)
    check_stored_pdf(stored, now=now)  # shown with the reply wherever it is read
    return stored.id


def present_to_leaders(recipient: RoundRecipient, *, actor, now) -> Response:
    """"Trình lãnh đạo": the drafters hand the answer to the agency's leaders, who are told
    (in the app and by e-mail) that it waits for their approval."""
    _require_drafting(recipient, actor, now)
    response = editable_response(recipient)
    if response is None or not any(c.deleted_at is None for c in response.comments):
        raise ValidationFailed(_("Chưa có ý kiến nào để trình lãnh đạo."))
    if response.presented_at is not None:
        raise ValidationFailed(_("Ý kiến đã được trình lãnh đạo."))
    if response.state is ResponseState.RETURNED:  # corrected after a return: drafting again
        response.state = ResponseState.DRAFTING
    response.presented_at, response.presented_by_id = now, actor.id
    response.updated_at = now
    leaders = list(db.session.scalars(select(User).join(UserRole).where(
        User.agency_id == recipient.agency_id, User.is_active_account.is_(True),
        User.is_api_client.is_(False), UserRole.role == Role.LEADER)))
    notify_users(leaders, "response.presented", _l(
        "%(who)s trình duyệt ý kiến góp ý: %(subject)s.", who=actor.full_name,
        subject=recipient.round.subject), f"/inbox/{recipient.round_id}/review", now=now,
        round_id=recipient.round_id, sender_agency_id=recipient.agency_id)
    record_event("response.presented", recipient.round, actor=actor, now=now,
                 label=recipient.round.subject,
                 changes={"comments": sum(1 for c in response.comments if c.deleted_at is None)},
                 private_to_agency_id=recipient.agency_id)
    return response


def return_response(response: Response, note: str, *, actor, now) -> Response:
    if not can_approve(actor, response.recipient):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị được trả lại dự thảo ý kiến."))
    note = normalize_multiline(note)
    if not note:
        raise ValidationFailed(_("Hãy ghi lý do trả lại để người soạn biết cần sửa gì."))
    if response.state is not ResponseState.DRAFTING:
        raise ValidationFailed(_("Chỉ trả lại được ý kiến đang soạn."))
    response.state, response.return_note = ResponseState.RETURNED, note
    response.returned_at = response.updated_at = now
    response.presented_at = response.presented_by_id = None
    notify_agency(response.recipient.agency_id, "response.returned", _l(
        "Lãnh đạo trả lại dự thảo ý kiến: %(note)s", note=note),
        f"/inbox/{response.recipient.round_id}", now=now,
        round_id=response.recipient.round_id, sender_agency_id=response.recipient.agency_id)
    record_event("response.returned", response.recipient.round, actor=actor, now=now,
                 label=response.recipient.round.subject, changes={"note": note},
                 private_to_agency_id=response.recipient.agency_id)
    return response


def _finish(response: Response, letter: ReplyLetter, kind: ResponseKind, *, actor, now,
            by_lead: bool = False) -> Response:
    """Mark the response submitted exactly once (a double click records one submission)."""
    scan_id = _store_scan(letter, actor, now)
    done = db.session.execute(
        update(Response).where(Response.id == response.id,
                               Response.state.in_([ResponseState.DRAFTING,
                                                   ResponseState.RETURNED]))
        .values(state=ResponseState.SUBMITTED, kind=kind, submitted_at=now,
                submitted_by_id=actor.id, reply_number=normalize(letter.number),
                reply_notation=normalize(letter.notation).upper(), reply_date=letter.day,
                scan_file_id=scan_id, entered_by_lead=by_lead, updated_at=now)).rowcount
    if done != 1:
        raise Conflict(_("Ý kiến này đã được gửi."))
    db.session.refresh(response)
    db.session.execute(update(Response).where(
        Response.recipient_id == response.recipient_id, Response.id != response.id,
        Response.state == ResponseState.SUBMITTED).values(state=ResponseState.SUPERSEDED))
    recipient = response.recipient
    notify_agency(recipient.round.agency_id, "response.submitted", _l(
        "%(agency)s đã gửi ý kiến về %(subject)s (văn bản số %(ref)s).",
        agency=recipient.agency.name, subject=recipient.round.subject,
        ref=response.reference), f"/rounds/{recipient.round_id}/tracker", now=now,
        round_id=recipient.round_id, sender_agency_id=recipient.agency_id)
    record_event("response.submitted", recipient.round, actor=actor, now=now,
                 label=f"{recipient.round.subject} — {recipient.agency.name}",
                 changes={"kind": kind.value, "reply": response.reference,
                          "comments": len(response.comments), "by_lead": by_lead})
    return response


def submit_response(response: Response, letter: ReplyLetter, *, actor, now) -> Response:
    """The leader approves and sends the comments with the reply letter's number and date."""
    recipient = response.recipient
    if not can_approve(actor, recipient):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị được duyệt và gửi ý kiến."))
    if not recipient.accepts_answers(now):
        raise ValidationFailed(_("Đã quá hạn góp ý hoặc đợt lấy ý kiến đã kết thúc; không gửi "
                                 "được nữa."))
    _check_letter(letter)
    if not response.comments:
        raise ValidationFailed(_("Chưa có ý kiến nào. Nếu đơn vị thống nhất với dự thảo, hãy "
                                 "dùng \"Thống nhất, không có ý kiến\"."))
    return _finish(response, letter, ResponseKind.COMMENTS, actor=actor, now=now)


def agree(recipient: RoundRecipient, letter: ReplyLetter, *, actor, now) -> Response:
    """ "Thống nhất với nội dung dự thảo, không có ý kiến khác" — still a numbered letter."""
    if not can_approve(actor, recipient):
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị được duyệt và gửi ý kiến."))
    if not recipient.accepts_answers(now):
        raise ValidationFailed(_("Đã quá hạn góp ý hoặc đợt lấy ý kiến đã kết thúc; không gửi "
                                 "được nữa."))
    _check_letter(letter)
    response = editable_response(recipient) or _start_response(recipient, now=now)
    return _finish(response, letter, ResponseKind.AGREED, actor=actor, now=now)


def record_paper_reply(recipient: RoundRecipient, letter: ReplyLetter,
                       comments: list[CommentData], *, actor, now,
                       typed_by_lead: bool = True) -> Response:
    """The lead office types in a reply that came by paper or e-office, on the agency's behalf;
    with typed_by_lead False, a reply that arrived as data (an edXML package) is recorded the
    same way but not marked as typed by the lead office."""

    round_ = recipient.round
    if not can_manage_round(actor, round_):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì được nhập văn bản trả lời giấy."))
    if round_.state not in (RoundState.OPEN, RoundState.CLOSED):
        raise ValidationFailed(_("Đợt lấy ý kiến chưa gửi hoặc đã tổng hợp."))
    _check_letter(letter)
    response = _start_response(recipient, now=now)
    for data in comments:
        if not normalize_multiline(data.text):
            continue
        _check_section(response, data.section_id)
        _check_lengths(data.text, data.proposed_wording, data.reason)
        db.session.add(Comment(response_id=response.id, section_id=data.section_id,
                               text=normalize_multiline(data.text),
                               proposed_wording=normalize_multiline(data.proposed_wording),
                               reason=normalize_multiline(data.reason), author_id=actor.id,
                               created_at=now, updated_at=now))
    db.session.flush()
    db.session.expire(response, ["comments"])
    kind = ResponseKind.COMMENTS if response.comments else ResponseKind.AGREED
    return _finish(response, letter, kind, actor=actor, now=now, by_lead=typed_by_lead)
