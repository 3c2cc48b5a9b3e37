"""The reminder sweep: due reminders become rows (once), in-app notices and e-mails."""
import logging
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import exists, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import joinedload

from commentflow.accounts.models import Role, User, UserRole
from commentflow.audit.services import record_event
from commentflow.core.dates import format_deadline
from commentflow.core.errors import PermissionDenied, ValidationFailed
from commentflow.extensions import db
from commentflow.notifications.models import OutboxMessage
from commentflow.notifications.services import notify_users
from commentflow.reminders.models import Reminder
from commentflow.reminders.planning import LAST_DAY, OVERDUE, Policy, due, plan
from commentflow.responses.models import Assignment, Response, ResponseState
from commentflow.rounds.models import Round, RoundRecipient, RoundState
from commentflow.rounds.permissions import can_manage_round

log = logging.getLogger(__name__)


def _waiting_recipients():
    """Recipients of open rounds that have not submitted (nor answered "thống nhất")."""
    submitted = exists().where(Response.recipient_id == RoundRecipient.id,
                               Response.state == ResponseState.SUBMITTED)
    return db.session.execute(
        select(RoundRecipient.id, RoundRecipient.round_id, RoundRecipient.agency_id,
               RoundRecipient.extended_deadline_at, RoundRecipient.added_at)
        .join(Round, Round.id == RoundRecipient.round_id)
        .where(Round.state == RoundState.OPEN, ~submitted)).all()


def _open_rounds() -> dict:
    """Deadline, reminder policy, subject and lead office of every open round (read once per
    round, not once per recipient)."""
    return {row.id: row for row in db.session.execute(
        select(Round.id, Round.deadline_at, Round.reminder_days_before, Round.reminder_hour,
               Round.remind_on_last_day, Round.send_overdue_notice, Round.subject,
               Round.agency_id, Round.opened_at)
        .where(Round.state == RoundState.OPEN))}


#: PostgreSQL inserts the whole sweep as one statement over arrays (unnest): the same rows
#: as VALUES lists cost seconds of parameter handling when 100,000 fall due at once. The
#: moment of the sweep goes once; each row only says whether it was sent or skipped.
_INSERT_FROM_ARRAYS = text(
    f"INSERT INTO {Reminder.__tablename__} (round_id, agency_id, kind, scheduled_at, "
    "created_at, sent_at, skipped_at, recipients_count, skip_reason) "
    "SELECT r, a, k, s, CAST(:now AS timestamptz), "
    "CASE WHEN sent THEN CAST(:now AS timestamptz) END, "
    "CASE WHEN sent THEN NULL ELSE CAST(:now AS timestamptz) END, c, w "
    "FROM unnest(CAST(:round_id AS integer[]), CAST(:agency_id AS integer[]), "
    "CAST(:kind AS varchar[]), CAST(:scheduled_at AS timestamptz[]), "
    "CAST(:sent AS boolean[]), CAST(:recipients_count AS integer[]), "
    "CAST(:skip_reason AS varchar[])) "
    "AS t(r, a, k, s, sent, c, w) "
    "ON CONFLICT (round_id, agency_id, kind) DO NOTHING "
    "RETURNING round_id, agency_id, kind")


def _insert(rows: list[dict]) -> set[tuple]:
    """Insert reminder rows, ignoring those that exist; returns the keys this call created.

    The unique (round, agency, kind) makes a reminder happen once, even when two sweeps run
    at the same moment: the second insert of a key does nothing.
    """
    if not rows:
        return set()
    if db.session.get_bind().dialect.name == "postgresql":
        arrays = {column: [row[column] for row in rows] for column in (
            "round_id", "agency_id", "kind", "scheduled_at", "recipients_count", "skip_reason")}
        arrays["sent"] = [row["sent_at"] is not None for row in rows]
        arrays["now"] = rows[0]["created_at"]  # one sweep, one moment
        return {tuple(row) for row in db.session.execute(_INSERT_FROM_ARRAYS, arrays)}
    statement = sqlite.insert(Reminder).on_conflict_do_nothing(
        index_elements=["round_id", "agency_id", "kind"]).returning(
        Reminder.round_id, Reminder.agency_id, Reminder.kind)
    # One statement, sent in batches by SQLAlchemy's "insert many values" under the limits.
    statement = statement.execution_options(insertmanyvalues_page_size=4000)
    return {tuple(row) for row in db.session.execute(statement, rows)}


