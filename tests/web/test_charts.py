"""Charts where people would rather look than read: the tracker's answers over time and
share per group, the workspace's comments per section and disposition mix — each SVG with
its title, and the same figures as text beside it."""
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from commentflow.charts import svg
from commentflow.consolidation import figures
from commentflow.consolidation import services as consolidation
from commentflow.consolidation.models import DispositionKind
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses import tracker, tracker_figures
from commentflow.responses.models import Comment
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.services import close_round
from tests.factories import make_agency, make_group, make_round, make_user

ZONE = "Asia/Ho_Chi_Minh"
SVG = "{http://www.w3.org/2000/svg}"


def _now():
    return datetime.now(UTC)


@pytest.fixture
def world(app):
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Y tế", code="SYT"))
    departments = [make_agency(name=f"Sở {n}") for n in range(3)]
    communes = [make_agency(name=f"UBND xã {n}") for n in range(4)]
    make_group(departments, name="Sở, ban, ngành", display_order=1)
    make_group(communes, name="UBND cấp xã", display_order=2)
    round_ = make_round(lead, departments + communes, open_=True,
                        deadline_at=_now() + timedelta(days=5))
    sections = [s for s in round_.versions[0].sections if s.is_commentable]
    today = date.today()
    # Two departments and one commune answer, on two different days.
    for recipient, day, section in ((round_.recipients[0], today - timedelta(days=1), 3),
                                    (round_.recipients[1], today, 3),
                                    (round_.recipients[3], today, 5)):
        record_paper_reply(recipient, ReplyLetter("5", "X", day),
                           [CommentData("Đề nghị làm rõ.", sections[section].id)],
                           actor=lead, now=_now())
    db.session.commit()
    return {"round": round_, "lead": lead, "sections": sections}


def test_answers_over_time_and_share_per_group(world):
    round_ = world["round"]
    rows = tracker.tracker_rows(round_, now=_now(), zone=ZONE)
    timeline = tracker_figures.answers_over_time(round_, rows, now=_now(), zone=ZONE)
    today = date.today()
    assert timeline.points == [(today - timedelta(days=1), 1), (today, 3)]
    assert timeline.total == 7 and timeline.answered == 3
    assert timeline.start <= today - timedelta(days=1) and timeline.end >= timeline.deadline
    shares = tracker_figures.shares_by_group(rows)
    assert [(s.label, s.part, s.whole, s.percent) for s in shares] == [
        ("Sở, ban, ngành", 2, 3, 67), ("UBND cấp xã", 1, 4, 25)]


def test_comments_per_section_and_disposition_mix(world):
    round_, lead = world["round"], world["lead"]
    close_round(round_, actor=lead, now=_now())
    cells = figures.comments_per_section(round_, general_label="Ý kiến chung")
    assert len(cells) == len(round_.versions[0].sections)
    assert sum(c.count for c in cells) == 3 and max(c.count for c in cells) == 2
    comment = db.session.scalars(select(Comment).order_by(Comment.id)).first()
    consolidation.decide(round_, [comment.id], DispositionKind.ACCEPTED, "Tiếp thu.",
                         actor=lead, now=_now())
    db.session.commit()
    mix = {s.key: s.count for s in figures.disposition_mix(round_)}
    assert mix == {"accepted": 1, "partly": 0, "not_accepted": 0, "noted": 0, "undecided": 2}


