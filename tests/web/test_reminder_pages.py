"""The lead office's reminder log and rules; the administrators' list of failed e-mails."""
from datetime import timedelta

from sqlalchemy import select

from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.notifications.models import OutboxMessage
from commentflow.reminders.services import sweep
from commentflow.rounds.models import Round
from tests.conftest import csrf_token_from
from tests.factories import ZONE, make_agency, make_round, make_user


def test_lead_office_sees_who_was_reminded_and_changes_the_rules(app, login_as):
    lead = make_user(roles=(Role.LEAD_STAFF,))
    agency = make_agency(name="Sở Nội vụ")
    make_user(agency=agency, roles=(Role.STAFF,), email="nv@example.vn")
    round_ = make_round(lead, [agency], open_=True)
    sweep(now=round_.deadline_at + timedelta(minutes=1), zone=ZONE)
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.kind == "reminder.overdue"))
    message.attempts, message.last_error = 2, "ConnectionRefusedError: [Errno 111]"
    db.session.commit()
    client = login_as(lead)
    page = client.get(f"/rounds/{round_.id}/reminders")
    html = page.get_data(as_text=True)
    assert "Sở Nội vụ" in html and "Thông báo quá hạn" in html and "nv@example.vn" in html
    assert "đang thử lại (2 lần)" in html
    response = client.post(f"/rounds/{round_.id}/reminders/policy", data={
        "csrf_token": csrf_token_from(page), "reminder_days_before": "5, 2",
        "reminder_hour": "7", "remind_on_last_day": "y"})
    assert response.status_code == 302
    db.session.rollback()
    stored = db.session.get(Round, round_.id)
    assert (stored.reminder_days_before, stored.reminder_hour, stored.send_overdue_notice) == \
        ([5, 2], 7, False)


def test_administrators_see_failed_mail(app, login_as):
    admin = make_user(roles=(Role.ADMIN,))
    user = make_user(email="x@example.vn")
    db.session.add(OutboxMessage(kind="round.opened", to_user_id=user.id,
                                 to_address="x@example.vn", subject="Thư lỗi", text_body="",
                                 html_body="", created_at=user.created_at,
                                 next_attempt_at=user.created_at, attempts=6,
                                 failed_at=user.created_at, last_error="SMTPRecipientsRefused"))
    db.session.commit()
    html = login_as(admin).get("/admin/outbox/").get_data(as_text=True)
    assert "x@example.vn" in html and "SMTPRecipientsRefused" in html and "thất bại" in html


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(app, login_as):
    from commentflow.core.clock import now_utc
    from commentflow.notifications.models import Notification

    user = make_user()
    note = Notification(user_id=user.id, kind="round.opened", message="Sở Y tế đề nghị góp ý",
                        url="/inbox/5", created_at=now_utc())
    db.session.add(note)
    db.session.commit()
    client = login_as(user)
    assert 'id="unread-count">1<' in client.get("/").get_data(as_text=True)
    response = client.get(f"/notifications/{note.id}")
    assert response.status_code == 302 and response.location == "/inbox/5"
    assert 'id="unread-count"' not in client.get("/").get_data(as_text=True)
