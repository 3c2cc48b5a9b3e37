"""The base form (text cleaned on the way in) and the one way a form page saves: validate,
call the service, commit, flash, redirect."""
from collections.abc import Callable
from datetime import datetime

import wtforms
from flask import flash, redirect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from commentflow.core.db import loaded_after_commit
from commentflow.core.errors import DomainError, ValidationFailed
from commentflow.core.text import clean
from commentflow.extensions import db
from commentflow.web.read_requests import commit_if_written


def _clean_input(value):
    return clean(value) if isinstance(value, str) else value


REQUIRED = _l("Trường này bắt buộc.")
BAD_DATE = _l("Ngày không hợp lệ (dd/mm/yyyy).")
BAD_TIME = _l("Giờ không hợp lệ (HH:MM, 24 giờ).")


class _CleanText:
    """What is typed into a text field arrives NFC and without control characters (a
    password is taken exactly as typed). Ids stay unique on a page of many forms: the CSRF
    field has none (a page with a form per comment printed the same id a hundred times),
    and a form shown beside another with the same fields gives its own an `id_prefix`, so
    that each label names its own field."""

    id_prefix = ""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            options["filters"] = (_clean_input, *options.get("filters", ()))
        if self.id_prefix and "id" not in unbound_field.kwargs:
            options["id"] = self.id_prefix + options.get("prefix", "") + options["name"]
        return unbound_field.bind(form=form, **options)

    def render_field(self, field, render_kw):
        if field.type == "CSRFTokenField":
            render_kw = {"id": False, **render_kw}
        return super().render_field(field, render_kw)


class Form(FlaskForm):
    """Every form of the app (CSRF-protected, text cleaned on the way in)."""

    class Meta(_CleanText):
        pass


class SubForm(wtforms.Form):
    """A group of fields repeated inside a Form (FieldList of FormField), cleaned alike."""

    class Meta(_CleanText):
        pass


class ActionForm(Form):
    """An empty form: a button that posts, protected by the CSRF token."""


class ActiveToggleForm(Form):
    """Deactivate ("0") or reactivate ("1") a record; nothing is ever deleted."""

    active = HiddenField(validators=[DataRequired(), Regexp(r"^[01]$")])


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def save_form(form: FlaskForm, action: Callable[[], object], success: Callable[[object], str],
              target: Callable[[object], str]):
    """A form page: on a valid POST run `action` (a service call), commit, flash and redirect
    to `target`. A DomainError is rolled back and shown with the form and what was typed —
    under its field when it names one of the form's fields, as a flash otherwise. Returns the
    redirect, or None to show the page again."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        field = getattr(form, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            flash(error.message, "error")
        return None
    db.session.commit()
    flash(success(result), "success")
    return redirect(target(result))


def form_errors(form: FlaskForm) -> str:
    """All of a form's messages in one sentence, for a flash after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors) \
        or _("Yêu cầu không hợp lệ.")


def run_action(action: Callable[[], object], success: str | Callable[[object], str] = "", *,
               form: FlaskForm | None = None) -> object | None:
    """A button: check its form (when given), run the service call, commit and flash
    success; or roll back and flash the DomainError's (or the form's) message. Returns the
    action's result, or None when it was refused. The caller redirects either way."""
    try:
        if form is not None and not form.validate():
            raise ValidationFailed(form_errors(form))
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return None
    # What the action loaded stays as it was written: the message, the redirect's address
    # and the signed-in user (asked for by the response's headers) read no row again.
    with loaded_after_commit(db.session):
        commit_if_written()
    message = success(result) if callable(success) else success
    if message:
        flash(message, "success")
    return result if result is not None else True


def run_for_script(action: Callable[[], object]) -> tuple[object | None, DomainError | None]:
    """A request from a script (the autosave): commit and return (result, None), or roll
    back and return (None, the refusal) for the caller to answer as JSON. The commit keeps
    what was loaded: the reply is made from it, where reading the comment and the user again
    took three more statements (on SQLite a second write lock) on every save."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        return None, error
    with loaded_after_commit(db.session):
        db.session.commit()
    return result, None


class DayField(wtforms.DateField):
    """A date typed the Vietnamese way, whatever the browser's language: "02/07/2024" shown,
    "2/7/2024", "02-07-2024", "02.07.2024" and ISO "2024-07-02" understood. A plain text box
    (a browser's own date box shows mm/dd/yyyy in an English browser)."""

    widget = wtforms.widgets.TextInput()
    FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.pop("format", None)
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                     "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, format=list(self.FORMATS), render_kw=render_kw,
                         **kwargs)

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        for pattern in self.FORMATS:
            try:
                day = datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            if day.year >= 1900:  # "02/07/24" is not the year 24
                self.data = day
                return
        self.data = None
        raise ValueError(str(BAD_DATE))


class ClockField(wtforms.TimeField):
    """A time of day on the 24-hour clock, "HH:MM" ("17:00", "7:30", "17h00" understood)."""

    widget = wtforms.widgets.TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.pop("format", None)
        render_kw = {"placeholder": "HH:MM", "inputmode": "numeric", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, format=["%H:%M", "%Hh%M", "%Hh", "%H:%M:%S"],
                         render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip().lower() if valuelist else ""
        if not text:
            self.data = None
            return
        for pattern in self.strptime_format:
            try:
                self.data = datetime.strptime(text, pattern).time()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(str(BAD_TIME))