def sweep(*, now: datetime, zone: str) -> dict:
    """Queue every reminder whose moment has come; skip those whose moment has passed."""
    existing = {tuple(r) for r in db.session.execute(
        select(Reminder.round_id, Reminder.agency_id, Reminder.kind)
        .join(Round, Round.id == Reminder.round_id).where(Round.state == RoundState.OPEN))}
    candidates, context, plans = [], {}, {}
    rounds = _open_rounds()
    policies = {r.id: Policy(tuple(r.reminder_days_before or ()), r.reminder_hour,
                             r.remind_on_last_day, r.send_overdue_notice)
                for r in rounds.values()}
    for row in _waiting_recipients():
        round_ = rounds[row.round_id]
        deadline = row.extended_deadline_at or round_.deadline_at
        policy = policies[row.round_id]
        since = max(filter(None, (round_.opened_at, row.added_at)), default=None)
        if (deadline, policy, since) not in plans:  # recipients of a round share one plan
            plans[deadline, policy, since] = due(plan(deadline, policy, zone), now=now,
                                                 deadline=deadline, since=since)
        for item, useful in plans[deadline, policy, since]:
            key = (row.round_id, row.agency_id, item.kind)
            if key not in existing:
                reason = "" if useful else (
                    "opening" if since is not None and item.at <= since else "passed")
                candidates.append((key, item, reason, row, deadline))
    users, assignments = _people({c[0] for c in candidates if not c[2]})
    rows = []
    for key, item, reason, row, deadline in candidates:
        audience = _audience(key[2], users.get(row.agency_id, []),
                             assignments.get(row.id)) if not reason else []
        if not reason and not audience:
            reason = "nobody"  # shown to the lead office as such, never as sent
        rows.append({"round_id": key[0], "agency_id": key[1], "kind": key[2],
                     "scheduled_at": item.at, "created_at": now,
                     "sent_at": None if reason else now, "skipped_at": now if reason else None,
                     "recipients_count": len(audience), "skip_reason": reason})
        context[key] = (row, deadline, not reason, audience)
    created = _insert(rows)
    sent = [key for key in created if context[key][2]]
    _notify(sent, context, rounds, now=now, zone=zone)
    counts = {"sent": len(sent), "skipped": len(created) - len(sent)}
    # A sweep that did nothing (most minutes) is not worth a line in the operator's log.
    log.log(logging.INFO if created else logging.DEBUG, "reminder sweep at %s: %s",
            now.isoformat(), counts)
    return counts


def _people(keys) -> tuple[dict, dict]:
    """Active users per agency (with their roles) and assignees per recipient, in 2 queries."""
    agency_ids = {key[1] for key in keys}
    if not agency_ids:
        return {}, {}
    users: dict[int, list[User]] = {}
    for user in db.session.scalars(select(User).where(User.agency_id.in_(agency_ids),
                                                      User.is_active_account.is_(True),
                                                      User.is_api_client.is_(False))
                                   .join(UserRole).distinct()):
        users.setdefault(user.agency_id, []).append(user)
    assignments = {a.recipient_id: a for a in db.session.scalars(
        select(Assignment).join(RoundRecipient, RoundRecipient.id == Assignment.recipient_id)
        .where(RoundRecipient.agency_id.in_(agency_ids)))}
    return users, assignments


