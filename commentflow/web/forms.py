"""The one way a form page saves: validate, call the service, commit, flash, redirect."""
from collections.abc import Callable

from flask import flash, redirect
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from commentflow.core.errors import DomainError
from commentflow.extensions import db


def save_form(form: FlaskForm, action: Callable[[], object], success: Callable[[object], str],
              target: Callable[[object], str]):
    """On a valid POST run `action` (a service call); a DomainError is flashed and the form
    shown again with what was typed. Returns a redirect, or None to re-render the page."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return None
    db.session.commit()
    flash(success(result), "success")
    return redirect(target(result))


def form_errors(form: FlaskForm) -> str:
    """All of a form's messages in one sentence, for a flash after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors) \
        or _("Yêu cầu không hợp lệ.")


def run_action(action: Callable[[], object], success: str) -> bool:
    """Run a service call from a button: commit and flash success, or roll back and flash
    the DomainError's message. Returns whether it succeeded."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def validated(form: FlaskForm) -> None:
    """Raise the form's messages as a DomainError (inside a run_action)."""
    if not form.validate():
        raise DomainError(form_errors(form))
