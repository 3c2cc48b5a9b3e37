"""Recipient agencies' side of a round: the inbox, the request and the draft to read."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required

from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.db import loaded_after_commit
from commentflow.core.pool import keep_plans
from commentflow.drafts.converting import as_requested
from commentflow.drafts.models import DraftVersion
from commentflow.drafts.shown import shown_sections
from commentflow.exports.letters import build_letter
from commentflow.extensions import db
from commentflow.responses.inbox_list import inbox_entries
from commentflow.responses.tracker import STATE_LABELS
from commentflow.responses.views import panel_context
from commentflow.rounds import letters, services
from commentflow.rounds.models import ROUND_STATE_LABELS
from commentflow.storage.services import download_response
from commentflow.web.i18n import translated
from commentflow.web.urls import urls_by

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
# One agency's page of its inbox, read by its agency's key.
keep_plans(bp)


@bp.route("/")
@login_required
def index():
    entries, page = inbox_entries(current_user.agency_id, request.args.get("page", 1, type=int),
                                  current_app.config["PAGE_SIZE"], now=now_utc(),
                                  zone=configured_zone())
    return render_template("rounds/inbox.html", entries=entries, page=page,
                           labels=translated(STATE_LABELS),
                           round_states=translated(ROUND_STATE_LABELS),
                           links=urls_by("inbox.show", "round_id", [e.round_id for e in entries]))


@bp.route("/<int:round_id>")
@login_required
def show(round_id: int):
    round_, recipient = services.get_round_for_recipient(round_id, viewer=current_user)
    # Saved on the first opening only, and what the page has loaded (the round, its drafts,
    # the signed-in user) is kept, not read again after the commit.
    if services.mark_opened(recipient, current_user, now=now_utc()):
        with loaded_after_commit(db.session):
            db.session.commit()
    documents = [(v, shown_sections(v)) for v in round_.versions]
    return render_template("rounds/received.html", round_=round_, recipient=recipient,
                           now=now_utc(), documents=documents,
                           **panel_context(round_, recipient))


@bp.route("/<int:round_id>/letter.docx")
@login_required
def letter(round_id: int):
    round_, _recipient = services.get_round_for_recipient(round_id, viewer=current_user)
    data = build_letter(letters.request_letter(round_, configured_zone()))
    return download_response(*as_requested(
        data, f"cong-van-{round_.reference.replace('/', '-')}.docx", request.args.get("format")))


@bp.route("/<int:round_id>/versions/<int:version_id>/file")
@login_required
def draft_file(round_id: int, version_id: int):
    round_, _recipient = services.get_round_for_recipient(round_id, viewer=current_user)
    version = db.session.get(DraftVersion, version_id)
    if version is None or version not in round_.versions:
        abort(404)
    return download_response(version.file.data, version.file.filename, version.file.content_type,
                             built=False)
