"""edXML round trip between two commentflow instances, each on its own database: the lead
office's request goes out through its exchange folder, comes into the agency's instance as an
incoming letter, is answered through the API, and the reply and the statuses come back onto
the lead office's tracker."""
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from commentflow.accounts.api_tokens import LEAD, READ, RESPOND
from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.roles import Role
from commentflow.directory.models import Agency
from commentflow.exchange import edxml, services
from commentflow.exchange.folders import exchange_sweep, import_and_commit
from commentflow.exchange.models import Direction, ExchangeMessage, Outcome
from commentflow.extensions import db
from commentflow.responses.models import Response
from commentflow.responses.services import ReplyLetter, agree
from commentflow.rounds.models import Round
from tests.conftest import _create_schema, make_app
from tests.factories import make_agency, make_round, make_user
from tests.web.test_api import PDF, bearer, make_token

SYT, XA = "000.00.01.H01", "000.00.20.H01"


@pytest.fixture
def agency_app(backend, request, tmp_path):
    """The recipient agency's own commentflow, on a database of its own."""
    if backend == "sqlite":
        url = "sqlite:///" + str(tmp_path / "agency.sqlite3")
    else:
        url = request.getfixturevalue("pg_cluster").create_database("commentflow_agency")
    _create_schema(url)
    app = make_app(url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _sweep(app, folder: Path) -> dict:
    with app.app_context():
        counts = exchange_sweep(folder, now=now_utc(), zone=configured_zone())
        db.session.remove()
        return counts


def _carry(source: Path, target: Path) -> list[str]:
    """The exchange between the two adapters: what one wrote out, the other receives."""
    (target / "incoming").mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted((source / "outgoing").glob("*.edxml")):
        shutil.move(path, target / "incoming" / path.name)
        names.append(path.name)
    return names


def test_request_and_reply_travel_between_two_instances(app, client, agency_app, tmp_path):
    lead_folder, agency_folder = tmp_path / "so-y-te", tmp_path / "ubnd-xa"
    # The lead office's instance: Sở Y tế, an agency with its own users (answers here) and
    # the commune, reached only through the exchange.
    lead_agency = make_agency(name="Sở Y tế", code="SYT", edoc_code=SYT)
    local = make_agency(name="Sở Tài chính")
    commune = make_agency(name="UBND xã Mỹ Hòa Hưng", code="XMHH", edoc_code=XA)
    make_user(roles=(Role.STAFF,), agency=local)
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency)
    round_ = make_round(lead, [local, commune], open_=True)
    lead_token = make_token(lead_agency, {LEAD})
    db.session.commit()
    round_id = round_.id

    assert _sweep(app, lead_folder)["written"] == 1  # the commune only
    assert _sweep(app, lead_folder)["written"] == 0  # once
    assert [n.split("-")[0] for n in _carry(lead_folder, agency_folder)] == ["request"]

    # The commune's instance knows both agencies by their codes.
    with agency_app.app_context():
        make_agency(name="Sở Y tế tỉnh An Giang", code="SYT", edoc_code=SYT)
        own = make_agency(name="UBND xã Mỹ Hòa Hưng", code="XMHH", edoc_code=XA)
        make_user(roles=(Role.STAFF,), agency=own, username="cv.xa")
        make_user(roles=(Role.LEADER,), agency=own, username="ct.xa")
        token = make_token(own, {READ, RESPOND})
        db.session.commit()
    counts = _sweep(agency_app, agency_folder)
    assert counts["imported"] == 1 and counts["refused"] == 0
    assert counts["written"] == 1  # "01 đã đến"

    api = agency_app.test_client()
    own = bearer(token)
    inbox = api.get("/api/v1/inbox", headers=own).get_json()["items"]
    assert [i["reference"] for i in inbox] == ["2159/SYT-TCCB"]
    assert inbox[0]["lead_agency"]["edoc_code"] == SYT
    request_id = inbox[0]["round_id"]
    section = next(s for s in api.get(f"/api/v1/inbox/{request_id}/outline", headers=own)
                   .get_json()["sections"] if s["key"] == "I.1.a")
    assert api.post(f"/api/v1/inbox/{request_id}/registration", headers=own,
                    json={"number": 88, "received_on": "2024-07-03"}).status_code == 201
    assert api.post(f"/api/v1/inbox/{request_id}/assignment", headers=own,
                    json={"handler": "cv.xa"}).status_code == 201
    assert api.post(f"/api/v1/inbox/{request_id}/comments", headers=own, json={
        "section_id": section["id"], "text": "Đề nghị bổ sung chỉ tiêu cho cấp xã.",
        "proposed_wording": "…100% trạm y tế xã…"}).status_code == 201
    sent = api.post(f"/api/v1/inbox/{request_id}/submission", headers=own, data={
        "reply_number": "15", "reply_notation": "UBND-VP", "reply_date": "2024-07-08",
        "letter": (io.BytesIO(PDF), "cv-15.pdf")},
        content_type="multipart/form-data")
    assert sent.status_code == 201
    reply = api.get(f"/api/v1/inbox/{request_id}/reply.edxml", headers=own)
    assert reply.status_code == 200 and b"ResponseFor" in reply.data

    written = _sweep(agency_app, agency_folder)["written"]
    assert written == 4  # registered, assigned, the reply, done
    carried = _carry(agency_folder, lead_folder)
    assert sorted(n.split("-")[0] for n in carried) == ["reply", "status", "status", "status",
                                                         "status"]
    counts = _sweep(app, lead_folder)
    assert counts["imported"] == 5 and counts["refused"] == 0

    # The lead office's tracker shows the commune's answer with its number, date and comment.
    rows = client.get(f"/api/v1/rounds/{round_id}/recipients",
                      headers=bearer(lead_token)).get_json()["items"]
    row = next(r for r in rows if r["agency"]["edoc_code"] == XA)
    assert row["state"] == "submitted_on_time"
    assert row["reply_reference"] == "15/UBND-VP" and row["reply_date"] == "2024-07-08"
    assert row["comment_count"] == 1
    answer = client.get(f"/api/v1/rounds/{round_id}/responses/{row['response_id']}",
                        headers=bearer(lead_token)).get_json()
    assert answer["comments"][0]["section_key"] == "I.1.a"
    assert answer["entered_by_lead"] is False  # it came as data, nobody typed it
    assert answer["comments"][0]["proposed_wording"] == "…100% trạm y tế xã…"
    db.session.expire_all()
    response = db.session.get(Response, row["response_id"])
    assert response.scan.data == PDF
    assert db.session.get(Round, round_id).recipients[1].exchange_status is not None
    # Received twice (the adapter retried): applied once.
    again = lead_folder / "incoming" / carried[0]
    shutil.copy(lead_folder / "done" / carried[0], again)
    assert _sweep(app, lead_folder)["imported"] == 1
    assert db.session.scalar(select(db.func.count(Response.id))) == 1


