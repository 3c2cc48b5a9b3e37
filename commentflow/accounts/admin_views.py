"""Administrator pages for users: list, create, edit, (de)activate, reset a password."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from commentflow.accounts.forms import ROLE_LABELS, PasswordResetForm, UserForm
from commentflow.accounts.models import Role, User
from commentflow.accounts.services import (
    UserData,
    create_user,
    reset_password,
    search_users,
    set_user_active,
    update_user,
)
from commentflow.core.clock import now_utc
from commentflow.core.errors import ValidationFailed
from commentflow.directory.services import search_agencies
from commentflow.extensions import db
from commentflow.web.auth import admin_required
from commentflow.web.forms import ActiveToggleForm, save_form
from commentflow.web.security import form_view

bp = Blueprint("users_admin", __name__, url_prefix="/admin/users")


def _agency_choices():
    agencies = db.session.scalars(search_agencies(include_inactive=False)).all()
    return [(a.id, a.name) for a in agencies]


def _person_or_404(user_id: int) -> User:
    """A person's account (an API token's account is kept on the tokens page)."""
    user = db.get_or_404(User, user_id)
    if user.is_api_client:
        abort(404)
    return user


def _form_data(form: UserForm) -> UserData:
    return UserData(username=form.username.data, full_name=form.full_name.data,
                    agency_id=form.agency_id.data, position=form.position.data,
                    email=form.email.data, locale=form.locale.data,
                    roles={Role(value) for value in form.roles.data})


@bp.route("/")
@admin_required
def index():
    query = request.args.get("q", "")
    page = db.paginate(search_users(query=query).options(joinedload(User.agency)),
                       per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("accounts/admin_list.html", page=page, query=query,
                           role_labels=ROLE_LABELS, action_form=ActiveToggleForm())


@bp.route("/new", methods=["GET", "POST"])
@admin_required
@form_view
def create():
    form = UserForm()
    form.agency_id.choices = _agency_choices()
    done = save_form(form, lambda: create_user(
        _form_data(form), form.password.data or "", actor=current_user, now=now_utc()),
        lambda user: _("Đã tạo người dùng %(name)s.", name=user.full_name),
        lambda _user: url_for(".index"))
    return done or render_template("accounts/admin_form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
@form_view
def edit(user_id: int):
    user = _person_or_404(user_id)
    form = UserForm(obj=user)
    form.agency_id.choices = _agency_choices()
    if request.method == "GET":
        form.roles.data = [r.value for r in user.roles]
        form.locale.data = user.locale or ""
    done = save_form(form, lambda: update_user(
        user, _form_data(form), actor=current_user, now=now_utc()),
        lambda _saved: _("Đã lưu thông tin người dùng."), lambda _saved: url_for(".index"))
    return done or render_template("accounts/admin_form.html", form=form, user=user,
                           reset_form=PasswordResetForm(), action_form=ActiveToggleForm())


@bp.route("/<int:user_id>/active", methods=["POST"])
@admin_required
def toggle_active(user_id: int):
    user = _person_or_404(user_id)
    form = ActiveToggleForm()
    try:
        if not form.validate():
            raise ValidationFailed(_("Yêu cầu không hợp lệ."))
        set_user_active(user, form.active.data == "1", actor=current_user, now=now_utc())
    except ValidationFailed as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Đã mở khóa tài khoản.") if user.is_active_account
              else _("Đã khóa tài khoản; mọi phiên đăng nhập của người này đã kết thúc."),
              "success")
    return redirect(url_for(".index"))


@bp.route("/<int:user_id>/password", methods=["POST"])
@admin_required
def reset(user_id: int):
    user = _person_or_404(user_id)
    form = PasswordResetForm()
    try:
        if not form.validate():
            raise ValidationFailed(_("Hãy nhập mật khẩu mới."))
        reset_password(user, form.password.data, actor=current_user, now=now_utc())
    except ValidationFailed as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Đã đặt lại mật khẩu; người dùng phải đăng nhập lại."), "success")
    return redirect(url_for(".edit", user_id=user.id))
