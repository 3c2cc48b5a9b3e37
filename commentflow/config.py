"""Settings read from the environment, with safe defaults for a single-machine install."""
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

#: Password hashing strength: PBKDF2-SHA256 with 600,000 iterations (OWASP 2023 advice).
DEFAULT_PASSWORD_METHOD = "pbkdf2:sha256:600000"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def private_folder(path: Path) -> Path:
    """A folder only the app's own user may enter (instance/, the development outbox): it
    holds the database, the secret key and mail with agencies' work in it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _restrict(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create the file (if missing) readable and writable by the app's user alone."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    _restrict(path, 0o600)
    return path


def _restrict(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except PermissionError:  # someone else's file (a read-only deployment): say so, go on
        logging.getLogger(__name__).warning("cannot restrict %s to %o", path, mode)


def load_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, or from instance/secret_key (created once).

    Several gunicorn workers may start together: the file is created with O_EXCL so that
    exactly one of them writes it and every other one reads the same key.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = private_folder(Path(instance_path)) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def default_database_url(instance_path: str) -> str:
    """The embedded SQLite file, created 0600 before SQLite opens it (its -wal and -shm files
    take the same mode)."""
    database = private_file(private_folder(Path(instance_path)) / "commentflow.sqlite3")
    return "sqlite:///" + str(database)


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and route them to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Production-safe defaults; every value can be overridden by an environment variable."""

    TIMEZONE = os.environ.get("COMMENTFLOW_TIMEZONE", "Asia/Ho_Chi_Minh")
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("vi", "en")

    #: Pooled connections are checked for life by commentflow.core.pool (no round trip) and
    #: replaced after half an hour, before a firewall may drop them silently.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 1800}
    SQLITE_BUSY_TIMEOUT_MS = 10_000

    PASSWORD_METHOD = os.environ.get("COMMENTFLOW_PASSWORD_METHOD", DEFAULT_PASSWORD_METHOD)
    LOGIN_FAILURES_PER_MINUTE = 5
    LOGIN_FAILURES_PER_HOUR = 100
    #: Failed logins from one address over all accounts (password spraying); an office
    #: behind one NAT address shares it, hence more than one user's allowance.
    LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE = 15
    LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 150

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("COMMENTFLOW_SECURE_COOKIES")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    #: A login without "remember me" lasts this long on the server, whatever the browser keeps.
    SESSION_LIFETIME = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = SESSION_LIFETIME
    #: On PostgreSQL each app process keeps what it read of the sessions it served for this
    #: long at most, emptied the moment any session, user, role or agency changes (see
    #: accounts.session_cache); 0 asks the database on every request.
    SESSION_CACHE_SECONDS = int(os.environ.get("COMMENTFLOW_SESSION_CACHE_SECONDS", "300"))
    #: Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = int(os.environ.get("COMMENTFLOW_TRUSTED_PROXIES", "0"))

    WTF_CSRF_TIME_LIMIT = 3600
    #: CSRF is checked by each form (so an expired token can re-show what was typed);
    #: a before-request hook checks every other unsafe request.
    WTF_CSRF_CHECK_DEFAULT = False

    MAX_CONTENT_LENGTH = int(os.environ.get("COMMENTFLOW_MAX_UPLOAD_MB", "25")) * 1024 * 1024
    IMPORT_MAX_ROWS = 5000
    #: Largest draft file accepted (bytes); the request limit above must be at least this.
    DRAFT_MAX_BYTES = int(os.environ.get("COMMENTFLOW_DRAFT_MAX_MB", "20")) * 1024 * 1024
    #: Reading drafts with outside programs (drafts.reading.Limits): LibreOffice's time for
    #: one .doc/.rtf/.odt, the longest PDF and scan, and Tesseract's time for one page.
    DRAFT_CONVERT_SECONDS = int(os.environ.get("COMMENTFLOW_DRAFT_CONVERT_SECONDS", "60"))
    DRAFT_PDF_MAX_PAGES = int(os.environ.get("COMMENTFLOW_DRAFT_PDF_MAX_PAGES", "500"))
    DRAFT_SCAN_MAX_PAGES = int(os.environ.get("COMMENTFLOW_DRAFT_SCAN_MAX_PAGES", "60"))
    DRAFT_OCR_SECONDS_PER_PAGE = int(os.environ.get("COMMENTFLOW_DRAFT_OCR_SECONDS", "90"))
    #: A scanned reply letter is read while its user waits: this many pages at most.
    REPLY_SCAN_MAX_PAGES = int(os.environ.get("COMMENTFLOW_REPLY_SCAN_MAX_PAGES", "6"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "commentflow@localhost")
    MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "10"))
    #: Without MAIL_SERVER e-mails become .eml files in instance/outbox. On PostgreSQL (several
    #: machines) that folder is on whichever machine runs the scheduler, so there the sender
    #: refuses to run unless this is set on purpose (a staging machine, a test).
    MAIL_TO_FILES = _bool("COMMENTFLOW_MAIL_TO_FILES")
    #: The site's address, for links in e-mails.
    BASE_URL = os.environ.get("COMMENTFLOW_BASE_URL", "http://127.0.0.1:5000")

    PAGE_SIZE = 50
    #: A download at least this large (an export of a large round) gives its memory back once
    #: sent; under deploy/gunicorn.conf.py its worker is then replaced.
    LARGE_DOWNLOAD_BYTES = int(os.environ.get("COMMENTFLOW_LARGE_DOWNLOAD_KB", "256")) * 1024
    #: The folder wired to the e-office adapter (incoming/, outgoing/, done/, refused/);
    #: unset: no folder exchange (packages can still go through the API).
    EXCHANGE_DIR = os.environ.get("COMMENTFLOW_EXCHANGE_DIR") or None
    #: Largest attachments of one edXML package, together.
    EXCHANGE_MAX_BYTES = int(os.environ.get("COMMENTFLOW_EXCHANGE_MAX_MB", "30")) * 1024 * 1024
    #: A folder of the certificates (.pem, .crt, .cer) whose signatures are trusted on reply
    #: PDFs — the operator's choice (e.g. the government CA's roots); none is bundled.
    TRUST_ROOTS_DIR = os.environ.get("COMMENTFLOW_TRUST_ROOTS") or None
    #: Calls one API token may make per minute, counted in the database (every app server).
    API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("COMMENTFLOW_API_RATE_LIMIT", "600"))
    #: Largest signed scan (PDF) of a reply letter.
    SCAN_MAX_BYTES = int(os.environ.get("COMMENTFLOW_SCAN_MAX_MB", "20")) * 1024 * 1024
    #: A round's deadline closer than this asks the lead office to confirm (days).
    ROUND_MIN_DAYS = int(os.environ.get("COMMENTFLOW_ROUND_MIN_DAYS", "5"))


class TestConfig(Config):
    """Fast, isolated settings for the test suite (weak hashing, fixed secret)."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    PASSWORD_METHOD = "pbkdf2:sha256:1000"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: Off, so that the many apps a test run makes do not each keep a listening connection;
    #: tests/services/test_session_cache.py and the app servers' tests turn it on.
    SESSION_CACHE_SECONDS = 0
