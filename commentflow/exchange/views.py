"""Pages of the edXML exchange: for administrators every package received or written (the
refused ones with their reason), for the offices their request or reply as a package."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from commentflow.core.clock import configured_zone
from commentflow.core.roles import Role
from commentflow.exchange import services
from commentflow.exchange.models import Direction, ExchangeMessage, Outcome, PackageKind
from commentflow.extensions import db
from commentflow.responses.models import Response
from commentflow.rounds.services import get_round_for_lead, get_round_for_recipient
from commentflow.storage.services import download_response
from commentflow.web.auth import admin_required, roles_required
from commentflow.web.i18n import translated

bp = Blueprint("exchange", __name__, url_prefix="/admin/exchange")

LABELS = {
    Direction.INCOMING: _l("Nhận"), Direction.OUTGOING: _l("Gửi"),
    PackageKind.REQUEST: _l("Công văn xin ý kiến"), PackageKind.REPLY: _l("Văn bản trả lời"),
    PackageKind.STATUS: _l("Trạng thái"), Outcome.IMPORTED: _l("Đã nhận"),
    Outcome.REFUSED: _l("Từ chối"), Outcome.WRITTEN: _l("Đã ghi ra thư mục gửi"),
}


@bp.route("/")
@admin_required
def index():
    refused_only = request.args.get("refused") == "1"
    query = select(ExchangeMessage).options(joinedload(ExchangeMessage.file)) \
        .order_by(ExchangeMessage.created_at.desc(), ExchangeMessage.id.desc())
    if refused_only:
        query = query.where(ExchangeMessage.outcome == Outcome.REFUSED)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("exchange/index.html", page=page, labels=translated(LABELS),
                           refused_only=refused_only, refused=Outcome.REFUSED,
                           folder=current_app.config.get("EXCHANGE_DIR"))


@bp.route("/<int:message_id>/package")
@admin_required
def package(message_id: int):
    message = db.get_or_404(ExchangeMessage, message_id)
    if message.file is None:
        abort(404)
    return download_response(message.file.data, message.file.filename, "application/xml",
                             built=False)


#: The same packages for an office with no exchange adapter: the clerk carries them over.
downloads = Blueprint("exchange_downloads", __name__)


@downloads.route("/rounds/<int:round_id>/request.edxml")
@roles_required(Role.LEAD_STAFF, Role.LEADER)
def request_package(round_id: int):
    round_ = get_round_for_lead(round_id, viewer=current_user)
    data = services.request_package(round_, list(round_.recipients), zone=configured_zone())
    return download_response(data, f"cong-van-{round_.reference.replace('/', '-')}.edxml",
                             "application/xml")


@downloads.route("/inbox/<int:round_id>/responses/<int:response_id>/reply.edxml")
@login_required
def reply_package(round_id: int, response_id: int):
    _round, recipient = get_round_for_recipient(round_id, viewer=current_user)
    response = db.session.get(Response, response_id)
    if response is None or response.recipient_id != recipient.id or not response.is_submitted:
        abort(404)
    return download_response(services.reply_package(response),
                             f"tra-loi-{response.reference.replace('/', '-')}.edxml",
                             "application/xml")
