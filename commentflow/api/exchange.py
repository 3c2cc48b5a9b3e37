"""API for edXML packages (QCVN 102:2016/BTTTT): a round's request and an agency's reply
downloaded as packages, and packages handed in — a request into the agency's inbox, a reply
or a status onto the lead office's tracker."""
import marshmallow as ma
from flask import g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort

from commentflow.accounts.api_tokens import LEAD, READ, RESPOND
from commentflow.api.auth import actor, token_required
from commentflow.core.clock import configured_zone, now_utc
from commentflow.exchange.folders import import_and_commit
from commentflow.exchange.services import reply_package, request_package
from commentflow.responses.services import submitted_response
from commentflow.rounds.services import get_round_for_lead, get_round_for_recipient
from commentflow.storage.services import download_response

bp = Blueprint("api_exchange", __name__, url_prefix="/api/v1",
               description="Gói tin edXML (QCVN 102:2016/BTTTT) với trục liên thông văn bản")

EDXML = "application/xml"
_PACKAGE = {"content": {EDXML: {"schema": {"type": "string", "format": "binary"}}}}


class PackageArgs(ma.Schema):
    agency_id = ma.fields.Integer(load_default=None, metadata={
        "description": "Chỉ cho một nơi nhận (mặc định: mọi nơi nhận của đợt)"})


class ReceivedSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(allow_none=True, metadata={"description": "request, reply, status"})
    round_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String()


@bp.route("/rounds/<int:round_id>/request.edxml")
@token_required(LEAD)
@bp.arguments(PackageArgs, location="query")
@bp.doc(responses={"200": {"description": "Công văn xin ý kiến kèm dự thảo (edXML)",
                           **_PACKAGE}})
def request_edxml(args, round_id: int):
    """The round's request letter with its drafts, for its recipients (or one of them)."""
    round_ = get_round_for_lead(round_id, viewer=actor())
    recipients = [r for r in round_.recipients
                  if args["agency_id"] in (None, r.agency_id)]
    if not recipients:
        abort(404, message=_("Cơ quan này không có trong nơi nhận của đợt lấy ý kiến."))
    data = request_package(round_, recipients, zone=configured_zone())
    return download_response(data, f"cong-van-{round_.reference.replace('/', '-')}.edxml",
                             EDXML)


@bp.route("/inbox/<int:round_id>/reply.edxml")
@token_required(READ)
@bp.doc(responses={"200": {"description": "Văn bản trả lời đã gửi, kèm bản PDF đã ký và ý "
                                          "kiến theo từng mục (edXML)", **_PACKAGE}})
def reply_edxml(round_id: int):
    """The agency's reply as sent, to hand to the exchange (404 until it is sent)."""
    _round, recipient = get_round_for_recipient(round_id, viewer=actor())
    response = submitted_response(recipient)
    if response is None:
        abort(404, message=_("Đơn vị chưa gửi văn bản trả lời cho văn bản này."))
    return download_response(reply_package(response),
                             f"tra-loi-{response.reference.replace('/', '-')}.edxml", EDXML)


@bp.route("/exchange/packages", methods=["POST"])
@token_required(RESPOND, LEAD)
@bp.doc(requestBody={"required": True, "content": {EDXML: {"schema": {
    "type": "string", "format": "binary"}}}})
@bp.response(201, ReceivedSchema)
def receive(**_kwargs):
    """Hand in a package addressed to the token's agency: a request (into its inbox), a reply
    or a status (onto its round's tracker). A refused package is kept with the reason (422)."""
    upload = request.files.get("package")
    data = upload.read() if upload else request.get_data(cache=False)
    name = (upload.filename if upload else "") or "goi-tin.edxml"
    message, applied = import_and_commit(data, name, now=now_utc(), zone=configured_zone(),
                                         agency_id=g.api_token.agency_id)
    if not applied:
        abort(422, message=message.reason)
    return {"id": message.id, "kind": message.kind.value if message.kind else None,
            "round_id": message.round_id, "note": message.reason}
