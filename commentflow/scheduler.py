"""The scheduler process: the reminder sweep, the outbox sender, draft imports and the
edXML exchange folder.

Run it as its own process (`flask --app app scheduler`), never inside the web workers.
Jobs keep no state of their own: reminders and messages are rows, claimed with conditional
updates, so two schedulers started by mistake still send everything exactly once.
"""
import logging
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from commentflow.core.clock import configured_zone, now_utc
from commentflow.drafts.imports import run_imports
from commentflow.drafts.reading import Limits
from commentflow.exchange.folders import exchange_sweep
from commentflow.extensions import db
from commentflow.notifications.outbox import deliver_due
from commentflow.reminders.services import sweep

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60
OUTBOX_SECONDS = 15
IMPORT_SECONDS = 2
EXCHANGE_SECONDS = 30


def run_sweep(app: Flask) -> dict:
    with app.app_context():
        try:
            counts = sweep(now=now_utc(), zone=configured_zone())
            db.session.commit()
            return counts
        except Exception:
            db.session.rollback()
            log.exception("reminder sweep failed; the next run retries")
            raise
        finally:
            db.session.remove()


def run_outbox(app: Flask) -> dict:
    with app.app_context():
        try:
            return deliver_due(now=now_utc())
        finally:
            db.session.remove()


def run_draft_imports(app: Flask) -> int:
    """Read the drafts waiting in the background (conversion, PDF, OCR), one at a time."""
    with app.app_context():
        try:
            return run_imports(clock=now_utc, max_bytes=app.config["DRAFT_MAX_BYTES"],
                               limits=Limits.from_config(app.config),
                               locale=app.config.get("BABEL_DEFAULT_LOCALE", "vi"))
        finally:
            db.session.remove()


def run_exchange(app: Flask) -> dict:
    """Packages dropped in the exchange folder applied; those due written out."""
    with app.app_context():
        try:
            return exchange_sweep(Path(app.config["EXCHANGE_DIR"]), now=now_utc(),
                                  zone=configured_zone())
        finally:
            db.session.remove()


def build_scheduler(app: Flask) -> BlockingScheduler:
    # APScheduler logs two lines for every run of every job (draft imports run every two
    # seconds): a terminal full of them hid the web server's own lines. What goes wrong is
    # still logged: a job's exception, a missed or skipped run.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(run_sweep, "interval", seconds=SWEEP_SECONDS, args=[app],
                      id="reminders.sweep", max_instances=1, coalesce=True,
                      replace_existing=True, next_run_time=now_utc())
    scheduler.add_job(run_outbox, "interval", seconds=OUTBOX_SECONDS, args=[app],
                      id="outbox.deliver", max_instances=1, coalesce=True,
                      replace_existing=True, next_run_time=now_utc())
    scheduler.add_job(run_draft_imports, "interval", seconds=IMPORT_SECONDS, args=[app],
                      id="drafts.imports", max_instances=1, coalesce=True,
                      replace_existing=True, next_run_time=now_utc())
    if app.config.get("EXCHANGE_DIR"):
        scheduler.add_job(run_exchange, "interval", seconds=EXCHANGE_SECONDS, args=[app],
                          id="exchange.sweep", max_instances=1, coalesce=True,
                          replace_existing=True, next_run_time=now_utc())
    return scheduler
