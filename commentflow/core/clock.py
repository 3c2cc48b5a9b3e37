"""The only place that reads the wall clock; services receive `now` from their callers."""
from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC)
