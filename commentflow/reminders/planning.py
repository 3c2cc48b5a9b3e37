"""Pure planning of reminders: a deadline and a policy in, the moments to remind out."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

LAST_DAY = "last_day"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Policy:
    #: "3 days before", "1 day before": in the morning of that day.
    days_before: tuple[int, ...] = (3, 1)
    #: Local hour at which morning reminders go.
    hour: int = 8
    #: The morning of the last day, with a copy to the agency's leaders.
    last_day: bool = True
    #: One notice once the deadline has passed without an answer.
    overdue: bool = True


@dataclass(frozen=True)
class Planned:
    kind: str
    at: datetime  # UTC


def before_kind(days: int) -> str:
    return f"before_{days}"


def plan(deadline: datetime, policy: Policy, zone: str) -> list[Planned]:
    """The reminders of one recipient in time order (UTC instants)."""
    tz = ZoneInfo(zone)
    local_deadline = deadline.astimezone(tz)
    last_day = (local_deadline - timedelta(microseconds=1)).date()

    def morning(day) -> datetime:
        return datetime.combine(day, time(policy.hour), tzinfo=tz).astimezone(deadline.tzinfo)

    moments: dict[datetime, str] = {}
    for days in sorted(set(policy.days_before), reverse=True):
        at = morning((local_deadline - timedelta(days=days)).date())
        if at < deadline:
            moments.setdefault(at, before_kind(days))
    if policy.last_day:
        at = min(morning(last_day), deadline - timedelta(hours=1))
        moments[at] = LAST_DAY  # the last-day reminder wins over a "before" at the same time
        moments = {m: k for m, k in moments.items() if m <= at}
    planned = [Planned(kind, at) for at, kind in sorted(moments.items())]
    if policy.overdue:
        planned.append(Planned(OVERDUE, deadline))
    return planned


def due(planned: list[Planned], *, now: datetime, deadline: datetime,
        since: datetime | None = None) -> list[tuple[Planned, bool]]:
    """Reminders whose moment has come, each with whether it is still worth sending.

    After downtime a reminder whose moment has passed is skipped once the next one is due
    (or the deadline has passed); one whose moment came before the agency received the
    request (`since`: the round opened, or the agency was added) is skipped, the opening
    notice having said it; the overdue notice always goes.
    """
    result = []
    for index, item in enumerate(planned):
        if item.at > now:
            break
        if item.kind == OVERDUE:
            result.append((item, True))
            continue
        if since is not None and item.at <= since:
            result.append((item, False))
            continue
        following = planned[index + 1].at if index + 1 < len(planned) else deadline
        result.append((item, now < following and now < deadline))
    return result
