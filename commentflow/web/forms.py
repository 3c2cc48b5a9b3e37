"""The one way a form page saves: validate, call the service, commit, flash, redirect."""
from collections.abc import Callable

from flask import flash, redirect
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
