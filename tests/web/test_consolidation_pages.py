"""The consolidation workspace through HTTP: filters, decide, group, approve, close, publish."""
from datetime import UTC, date, datetime

from sqlalchemy import select

from commentflow.accounts.models import Role
from commentflow.consolidation.models import Disposition
from commentflow.extensions import db
from commentflow.responses.models import Comment
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.models import Round, RoundState
from commentflow.rounds.services import close_round
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_round, make_user

SAME = "Đề nghị bổ sung cơ chế phối hợp giữa các địa phương."


def test_workspace_flow(app, login_as):
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    leader = make_user(roles=(Role.LEADER,), agency=office)
    districts = [make_agency(name=f"UBND huyện {n}") for n in ("An Biên", "Châu Thành")]
    round_ = make_round(staff, districts, open_=True)
    section = next(s for s in round_.versions[0].sections if s.key == "III.2.a")
    for index, recipient in enumerate(round_.recipients):
        record_paper_reply(recipient, ReplyLetter(str(index + 1), "UBND-VP", date(2024, 7, 8)),
                           [CommentData(SAME, section.id)], actor=staff,
                           now=datetime.now(UTC))
    db.session.commit()
    rid = round_.id
    client = login_as(staff)
    page = client.get(f"/rounds/{rid}/consolidation/")
    html = page.get_data(as_text=True)
    assert "điểm a khoản 2 Mục III" in html and "Gộp 2 ý kiến, trả lời một lần" in html
    assert "Tổng số ý kiến: 2" in html
    search = client.get(f"/rounds/{rid}/consolidation/?q=co+che+phoi+hop").get_data(as_text=True)
    assert "Đang hiện: 2" in search
    none = client.get(f"/rounds/{rid}/consolidation/?q=khong+co").get_data(as_text=True)
    assert "Đang hiện: 0" in none
    ids = [str(i) for i in db.session.scalars(select(Comment.id))]
    token = csrf_token_from(page)
    client.post(f"/rounds/{rid}/consolidation/group", data={"csrf_token": token,
                                                            "comment_ids": ids})
    client.post(f"/rounds/{rid}/consolidation/decide", data={
        "csrf_token": token, "comment_ids": ids, "kind": "accepted",
        "text": "Tiếp thu, bổ sung vào dự thảo."})
    db.session.rollback()
    disposition = db.session.scalar(select(Disposition))
    assert disposition.kind.value == "accepted" and len(disposition.comments) == 2
    boss = login_as(leader, test_client=app.test_client())
    page = boss.get(f"/rounds/{rid}/consolidation/")
    token = csrf_token_from(page)
    boss.post(f"/rounds/{rid}/consolidation/approve", data={
        "csrf_token": token, "disposition_ids": [str(disposition.id)]})
    db.session.rollback()
    close_round(db.session.get(Round, rid), actor=staff, now=datetime.now(UTC))
    db.session.commit()
    boss.post(f"/rounds/{rid}/consolidation/close", data={"csrf_token": token})
    boss.post(f"/rounds/{rid}/consolidation/publish", data={"csrf_token": token})
    db.session.rollback()
    assert db.session.get(Round, rid).state is RoundState.PUBLISHED
