"""API for a recipient agency's system: its inbox, a request with its draft's outline, and the
answer — register, assign, comments, submit with the reply letter — through the same
services as the pages."""
from flask import current_app, g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from commentflow.accounts.api_tokens import LEAD, READ, RESPOND
from commentflow.accounts.models import User
from commentflow.api import presenting
from commentflow.api.auth import actor, token_required
from commentflow.api.schemas import (
    AssignmentIn,
    AssignmentSchema,
    CommentIn,
    CommentSchema,
    CommentsIn,
    CommentUpdateIn,
    InboxPageSchema,
    OutlineSchema,
    PageArgs,
    PersonSchema,
    RegistrationIn,
    RegistrationSchema,
    RequestSchema,
    ResponseSchema,
    SubmissionIn,
    TokenInfoSchema,
)
from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.db import loaded_after_commit
from commentflow.core.errors import ValidationFailed
from commentflow.core.paging import page_info
from commentflow.core.pool import keep_plans
from commentflow.extensions import db
from commentflow.responses import services
from commentflow.responses.models import Comment
from commentflow.responses.services import StaleComment
from commentflow.responses.tracker import agency_states
from commentflow.rounds.services import get_round_for_recipient, inbox_page

bp = Blueprint("api_inbox", __name__, url_prefix="/api/v1",
               description="Văn bản đến của đơn vị và ý kiến trả lời")
# An agency's system reading and answering its own requests: its rows by key.
keep_plans(bp)


def _commit():
    """The call's changes are kept, and what was loaded stays readable for the reply."""
    with loaded_after_commit(db.session):
        db.session.commit()


@bp.route("/me")
@token_required(READ, RESPOND, LEAD)
@bp.response(200, TokenInfoSchema)
def me():
    """The calling token: its name, agency, scopes and rate limit."""
    token = g.api_token
    return {"name": token.name, "agency": presenting.agency(actor().agency),
            "scopes": token.scopes,
            "rate_limit_per_minute": current_app.config["API_RATE_LIMIT_PER_MINUTE"]}


@bp.route("/agency/users")
@token_required(READ)
@bp.response(200, PersonSchema(many=True))
def agency_users():
    """The agency's people (for the handler and coordinators of an assignment)."""
    people = db.session.scalars(select(User).where(
        User.agency_id == actor().agency_id, User.is_active_account.is_(True),
        User.is_api_client.is_(False)).order_by(User.full_name_sort_key))
    return [presenting.person(u) for u in people]


@bp.route("/inbox")
@token_required(READ)
@bp.arguments(PageArgs, location="query")
@bp.response(200, InboxPageSchema)
def inbox(args):
    """Requests for comments sent to the agency, the latest deadline first."""
    pagination = inbox_page(actor().agency_id, args["page"], args["per_page"])
    entries, now = pagination.items, now_utc()
    states = agency_states(entries, now=now, zone=configured_zone())
    info = page_info(pagination.total or 0, args["page"], args["per_page"])
    return presenting.page([presenting.request_summary(e, states[e.id]) for e in entries],
                           info, pagination.total or 0)


def _request(round_id: int):
    return get_round_for_recipient(round_id, viewer=actor())


def _current_response(recipient):
    """The answer being drafted, else the last one sent (one query for both)."""
    answers = services.responses_of(recipient)
    return next((r for r in answers if r.is_editable), None) or \
        next((r for r in reversed(answers) if r.is_submitted), None)


@bp.route("/inbox/<int:round_id>")
@token_required(READ)
@bp.response(200, RequestSchema)
def request_detail(round_id: int):
    """One request: the letter's facts, the draft versions, and the agency's handling of it."""
    round_, recipient = _request(round_id)
    now = now_utc()
    state = agency_states([recipient], now=now, zone=configured_zone())[recipient.id]
    data = presenting.request_summary(recipient, state)
    data.update(urgency=round_.urgency.value, body=round_.body,
                collecting_unit=round_.collecting_unit, contact=round_.contact,
                signer_name=round_.signer_name, accepts_answers=recipient.accepts_answers(now),
                versions=presenting.versions(round_),
                registration=presenting.registration(services.registration_of(recipient)),
                assignment=presenting.assignment(services.assignment_of(recipient)),
                response=presenting.response(_current_response(recipient)))
    return data


@bp.route("/inbox/<int:round_id>/outline")
@token_required(READ)
@bp.response(200, OutlineSchema)
def outline(round_id: int):
    """The sections of the draft(s), each with the id a comment names."""
    round_, _recipient = _request(round_id)
    return presenting.outline(round_)


@bp.route("/inbox/<int:round_id>/response")
@token_required(READ)
@bp.response(200, ResponseSchema)
def response(round_id: int):
    """The answer being drafted, or else the one sent."""
    _round, recipient = _request(round_id)
    current = _current_response(recipient)
    if current is None:
        abort(404, message=_no_answer())
    return presenting.response(current)


def _no_answer() -> str:
    return _("Đơn vị chưa có ý kiến nào cho văn bản này.")


@bp.route("/inbox/<int:round_id>/registration", methods=["POST"])
@token_required(RESPOND)
@bp.arguments(RegistrationIn)
@bp.response(201, RegistrationSchema)
def register(args, round_id: int):
    """Enter the request in the agency's register of incoming documents (số đến)."""
    _round, recipient = _request(round_id)
    registration = services.register_request(recipient, args["number"], args["received_on"],
                                             actor=actor(), now=now_utc())
    _commit()
    return presenting.registration(registration)


