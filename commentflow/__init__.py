"""commentflow: the góp ý dự thảo process of Vietnamese public agencies, as a Flask app."""
import logging
import os

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from commentflow import models  # noqa: F401  (every model registered on the metadata)
from commentflow.accounts import login as _loader  # noqa: F401  (Flask-Login wiring)
from commentflow.accounts.session_cache import init_session_cache
from commentflow.api.setup import init_api
from commentflow.cli import register_commands
from commentflow.config import Config, default_database_url, load_secret_key, normalise_database_url
from commentflow.core import pool as _pool  # noqa: F401  (pooled connections: plans, life)
from commentflow.extensions import babel, csrf, db, login_manager, migrate
from commentflow.web import read_requests as _read_requests  # noqa: F401  (GETs read without BEGIN)
from commentflow.web.errors import init_errors
from commentflow.web.i18n import init_filters, select_locale
from commentflow.web.security import SecureCookiesOverHttps, init_security


def create_app(config: dict | type | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    _configure(app, config)
    _init_extensions(app)
    _register_blueprints(app)
    init_api(app)
    _register_cli(app)
    return app


def _configure(app: Flask, config) -> None:
    app.config.from_object(Config)
    if isinstance(config, type):
        app.config.from_object(config)
    elif config:
        app.config.update(config)
    url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        url or default_database_url(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and \
                not os.environ.get("SECRET_KEY"):
            # A key made on this machine would differ on the next app server: sessions and
            # forms would break whenever a request reaches another machine.
            raise RuntimeError(
                "SECRET_KEY is not set. With PostgreSQL every app server must share one key: "
                "set SECRET_KEY in the environment (see deploy/env.example). / Chưa đặt "
                "SECRET_KEY: khi dùng PostgreSQL, mọi máy chủ ứng dụng phải dùng chung một "
                "khóa; hãy đặt SECRET_KEY trong biến môi trường.")
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    logging.basicConfig(level=logging.INFO)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers work while one writer commits; the busy timeout waits for locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """A request that changes things (POST…) takes SQLite's write lock when it starts, so
    that concurrent writers queue behind the busy timeout instead of failing: a deferred
    transaction that read first cannot become a writer once another has committed
    (SQLITE_BUSY_SNAPSHOT). Elsewhere the driver begins before the first write, as usual."""
    if connection.dialect.name == "sqlite" and has_request_context() and \
            request.method not in ("GET", "HEAD", "OPTIONS"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    init_session_cache(app)
    init_security(app)
    init_errors(app)
    init_filters(app)


def _register_blueprints(app: Flask) -> None:
    from commentflow.accounts.admin_views import bp as users_admin_bp
    from commentflow.accounts.token_views import bp as api_tokens_bp
    from commentflow.accounts.views import bp as accounts_bp
    from commentflow.audit.views import bp as audit_bp
    from commentflow.consolidation.views import bp as consolidation_bp
    from commentflow.consolidation.views import published_bp
    from commentflow.directory.views import bp as directory_bp
    from commentflow.drafts.views import bp as drafts_bp
    from commentflow.exchange.views import bp as exchange_bp
    from commentflow.exchange.views import downloads as exchange_downloads_bp
    from commentflow.home.views import bp as home_bp
    from commentflow.notifications.views import admin_bp as outbox_admin_bp
    from commentflow.notifications.views import bp as notifications_bp
    from commentflow.reminders.views import bp as reminders_bp
    from commentflow.responses.inbox_views import bp as inbox_bp
    from commentflow.responses.lead_views import bp as answers_bp
    from commentflow.responses.views import bp as responses_bp
    from commentflow.revisions.views import bp as revisions_bp
    from commentflow.rounds.views import bp as rounds_bp

    for blueprint in (home_bp, accounts_bp, users_admin_bp, api_tokens_bp, directory_bp,
                      audit_bp, drafts_bp, rounds_bp, inbox_bp, responses_bp, notifications_bp,
                      outbox_admin_bp, consolidation_bp, published_bp, answers_bp, reminders_bp,
                      revisions_bp, exchange_bp, exchange_downloads_bp):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    register_commands(app)
