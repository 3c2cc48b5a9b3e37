"""Administrator pages for API tokens: list, issue (the secret shown once), revoke."""
from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from commentflow.accounts.api_tokens import SCOPE_LABELS, issue_token, revoke_token, tokens_query
from commentflow.accounts.forms import ApiTokenForm
from commentflow.accounts.models import ApiToken
from commentflow.core.clock import now_utc
from commentflow.core.errors import DomainError, ValidationFailed
from commentflow.directory.services import search_agencies
from commentflow.extensions import db
from commentflow.web.auth import admin_required
from commentflow.web.forms import ActionForm, form_errors, run_action
from commentflow.web.security import form_view

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")


def _form() -> ApiTokenForm:
    form = ApiTokenForm()
    form.agency_id.choices = [(a.id, a.name) for a in db.session.scalars(
        search_agencies(include_inactive=False))]
    form.scopes.choices = [(key, str(label)) for key, label in SCOPE_LABELS.items()]
    return form


def _list(form: ApiTokenForm, status: int = 200):
    page = db.paginate(tokens_query(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("accounts/api_tokens.html", page=page, form=form,
                           action_form=ActionForm(), scope_labels=SCOPE_LABELS), status


@bp.route("/")
@admin_required
def index():
    return _list(_form())


@bp.route("/", methods=["POST"])
@admin_required
@form_view
def issue():
    form = _form()
    try:
        if not form.validate():
            raise ValidationFailed(form_errors(form))
        issued = issue_token(form.name.data, form.agency_id.data, set(form.scopes.data),
                             actor=current_user, now=now_utc())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _list(form, 422)
    db.session.commit()
    # The secret exists on this page only: never cached, never in an address or a log.
    response = make_response(render_template("accounts/api_token_issued.html",
                                              token=issued.token, secret=issued.secret,
                                              scope_labels=SCOPE_LABELS,
                                              api_base=request.host_url + "api/v1"))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@admin_required
def revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    run_action(lambda: revoke_token(token, actor=current_user, now=now_utc()),
               _("Đã thu hồi khóa \"%(name)s\"; hệ thống dùng khóa này không gọi được nữa.",
                 name=token.name), form=ActionForm())
    return redirect(url_for(".index"))
