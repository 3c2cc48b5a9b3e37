"""The configured zone reaches every local date and time: an install with another
COMMENTFLOW_TIMEZONE plans reminders, judges paper replies late or on time and writes the
request letter in that zone (the tracker used to judge paper replies in Asia/Ho_Chi_Minh
whatever was configured)."""
import io
from datetime import date, time

from docx import Document
from openpyxl import load_workbook

from commentflow.core.clock import now_utc
from commentflow.core.dates import local_to_utc
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from tests.factories import make_agency, make_round, make_user

TOKYO = "Asia/Tokyo"  # UTC+9, two hours ahead of Viet Nam


def _round_with_a_paper_reply(app):
    """A round due at 00:30 on 9 July in Tokyo (22:30 on 8 July in Viet Nam), answered by a
    paper reply dated 9 July: on time in Tokyo (00:00 < 00:30), late in Viet Nam."""
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency())
    round_ = make_round(lead, [make_agency(name="Sở Tài chính")], open_=True)
    round_.deadline_at = local_to_utc(date(2024, 7, 9), time(0, 30), TOKYO)
    section = next(s for s in round_.versions[0].sections if s.key == "I.1.a")
    record_paper_reply(round_.recipients[0], ReplyLetter("7", "STC-VP", date(2024, 7, 9)),
                       [CommentData("Đề nghị bổ sung.", section.id)], actor=lead, now=now_utc())
    db.session.commit()
    return lead, round_.id


def _tracker_states(client, rid) -> list[str]:
    book = load_workbook(io.BytesIO(client.get(f"/rounds/{rid}/tracker.xlsx").data))
    return [row[3].value for row in book.active.iter_rows(min_row=2)]


def test_another_configured_zone_is_used_everywhere(app_factory, login_as):
    app = app_factory(TIMEZONE=TOKYO)
    with app.app_context():
        lead, rid = _round_with_a_paper_reply(app)
        client = login_as(lead, test_client=app.test_client())

        assert _tracker_states(client, rid) == ["Đã gửi ý kiến đúng hạn"]

        letter = Document(io.BytesIO(client.get(f"/rounds/{rid}/letter.docx").data))
        body = "\n".join(p.text for p in letter.paragraphs)
        assert "trước 00 giờ 30 ngày 09/07/2024" in body

        reminders = client.get(f"/rounds/{rid}/reminders").get_data(as_text=True)
        assert "08/07/2024 08:00" in reminders  # the last day's morning, in Tokyo
        db.session.remove()


def test_paper_replies_are_judged_in_the_configured_zone(app_factory, login_as):
    """The same facts under Asia/Ho_Chi_Minh: the reply dated 9 July is late there."""
    app = app_factory()
    with app.app_context():
        lead, rid = _round_with_a_paper_reply(app)
        client = login_as(lead, test_client=app.test_client())
        assert _tracker_states(client, rid) == ["Đã gửi ý kiến quá hạn"]
        db.session.remove()
