"""edXML through the API: a lead office's request downloaded as a package, a request handed in
to an agency's inbox, packages refused with their reason when they are not the caller's."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from commentflow.accounts.api_tokens import LEAD, READ, RESPOND
from commentflow.core.roles import Role
from commentflow.exchange import edxml
from commentflow.exchange.models import ExchangeMessage, Outcome
from commentflow.extensions import db
from commentflow.rounds.models import Round
from tests.factories import make_agency, make_round, make_user
from tests.web.test_api import bearer, make_token

SYT, XA, XB = "000.00.01.H01", "000.00.20.H01", "000.00.21.H01"
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / \
    "du-thao-ke-hoach-218-kien-giang.docx"


def request_package(to: str) -> bytes:
    draft = SAMPLE.read_bytes()
    return edxml.build_letter(edxml.Letter(
        sender=edxml.Organ(SYT, "Sở Y tế"), receivers=[edxml.Organ(to, "UBND xã")],
        document_id=f"{SYT},2024/07/02,2159/SYT-TCCB", code_number="2159",
        code_notation="SYT-TCCB", place="An Giang", promulgation_date=date(2024, 7, 2),
        type_name="Công văn", subject="V/v góp ý dự thảo Kế hoạch 218",
        signer_name="Hồ Văn Dũng", signer_position="PHÓ GIÁM ĐỐC", due_date=date(2099, 7, 9),
        attachments=[edxml.Attachment("du-thao-ke-hoach.docx", "application/vnd.openxmlformats"
                                      "-officedocument.wordprocessingml.document", draft,
                                      "Dự thảo")]))


@pytest.fixture
def agencies(app):
    lead = make_agency(name="Sở Y tế", code="SYT", edoc_code=SYT)
    own = make_agency(name="UBND xã Mỹ Hòa Hưng", code="XMHH", edoc_code=XA)
    other = make_agency(name="UBND xã Bình Hòa", code="XBH", edoc_code=XB)
    db.session.commit()
    return {"lead": lead, "own": own, "other": other}


def test_a_request_handed_in_lands_in_the_agencys_inbox_once(client, agencies):
    token = make_token(agencies["own"], {READ, RESPOND})
    db.session.commit()
    package = request_package(XA)
    first = client.post("/api/v1/exchange/packages", data=package,
                        content_type="application/xml", headers=bearer(token))
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["kind"] == "request"
    again = client.post("/api/v1/exchange/packages", data=package,
                        content_type="application/xml", headers=bearer(token))
    assert again.get_json()["id"] == first.get_json()["id"]  # the adapter retried
    inbox = client.get("/api/v1/inbox", headers=bearer(token)).get_json()["items"]
    assert [(i["reference"], i["lead_agency"]["name"]) for i in inbox] == [
        ("2159/SYT-TCCB", "Sở Y tế")]
    request = client.get(f"/api/v1/inbox/{inbox[0]['round_id']}",
                         headers=bearer(token)).get_json()
    assert request["accepts_answers"] and request["signer_name"] == "Hồ Văn Dũng"
    assert request["deadline_at"].startswith("2099-07-09T17:00:00")  # trước ngày 10/7
    keys = {s["key"] for s in client.get(f"/api/v1/inbox/{inbox[0]['round_id']}/outline",
                                         headers=bearer(token)).get_json()["sections"]}
    assert "I.1.a" in keys


def test_packages_not_for_the_caller_are_refused_and_kept(client, agencies):
    token = make_token(agencies["other"], {READ, RESPOND})
    reader = make_token(agencies["own"], {READ})
    db.session.commit()
    package = request_package(XA)
    assert client.post("/api/v1/exchange/packages", data=package,
                       content_type="application/xml",
                       headers=bearer(reader)).status_code == 403
    refused = client.post("/api/v1/exchange/packages", data=package,
                          content_type="application/xml", headers=bearer(token))
    assert refused.status_code == 422
    assert "không gửi cho cơ quan" in refused.get_json()["message"]
    hostile = client.post("/api/v1/exchange/packages", headers=bearer(token),
                          content_type="application/xml",
                          data=b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    assert hostile.status_code == 422 and "DOCTYPE" in hostile.get_json()["message"]
    assert db.session.scalar(select(Round)) is None
    kept = db.session.scalars(select(ExchangeMessage)).all()
    assert [m.outcome for m in kept] == [Outcome.REFUSED, Outcome.REFUSED]
    assert kept[0].file.data == package


def test_the_lead_office_downloads_its_request_as_a_package(client, agencies):
    author = make_user(roles=(Role.LEAD_STAFF,), agency=agencies["lead"])
    round_ = make_round(author, [agencies["own"], agencies["other"]], open_=True)
    token = make_token(agencies["lead"], {LEAD})
    db.session.commit()
    answer = client.get(f"/api/v1/rounds/{round_.id}/request.edxml?agency_id="
                        f"{agencies['own'].id}", headers=bearer(token))
    assert answer.status_code == 200
    package = edxml.read_package(answer.data, max_bytes=10**7)
    assert [r.organ_id for r in package.receivers] == [XA]
    assert package.document_id == f"{SYT},2024/07/02,2159/SYT-TCCB"
    assert package.due_date is not None and package.code_notation == "SYT-TCCB"
    assert {a.description for a in package.attachments} == {"Công văn", "Dự thảo"}
    round_.recipients[0].agency.edoc_code = None
    db.session.commit()
    refused = client.get(f"/api/v1/rounds/{round_.id}/request.edxml", headers=bearer(token))
    assert refused.status_code == 422 and "mã định danh" in refused.get_json()["message"]