def test_a_refused_package_is_kept_with_its_reason_and_nothing_half_imported(app, tmp_path):
    folder = tmp_path / "exchange"
    (folder / "incoming").mkdir(parents=True)
    make_agency(name="Sở Y tế", code="SYT", edoc_code=SYT)
    own = make_agency(name="UBND xã", code="XA", edoc_code=XA)
    make_user(roles=(Role.STAFF,), agency=own)
    db.session.commit()
    package = edxml.build_letter(edxml.Letter(
        sender=edxml.Organ(SYT, "Sở Y tế"), receivers=[edxml.Organ(XA, "UBND xã")],
        document_id=f"{SYT},2024/07/02,2159/SYT-TCCB", code_number="2159",
        code_notation="SYT-TCCB", place="An Giang", promulgation_date=date(2024, 7, 2),
        type_name="Công văn", subject="V/v góp ý dự thảo", due_date=date(2099, 7, 9),
        attachments=[edxml.Attachment("cong-van.pdf", "application/pdf", PDF, "Công văn"),
                     edxml.Attachment("du-thao.docx", "application/msword",
                                      b"PK\x03\x04 not a document", "Dự thảo")]))
    (folder / "incoming" / "goi-tin-1.edxml").write_bytes(package)
    hostile = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa">'
               b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><edXML>&b;</edXML>')
    (folder / "incoming" / "goi-tin-2.edxml").write_bytes(hostile)
    counts = _sweep(app, folder)
    assert counts == {"imported": 0, "refused": 2, "written": 0, "failed": 0}
    reasons = {p.name: p.read_text() for p in (folder / "refused").glob("*.ly-do.txt")}
    assert "DOCTYPE" in reasons["goi-tin-2.edxml.ly-do.txt"]
    assert "du-thao.docx" in reasons["goi-tin-1.edxml.ly-do.txt"]  # the draft is broken
    assert "hỏng" in reasons["goi-tin-1.edxml.ly-do.txt"]
    assert (folder / "refused" / "goi-tin-1.edxml").read_bytes() == package
    assert db.session.scalar(select(db.func.count(Round.id))) == 0
    refused = db.session.scalars(select(ExchangeMessage)).all()
    assert [m.outcome for m in refused] == [Outcome.REFUSED, Outcome.REFUSED]
    assert all(m.direction is Direction.INCOMING and m.file.data for m in refused)
    assert db.session.scalar(select(db.func.count(Agency.id))) == 2


