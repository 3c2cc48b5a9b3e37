"""Administrator pages of the edXML exchange: every package received or written, the refused
ones with their reason, each downloadable as it was."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from commentflow.exchange.models import Direction, ExchangeMessage, Outcome, PackageKind
from commentflow.extensions import db
from commentflow.storage.services import download_response
from commentflow.web.auth import admin_required
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
    return download_response(message.file.data, message.file.filename, "application/xml")