def _audience(kind: str, agency_users: list[User], assignment: Assignment | None) -> list[User]:
    if assignment is not None:
        chosen = [assignment.handler, *assignment.coordinators]
    else:
        chosen = [u for u in agency_users if u.has_role(Role.STAFF)] or list(agency_users)
    if kind in (LAST_DAY, OVERDUE):  # the leaders get a copy on the last day and after it
        chosen += [u for u in agency_users if u.has_role(Role.LEADER)]
    unique = {u.id: u for u in chosen if u.is_active}
    return list(unique.values())


def _notify(keys, context, rounds, *, now, zone) -> None:
    for key in keys:
        row, deadline, _useful, audience = context[key]
        if not audience:
            continue
        round_ = rounds[row.round_id]
        values = {"subject": round_.subject,
                  "deadline": LazyString(format_deadline, deadline, zone)}
        if key[2] == OVERDUE:  # written in each reader's language (notify_users)
            message = _l("Đã quá hạn góp ý %(subject)s (%(deadline)s) mà đơn vị chưa gửi ý "
                         "kiến.", **values)
        else:
            message = _l("Nhắc hạn góp ý %(subject)s: hạn %(deadline)s; đơn vị chưa gửi ý "
                         "kiến.", **values)
        notify_users(audience, f"reminder.{key[2]}", message, f"/inbox/{row.round_id}",
                     now=now, round_id=row.round_id, sender_agency_id=round_.agency_id)


def round_reminders(round_: Round, page: int, per_page: int):
    """One page of the round's reminders, in the order they fall due, each with its agency
    (a Flask-SQLAlchemy Pagination: 500 agencies × 3 reminders would be 1,500 rows)."""
    return db.paginate(select(Reminder).where(Reminder.round_id == round_.id)
                       .options(joinedload(Reminder.agency))
                       .order_by(Reminder.scheduled_at, Reminder.id),
                       page=page, per_page=per_page, error_out=False)


def round_messages(round_: Round, page: int, per_page: int):
    """One page of the e-mails this round's lead office sent (request, reminders, extensions,
    publication), newest first, with their delivery state; never an agency's internal mail."""
    return db.paginate(
        select(OutboxMessage).where(OutboxMessage.round_id == round_.id,
                                    OutboxMessage.sender_agency_id == round_.agency_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page=page, per_page=per_page, error_out=False)


def policy_of(round_: Round) -> Policy:
    return Policy(tuple(round_.reminder_days_before or ()), round_.reminder_hour,
                  round_.remind_on_last_day, round_.send_overdue_notice)


def planned_moments(round_: Round, zone: str):
    """The moments the round's policy plans for its deadline (before any extension)."""
    return plan(round_.deadline_at, policy_of(round_), zone)


def set_reminder_policy(round_: Round, days_before: list[int], hour: int, last_day: bool,
                        overdue: bool, *, actor, now) -> Round:
    """The lead office's reminder rules for this round (reminders already sent stay sent)."""
    if not can_manage_round(actor, round_):
        raise PermissionDenied(_("Chỉ chuyên viên cơ quan chủ trì được đổi cách nhắc hạn."))
    if round_.state not in (RoundState.DRAFT, RoundState.OPEN):
        raise ValidationFailed(_("Đợt lấy ý kiến đã kết thúc; không còn nhắc hạn."))
    if any(d < 1 or d > 30 for d in days_before) or not 0 <= hour <= 23:
        raise ValidationFailed(_("Số ngày nhắc trước hạn từ 1 đến 30; giờ từ 0 đến 23."))
    before = {"days": round_.reminder_days_before, "hour": round_.reminder_hour,
              "last_day": round_.remind_on_last_day, "overdue": round_.send_overdue_notice}
    round_.reminder_days_before = sorted(set(days_before), reverse=True)
    round_.reminder_hour, round_.remind_on_last_day = hour, last_day
    round_.send_overdue_notice, round_.updated_at = overdue, now
    record_event("round.reminder_policy_changed", round_, actor=actor, now=now,
                 label=round_.subject, changes={"before": before, "after": {
                     "days": round_.reminder_days_before, "hour": hour,
                     "last_day": last_day, "overdue": overdue}})
    return round_
