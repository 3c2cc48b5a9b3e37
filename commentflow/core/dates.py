"""Vietnamese date formats (Nghị định 30/2020) and conversion between UTC and the local zone."""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext


def to_local(moment: datetime, zone: str) -> datetime:
    """An aware UTC instant shown in the configured zone."""
    return moment.astimezone(ZoneInfo(zone))


def local_today(now: datetime, zone: str) -> date:
    return to_local(now, zone).date()


def format_letter_date(day: date, place: str | None = None) -> str:
    """ "ngày 02 tháng 7 năm 2024": day padded below 10, month padded only for 01 and 02."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text


def format_short_date(day: date) -> str:
    """ "02/07/2024", the form used in tables and body text."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_short_datetime(moment: datetime, zone: str) -> str:
    """ "02/07/2024 17:00" in the configured zone."""
    local = to_local(moment, zone)
    return f"{format_short_date(local.date())} {local.hour:02d}:{local.minute:02d}"


def format_iso(moment: datetime, zone: str) -> str:
    """ISO 8601 with the local offset, e.g. 2024-07-02T17:00:00+07:00 (for exports)."""
    return to_local(moment, zone).isoformat(timespec="seconds")


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a local date and time ("trước 00:00 ngày 10/7/2024")."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def format_deadline(moment: datetime, zone: str) -> str:
    """ "trước 00:00 ngày 10/07/2024" — deadlines are the instant answers must come before —
    in the reader's language ("before 00:00 on 10/07/2024"); letters and reports, always in
    Vietnamese, write their own (rounds/letters.py)."""
    local = to_local(moment, zone)
    return gettext("trước %(time)s ngày %(day)s", time=f"{local.hour:02d}:{local.minute:02d}",
                   day=format_short_date(local.date()))
