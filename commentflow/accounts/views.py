"""Logging in and out, and changing one's own password."""
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from commentflow.accounts.forms import LoginForm, PasswordChangeForm
from commentflow.accounts.services import change_password
from commentflow.accounts.sessions import (
    LoginRefused,
    LoginThrottled,
    authenticate,
    close_session,
    open_session,
)
from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.db import loaded_after_commit
from commentflow.core.errors import ValidationFailed
from commentflow.core.pool import keep_plans
from commentflow.extensions import db
from commentflow.web.forms import ActionForm
from commentflow.web.navigation import safe_next
from commentflow.web.security import form_view

bp = Blueprint("accounts", __name__)
# Signing in, the CSRF token, one's own settings: one user's rows by key.
keep_plans(bp)


@bp.route("/login", methods=["GET", "POST"])
@form_view
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        now = now_utc()
        try:
            user = authenticate(form.username.data, form.password.data, now=now,
                                zone=configured_zone(),
                                remote_addr=request.remote_addr)
            open_session(user, remember=form.remember.data, now=now,
                         remote_addr=request.remote_addr)
            with loaded_after_commit(db.session):  # login_user reads the user just written
                db.session.commit()
        except LoginThrottled as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
            status = 429
        except LoginRefused as refusal:
            db.session.commit()  # the failed attempt counts towards the throttle
            flash(refusal.message, "error")
            status = 401
        else:
            locale = session.get("locale")
            session.clear()
            if locale:
                session["locale"] = locale
            login_user(user, remember=form.remember.data,
                       duration=current_app.config["REMEMBER_COOKIE_DURATION"])
            return redirect(safe_next(form.next.data))
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@form_view
def logout():
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Trang đã mở quá lâu; hãy bấm Đăng xuất lần nữa."), "warning")
        return redirect(url_for("home.index"))
    if current_user.is_authenticated:
        close_session(current_user.current_session_token, now=now_utc())
        db.session.commit()
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@form_view
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data, now=now_utc())
        except ValidationFailed as error:
            form.new.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã được đóng."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password.html", form=form)
