"""The only places that read the wall clock and the configured time zone: boundaries (views,
CLI, scheduler) call them and pass `now` and `zone` to services, which never read either."""
from datetime import UTC, datetime

from flask import current_app


def now_utc() -> datetime:
    return datetime.now(UTC)


def configured_zone() -> str:
    """The zone every local date and time is shown and counted in (COMMENTFLOW_TIMEZONE)."""
    return current_app.config["TIMEZONE"]
