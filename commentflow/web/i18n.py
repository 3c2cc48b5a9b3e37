"""Interface language (Vietnamese first, English available) and Jinja date/number filters."""
import flask_babel
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user

from commentflow.core import dates
from commentflow.core.clock import configured_zone
from commentflow.core.text import clean, format_number


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and scheduler speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):  # systems, not browsers: no session, no cookies
        return request.accept_languages.best_match(languages) or \
            current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _translations():
    """This context's translations, looked up once per locale. Flask-Babel's own lookup walks
    four context proxies on every call, and a drafting page asks for ~900 texts; the memo is
    keyed on the locale object, so force_locale (e-mails in the reader's language) and its
    restoring both find the right catalogue."""
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    memo = g.get("_commentflow_translations")
    if memo is not None and locale is not None and memo[0] is locale:
        return memo[1]
    translations = get_translations()
    g._commentflow_translations = (getattr(g.get("_flask_babel"), "babel_locale", None),
                                   translations)
    return translations


def _install_template_gettext(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: _translations().ugettext(text),
        ngettext=lambda one, many, n: _translations().ungettext(one, many, n),
        pgettext=lambda context, text: _translations().upgettext(context, text),
        npgettext=lambda context, one, many, n: _translations().unpgettext(
            context, one, many, n),
        newstyle=True)


def _zone() -> str:
    return configured_zone()


def init_filters(app: Flask) -> None:
    _install_template_gettext(app)
    app.jinja_env.filters.update(
        letter_date=dates.format_letter_date,
        short_date=dates.format_short_date,
        short_datetime=lambda moment: dates.format_short_datetime(moment, _zone())
        if moment else "",
        iso_datetime=lambda moment: dates.format_iso(moment, _zone()) if moment else "",
        vn_number=format_number,
        deadline=lambda moment: dates.format_deadline(moment, _zone()) if moment else "",
    )
    # Whatever was stored, a page never prints a control character (Markup is ours already).
    app.jinja_env.finalize = lambda value: clean(value) if type(value) is str else value

    @app.context_processor
    def _inject_locale():
        if not has_request_context():  # e-mails rendered by the scheduler or the CLI
            return {"current_locale": str(get_locale())}
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"],
                "current_path": request.full_path.rstrip("?")}


def label_text(label) -> str:
    """A lazy label (`lazy_gettext` without variables) in this context's language, through
    the memoized catalogue: printing the lazy text itself walks Flask-Babel's context proxies
    on each call, fifty times on a list of fifty rounds."""
    if isinstance(label, LazyString) and label._func is flask_babel.gettext \
            and len(label._args) == 1 and not label._kwargs:
        return _translations().ugettext(label._args[0])
    return str(label)


def translated(labels: dict) -> dict:
    """A table of lazy labels translated once for this page: a lazy text is translated
    again each time it is printed, 500 times on a tracker of 500 recipients."""
    return {key: label_text(label) for key, label in labels.items()}