def test_the_administrator_reads_what_was_refused_and_why(app, client, login_as, tmp_path):
    folder = tmp_path / "exchange"
    (folder / "incoming").mkdir(parents=True)
    (folder / "incoming" / "sai-dinh-dang.edxml").write_bytes(b"<edXML><khong-dong>")
    _sweep(app, folder)
    admin = make_user(roles=(Role.ADMIN,))
    db.session.commit()
    login_as(admin)
    page = client.get("/admin/exchange/?refused=1").get_data(as_text=True)
    assert "sai-dinh-dang.edxml" in page and "Gói tin không phải XML hợp lệ" in page
    message = db.session.scalar(select(ExchangeMessage))
    download = client.get(f"/admin/exchange/{message.id}/package")
    assert download.data == b"<edXML><khong-dong>"


def test_offices_without_an_adapter_download_their_packages(app, login_as):
    lead_agency = make_agency(name="Sở Y tế", code="SYT", edoc_code=SYT)
    commune = make_agency(name="UBND xã", code="XA", edoc_code=XA)
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency)
    round_ = make_round(lead, [commune], open_=True)
    leader = make_user(roles=(Role.LEADER,), agency=commune)
    sent = agree(round_.recipients[0], ReplyLetter("15", "UBND-VP", date(2024, 7, 8)),
                 actor=leader, now=now_utc())
    db.session.commit()
    lead_client = login_as(lead, test_client=app.test_client())
    request = lead_client.get(f"/rounds/{round_.id}/request.edxml")
    assert edxml.read_package(request.data, max_bytes=10**7).receivers[0].organ_id == XA
    assert "request.edxml" in lead_client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    agency_client = login_as(leader, test_client=app.test_client())
    reply = agency_client.get(f"/inbox/{round_.id}/responses/{sent.id}/reply.edxml")
    package = edxml.read_package(reply.data, max_bytes=10**7)
    assert package.response_for.document_id == f"{SYT},2024/07/02,2159/SYT-TCCB"
    commune.edoc_code = None
    db.session.commit()
    refused = agency_client.get(f"/inbox/{round_.id}/responses/{sent.id}/reply.edxml")
    assert refused.status_code == 422
    assert "chưa có mã định danh điện tử" in refused.get_data(as_text=True)


def test_a_package_applied_by_two_schedulers_at_once_counts_once(app, monkeypatch):
    lead_agency = make_agency(name="Sở Y tế", code="SYT", edoc_code=SYT)
    commune = make_agency(name="UBND xã", code="XA", edoc_code=XA)
    round_ = make_round(make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency), [commune],
                        open_=True)
    db.session.commit()
    package = services.status_package(round_.recipients[0], edxml.REGISTERED, "Đã vào sổ",
                                      now=now_utc(), zone=configured_zone())
    first, applied = import_and_commit(package, "s.edxml", now=now_utc(), zone="Asia/Ho_Chi_Minh")
    assert applied
    # The other scheduler read the package before this one committed: it does not see it.
    real_seen = services._seen
    calls = []
    monkeypatch.setattr(services, "_seen", lambda key: calls.append(key) or (
        real_seen(key) if len(calls) > 1 else None))
    again, applied = import_and_commit(package, "s.edxml", now=now_utc(), zone="Asia/Ho_Chi_Minh")
    assert applied and again.id == first.id
    assert db.session.scalar(select(db.func.count(ExchangeMessage.id))) == 1
