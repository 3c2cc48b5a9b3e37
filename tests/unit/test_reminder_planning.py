"""Planning reminders from a deadline and a policy, and which are still worth sending."""
from datetime import UTC, datetime, timedelta

from commentflow.reminders.planning import Policy, due, plan

# "Chậm nhất đến trước ngày 10/7/2024": 00:00 on 10 July in Hồ Chí Minh City.
DEADLINE = datetime(2024, 7, 9, 17, 0, tzinfo=UTC)


def _local(day, hour):
    return datetime(2024, 7, day, hour, tzinfo=UTC) - timedelta(hours=7)


def test_default_plan_for_a_midnight_deadline():
    planned = plan(DEADLINE, Policy(), "Asia/Ho_Chi_Minh")
    assert [(p.kind, p.at) for p in planned] == [
        ("before_3", _local(7, 8)),  # 3 days before, in the morning
        ("last_day", _local(9, 8)),  # the last day's morning (also "1 day before")
        ("overdue", DEADLINE),
    ]


def test_plan_for_an_afternoon_deadline_keeps_all_three_mornings():
    deadline = _local(10, 17)
    kinds = [p.kind for p in plan(deadline, Policy(), "Asia/Ho_Chi_Minh")]
    assert kinds == ["before_3", "before_1", "last_day", "overdue"]


def test_policy_can_drop_reminders():
    planned = plan(DEADLINE, Policy(days_before=(), last_day=False, overdue=True),
                   "Asia/Ho_Chi_Minh")
    assert [p.kind for p in planned] == ["overdue"]


def test_after_downtime_passed_reminders_are_skipped_but_the_overdue_notice_goes():
    planned = plan(DEADLINE, Policy(), "Asia/Ho_Chi_Minh")
    on_time = due(planned, now=_local(7, 8) + timedelta(minutes=1), deadline=DEADLINE)
    assert [(p.kind, useful) for p, useful in on_time] == [("before_3", True)]
    late = due(planned, now=_local(9, 9), deadline=DEADLINE)  # down from the 7th to the 9th
    assert [(p.kind, useful) for p, useful in late] == [("before_3", False),
                                                        ("last_day", True)]
    after = due(planned, now=DEADLINE + timedelta(days=2), deadline=DEADLINE)
    assert [(p.kind, useful) for p, useful in after] == [
        ("before_3", False), ("last_day", False), ("overdue", True)]


def test_nothing_is_due_before_the_first_moment():
    planned = plan(DEADLINE, Policy(), "Asia/Ho_Chi_Minh")
    assert due(planned, now=_local(7, 7), deadline=DEADLINE) == []
