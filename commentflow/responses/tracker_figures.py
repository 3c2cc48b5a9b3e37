"""The tracker's figures at a glance: answers received day by day against the deadline, and
the share of each recipient group that has answered."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from commentflow.charts.svg import Share
from commentflow.core.dates import local_today
from commentflow.responses.tracker import TrackerRow
from commentflow.rounds.models import Round


@dataclass
class Timeline:
    start: date  #: the day the request went out
    end: date  #: the axis' last day: the deadline, or today or the last answer if later
    until: date  #: where the line stops: today (what comes later is not known yet)
    deadline: date
    total: int  #: agencies asked
    points: list[tuple[date, int]]  #: (day, answers received up to that day), days with answers

    @property
    def answered(self) -> int:
        return self.points[-1][1] if self.points else 0


def answer_day(row: TrackerRow, zone: str) -> date | None:
    """The day an answer counts from: a letter typed in by the lead office from its date,
    an answer sent in the application from when it was sent."""
    response = row.response
    if response is None:
        return None
    if response.entered_by_lead and response.reply_date is not None:
        return response.reply_date
    return local_today(response.submitted_at, zone) if response.submitted_at else None


def answers_over_time(round_: Round, rows: list[TrackerRow], *, now: datetime,
                      zone: str) -> Timeline:
    per_day = Counter(day for day in (answer_day(row, zone) for row in rows) if day)
    start = local_today(round_.opened_at or round_.created_at, zone)
    deadline = local_today(round_.deadline_at, zone)
    start = min([start, *per_day])
    points, reached = [], 0
    for day in sorted(per_day):
        reached += per_day[day]
        points.append((day, reached))
    today = local_today(now, zone)
    end = max([deadline, today, *per_day])
    return Timeline(start, end, today, deadline, len(rows), points)


def shares_by_group(rows: list[TrackerRow]) -> list[Share]:
    """For each recipient group of the round, in the directory's order: answered of asked."""
    asked: dict[int, int] = Counter()
    answered: dict[int, int] = Counter()
    groups = {}
    for row in rows:
        for group in row.groups:
            groups[group.id] = group
            asked[group.id] += 1
            answered[group.id] += row.response is not None
    ordered = sorted(groups.values(), key=lambda g: (g.display_order, g.id))
    return [Share(group.name, answered[group.id], asked[group.id]) for group in ordered]
