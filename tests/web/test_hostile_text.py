"""Ordinary text pasted from other programs: control characters never break a page, a
download or a mail, whether they come through a form or are already stored."""
import io
import zipfile
from datetime import date, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from commentflow.consolidation import services as consolidation
from commentflow.consolidation.models import DispositionKind
from commentflow.core.clock import now_utc
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.models import Comment
from commentflow.responses.services import (
    CommentData,
    ReplyLetter,
    save_comment,
    submit_response,
    working_response,
)
from commentflow.rounds.services import close_round
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_round, make_user

CONTROLS = "\x01\x08\x0c\x1b\x7f\x85"


@pytest.fixture
def stored(app):
    """A whole round whose stored text carries control characters everywhere."""
    now = now_utc()
    lead_agency = make_agency(name=f"Sở Y tế{CONTROLS}", code="SYT")
    agency = make_agency(name=f"Sở Tài{CONTROLS} chính", code="STC")
    lead = make_user(agency=lead_agency, roles=(Role.LEAD_STAFF,),
                     full_name=f"Nguyễn{CONTROLS} Trang")
    boss = make_user(agency=lead_agency, roles=(Role.LEADER,))
    leader = make_user(agency=agency, roles=(Role.LEADER,), full_name=f"Trần{CONTROLS} Minh")
    round_ = make_round(lead, [agency], open_=True,
                        subject=f"V/v góp ý{CONTROLS} dự thảo", body=f"Đề nghị{CONTROLS}.")
    section = next(s for s in round_.versions[0].sections if s.key == "I.1.a")
    response = working_response(round_.recipients[0], actor=leader, now=now)
    comment = save_comment(response, CommentData("Ý kiến", section.id, "Sửa", "Lý do"),
                           actor=leader, now=now)
    db.session.flush()
    # Written past every form, as older versions stored it.
    comment.text = f"Đề nghị{CONTROLS} bổ sung\x0b"
    comment.proposed_wording = f"Sửa thành{CONTROLS}"
    submit_response(response, ReplyLetter("12", f"STC{CONTROLS}", date(2024, 7, 8)),
                    actor=leader, now=now)
    db.session.commit()
    return {"round": round_, "response": response, "comment": comment, "lead": lead,
            "boss": boss, "leader": leader, "now": now}


def _opens(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    data = response.get_data()
    if data[:4] != b"PK\x03\x04":
        return data.decode()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    if "word/document.xml" in names:
        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for s in book for row in s.iter_rows() for c in row)


def test_every_export_opens_whatever_text_is_stored(app, login_as, stored):
    rid, response_id = stored["round"].id, stored["response"].id
    lead = login_as(stored["lead"], test_client=app.test_client())
    agency = login_as(stored["leader"], test_client=app.test_client())
    texts = [_opens(lead.get(f"/rounds/{rid}/letter.docx")),
             _opens(lead.get(f"/rounds/{rid}/tracker.xlsx")),
             _opens(agency.get(f"/inbox/{rid}/letter.docx")),
             _opens(agency.get(f"/inbox/{rid}/responses/{response_id}/letter.docx"))]
    close_round(stored["round"], actor=stored["lead"], now=stored["now"] + timedelta(seconds=1))
    consolidation.decide(stored["round"], [stored["comment"].id], DispositionKind.ACCEPTED,
                         f"Tiếp thu{CONTROLS}.", actor=stored["lead"], now=stored["now"])
    db.session.commit()
    for path in ("report.docx", "report.xlsx", "draft-with-comments.docx", ""):
        texts.append(_opens(lead.get(f"/rounds/{rid}/consolidation/{path}")))
    joined = "\n".join(texts)
    assert "Đề nghị bổ sung" in joined and "Sở Tài chính" in joined
    assert not set(CONTROLS) & set(joined)


def test_text_typed_with_control_characters_is_stored_clean(app, login_as, stored):
    agency = login_as(stored["leader"], test_client=app.test_client())
    rid = stored["round"].id
    page = agency.get(f"/inbox/{rid}")
    reply = agency.post(f"/inbox/{rid}/comments", headers={"Accept": "application/json"},
                        data={"csrf_token": csrf_token_from(page),
                              "text": f"Bổ sung{CONTROLS} nội dung\r\nDòng hai",
                              "section_id": ""})
    assert reply.status_code == 201
    db.session.rollback()
    newest = db.session.get(Comment, reply.get_json()["id"])
    assert newest.text == "Bổ sung nội dung\nDòng hai"