def _people_ids(usernames: list[str], agency_id: int) -> dict[str, int]:
    names = {name.strip().lower() for name in usernames}
    found = dict(db.session.execute(select(User.username, User.id).where(
        User.username.in_(names), User.agency_id == agency_id,
        User.is_api_client.is_(False))).all())
    unknown = sorted(names - set(found))
    if unknown:
        raise ValidationFailed(_("Không có người dùng %(names)s trong đơn vị.",
                                 names=", ".join(unknown)))
    return found


@bp.route("/inbox/<int:round_id>/assignment", methods=["POST"])
@token_required(RESPOND)
@bp.arguments(AssignmentIn)
@bp.response(201, AssignmentSchema)
def assign(args, round_id: int):
    """The leader's assignment (phiếu giải quyết): the handler and the coordinators."""
    _round, recipient = _request(round_id)
    ids = _people_ids([args["handler"], *args["coordinators"]], recipient.agency_id)
    assignment = services.assign(
        recipient, ids[args["handler"].strip().lower()],
        [ids[name.strip().lower()] for name in args["coordinators"]], args["due_on"],
        args["instruction"], actor=actor(), now=now_utc(), zone=configured_zone())
    _commit()
    return presenting.assignment(assignment)


def _data(args) -> services.CommentData:
    return services.CommentData(text=args["text"], section_id=args["section_id"],
                                proposed_wording=args["proposed_wording"],
                                reason=args["reason"])


@bp.route("/inbox/<int:round_id>/comments", methods=["POST"])
@token_required(RESPOND)
@bp.arguments(CommentIn)
@bp.response(201, CommentSchema)
def create_comment(args, round_id: int):
    """A comment on one section (or on the whole draft), in the answer being drafted."""
    _round, recipient = _request(round_id)
    now = now_utc()
    comment = services.add_comment(recipient, _data(args), actor=actor(), now=now)
    _commit()
    return presenting.comment(comment)


@bp.route("/inbox/<int:round_id>/comments/batch", methods=["POST"])
@token_required(RESPOND)
@bp.arguments(CommentsIn)
@bp.response(201, CommentSchema(many=True))
def create_comments(args, round_id: int):
    """Several comments at once, as an e-office system holds them: all are saved, or none
    (the first refused one is named in the message)."""
    _round, recipient = _request(round_id)
    now = now_utc()
    saved = services.add_comments(recipient, [_data(item) for item in args["comments"]],
                                  actor=actor(), now=now)
    _commit()
    return [presenting.comment(c) for c in saved]


def _comment(recipient, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.deleted_at is not None or \
            comment.response.recipient_id != recipient.id:
        abort(404, message=_("Không tìm thấy ý kiến này."))
    return comment


@bp.route("/inbox/<int:round_id>/comments/<int:comment_id>", methods=["PUT"])
@token_required(RESPOND)
@bp.arguments(CommentUpdateIn)
@bp.response(200, CommentSchema)
def update_comment(args, round_id: int, comment_id: int):
    """Replace a comment (every field: what is left out is emptied); naming an older revision
    is refused (409) with the stored text."""
    _round, recipient = _request(round_id)
    comment = _comment(recipient, comment_id)
    try:
        comment = services.save_comment(comment.response, _data(args), actor=actor(),
                                        now=now_utc(), comment=comment,
                                        revision=args["revision"])
    except StaleComment as stale:
        db.session.rollback()
        abort(409, message=stale.message, errors={"theirs": presenting.comment(stale.theirs)})
    _commit()
    return presenting.comment(comment)


@bp.route("/inbox/<int:round_id>/comments/<int:comment_id>", methods=["DELETE"])
@token_required(RESPOND)
@bp.response(204)
def delete_comment(round_id: int, comment_id: int):
    """Remove a comment from the answer being drafted."""
    _round, recipient = _request(round_id)
    services.delete_comment(_comment(recipient, comment_id), actor=actor(), now=now_utc())
    db.session.commit()


@bp.route("/inbox/<int:round_id>/submission", methods=["POST"])
@token_required(RESPOND)
@bp.arguments(SubmissionIn, location="form", content_type="multipart/form-data")
@bp.response(201, ResponseSchema)
def submit(args, round_id: int):
    """Send the answer with its reply letter (number, notation, date, and the signed PDF);
    with agree=true, "Thống nhất, không có ý kiến"."""
    _round, recipient = _request(round_id)
    upload = request.files.get("letter")
    letter = services.ReplyLetter(
        number=args["reply_number"], notation=args["reply_notation"], day=args["reply_date"],
        scan=(upload.read(), upload.filename or "") if upload and upload.filename else None)
    now = now_utc()
    if args["agree"]:
        sent = services.agree(recipient, letter, actor=actor(), now=now)
    else:
        working = services.editable_response(recipient)
        if working is None:
                raise ValidationFailed(_("Chưa có ý kiến nào đang soạn để gửi; nếu đơn vị thống "
                                     "nhất với dự thảo, hãy gửi agree=true."))
        sent = services.submit_response(working, letter, actor=actor(), now=now)
    _commit()
    return presenting.response(sent)