def test_the_svg_is_well_formed_titled_and_escaped():
    chart = svg.timeline([(date(2026, 7, 3), 1), (date(2026, 7, 5), 4)],
                         start=date(2026, 7, 1), end=date(2026, 7, 10),
                         deadline=date(2026, 7, 8), total=5, title="Trả lời <theo> ngày",
                         description="4/5", deadline_label="Hạn 08/07", total_label="Số nơi")
    root = ET.fromstring(str(chart))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Trả lời <theo> ngày"
    path = root.find(f"{SVG}path").get("d")
    # Steps up at 3 and 5 July: x grows with the day, y falls as answers come in.
    steps = [float(v) for v in re.findall(r"V([\d.]+)", path)]
    assert steps == sorted(steps, reverse=True) and len(steps) == 2
    deadline = [e for e in root.iter(f"{SVG}line") if e.get("class") == "deadline"][0]
    assert 40 < float(deadline.get("x1")) < 640
    bars = ET.fromstring(str(svg.share_bars([svg.Share("A & B", 1, 4)], title="t",
                                            description="d")))
    assert [t.text for t in bars.iter(f"{SVG}text")] == ["A & B", "1/4 (25 %)"]
    heat = ET.fromstring(str(svg.heat_strip([("a", 0), ("b", 1), ("c", 8)], title="t",
                                            description="d")))
    assert [r.get("class") for r in heat.iter(f"{SVG}rect")] == ["heat-0", "heat-1", "heat-4"]
    mix = ET.fromstring(str(svg.stacked_bar([svg.Slice("accepted", "Tiếp thu", 3),
                                             svg.Slice("undecided", "Chưa", 1)],
                                            title="t", description="d")))
    widths = [float(r.get("width")) for r in mix.iter(f"{SVG}rect")]
    assert widths == [480.0, 160.0]


def test_the_pages_show_the_charts_with_their_figures(app, login_as, world):
    round_, lead = world["round"], world["lead"]
    client = login_as(lead)
    html = client.get(f"/rounds/{round_.id}/tracker").get_data(as_text=True)
    assert 'id="answers-over-time"' in html and 'id="answers-by-group"' in html
    assert "Đã nhận 3/7 văn bản trả lời" in html
    assert re.search(r"<td>Sở, ban, ngành</td><td class=\"num\">2</td>"
                     r"<td class=\"num\">3</td><td class=\"num\">67</td>", html)
    close_round(round_, actor=lead, now=_now())
    db.session.commit()
    html = client.get(f"/rounds/{round_.id}/consolidation/").get_data(as_text=True)
    assert 'id="comments-per-section"' in html and 'class="chart chart-heat"' in html
    assert re.search(r"Chưa xử lý</td><td class=\"num\">3</td>", html)


def test_the_report_opening_gives_the_same_figures_in_words(app, world):
    import io

    from docx import Document

    from commentflow.consolidation.gathering import report_data
    from commentflow.exports.consolidation_report import build_report_docx

    round_, lead = world["round"], world["lead"]
    close_round(round_, actor=lead, now=_now())
    comment = db.session.scalars(select(Comment).order_by(Comment.id)).first()
    consolidation.decide(round_, [comment.id], DispositionKind.NOT_ACCEPTED, "Giữ như dự thảo.",
                         actor=lead, now=_now())
    db.session.commit()
    text = "\n".join(p.text for p in Document(io.BytesIO(build_report_docx(
        report_data(round_, now=_now(), zone=ZONE)))).paragraphs)
    assert "- Tỷ lệ cơ quan, đơn vị trả lời theo nhóm: Sở, ban, ngành: 02/03; " \
           "UBND cấp xã: 01/04." in text
    assert "3. Tổng số 03 ý kiến góp ý, trong đó: không tiếp thu 01; chưa xử lý 02." in text


def test_the_answers_line_stops_at_today_not_at_the_deadline():
    chart = svg.timeline([(date(2026, 7, 3), 2)], start=date(2026, 7, 1),
                         end=date(2026, 7, 11), until=date(2026, 7, 6),
                         deadline=date(2026, 7, 11), total=4, title="t", description="d",
                         deadline_label="Hạn", total_label="Số nơi")
    root = ET.fromstring(str(chart))
    line_end = float(re.findall(r"H([\d.]+)", root.find(f"{SVG}path").get("d"))[-1])
    deadline = [e for e in root.iter(f"{SVG}line") if e.get("class") == "deadline"][0]
    # Day 5 of 10 on the axis: the line ends half way, well before the deadline's line.
    assert line_end < float(deadline.get("x1")) - 200
    assert float(root.find(f"{SVG}circle").get("cx")) == line_end
