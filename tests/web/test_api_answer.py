"""An agency's whole answer through the API, read back by the lead office's system; what the
API refuses, in the caller's language; and an agency's unsent work kept to itself."""
import io

import docx
import openpyxl
import pytest
from sqlalchemy import select

from commentflow.accounts.api_tokens import LEAD, READ, RESPOND
from commentflow.accounts.models import User
from commentflow.audit.models import AuditEvent
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.notifications.models import Notification
from commentflow.responses.models import MAX_COMMENT_CHARS
from tests.factories import make_agency, make_round, make_user
from tests.web.test_api import PDF, bearer, make_token


@pytest.fixture
def round_world(app):
    lead_agency, own, other = make_agency(), make_agency(), make_agency()
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency)
    round_ = make_round(lead, [own, other], open_=True)
    make_user(roles=(Role.STAFF,), agency=own, username="handler.own", full_name="Lê Văn Xử")
    make_user(roles=(Role.STAFF,), agency=own, username="helper.own", full_name="Trần Thị Phối")
    make_user(roles=(Role.LEADER,), agency=own, username="leader.own")
    sections = {s.key: s.id for s in round_.versions[0].sections}
    world = {"round_id": round_.id, "own": own, "other": other, "lead_agency": lead_agency,
             "sections": sections,
             "respond": make_token(own, {READ, RESPOND}, name="QLVB Sở Tư pháp"),
             "other_respond": make_token(other, {READ, RESPOND}),
             "lead": make_token(lead_agency, {LEAD})}
    db.session.commit()
    return world


def test_an_agency_answers_through_the_api_and_the_lead_office_reads_it(client, round_world):
    w, rid = round_world, round_world["round_id"]
    own = bearer(w["respond"])
    inbox = client.get("/api/v1/inbox", headers=own).get_json()
    assert [item["round_id"] for item in inbox["items"]] == [rid]
    assert inbox["items"][0]["reference"] == "2159/SYT-TCCB"
    assert inbox["items"][0]["state"] == "sent"
    outline = client.get(f"/api/v1/inbox/{rid}/outline", headers=own).get_json()
    section = next(s for s in outline["sections"] if s["key"] == "I.1.a")

    registered = client.post(f"/api/v1/inbox/{rid}/registration", headers=own,
                             json={"number": 1234, "received_on": "2024-07-03"})
    assert registered.status_code == 201 and registered.get_json()["year"] == 2024
    people = {p["username"] for p in client.get("/api/v1/agency/users", headers=own).get_json()}
    assert people == {"handler.own", "helper.own", "leader.own"}  # never the API's account
    assigned = client.post(f"/api/v1/inbox/{rid}/assignment", headers=own, json={
        "handler": "handler.own", "coordinators": ["helper.own"], "instruction": "Góp ý."})
    assert assigned.get_json()["handler"]["full_name"] == "Lê Văn Xử"

    created = client.post(f"/api/v1/inbox/{rid}/comments", headers=own, json={
        "section_id": section["id"], "text": "Đề nghị bổ sung chỉ tiêu.",
        "proposed_wording": "…đạt 100%…", "reason": "Phù hợp Nghị quyết."})
    assert created.status_code == 201
    comment = created.get_json()
    assert comment["section_key"] == "I.1.a" and comment["author"] == "QLVB Sở Tư pháp (API)"
    general = client.post(f"/api/v1/inbox/{rid}/comments", headers=own,
                          json={"text": "Ý kiến chung, sẽ bỏ."}).get_json()
    assert client.delete(f"/api/v1/inbox/{rid}/comments/{general['id']}",
                         headers=own).status_code == 204
    edited = client.put(f"/api/v1/inbox/{rid}/comments/{comment['id']}", headers=own, json={
        "section_id": section["id"], "text": "Đề nghị bổ sung chỉ tiêu cụ thể.",
        "proposed_wording": "…đạt 100%…", "revision": comment["revision"]})  # PUT: all of it
    assert edited.get_json()["revision"] == comment["revision"] + 1
    stale = client.put(f"/api/v1/inbox/{rid}/comments/{comment['id']}", headers=own, json={
        "section_id": section["id"], "text": "Bản cũ.", "revision": comment["revision"]})
    assert stale.status_code == 409
    assert stale.get_json()["errors"]["theirs"]["text"] == "Đề nghị bổ sung chỉ tiêu cụ thể."

    # The lead office sees that the agency is drafting, and nothing of what it drafts.
    lead = bearer(w["lead"])
    row = client.get(f"/api/v1/rounds/{rid}/recipients", headers=lead).get_json()["items"][0]
    assert row["state"] == "drafting" and row["response_id"] is None

    sent = client.post(f"/api/v1/inbox/{rid}/submission", headers=own, data={
        "reply_number": "15", "reply_notation": "stp-vp", "reply_date": "2024-07-08",
        "letter": (io.BytesIO(PDF), "cong-van-15.pdf")}, content_type="multipart/form-data")
    assert sent.status_code == 201, sent.get_json()
    answer = sent.get_json()
    assert answer["state"] == "submitted" and answer["reply_notation"] == "STP-VP"
    assert [c["text"] for c in answer["comments"]] == ["Đề nghị bổ sung chỉ tiêu cụ thể."]

    rows = client.get(f"/api/v1/rounds/{rid}/recipients", headers=lead).get_json()
    mine = next(r for r in rows["items"] if r["agency"]["id"] == w["own"].id)
    assert mine["state"] == "submitted_on_time" and mine["reply_reference"] == "15/STP-VP"
    assert mine["comment_count"] == 1 and rows["total"] == 2
    received = client.get(f"/api/v1/rounds/{rid}/responses/{mine['response_id']}",
                          headers=lead).get_json()
    assert received["comments"][0]["proposed_wording"] == "…đạt 100%…"
    detail = client.get(f"/api/v1/rounds/{rid}", headers=lead).get_json()
    assert detail["states"] == {"submitted_on_time": 1, "sent": 1}

    report = client.get(f"/api/v1/rounds/{rid}/report.docx?columns=reply", headers=lead)
    text = "\n".join(cell.text for table in docx.Document(io.BytesIO(report.data)).tables
                     for row in table.rows for cell in row.cells)
    assert "Đề nghị bổ sung chỉ tiêu cụ thể." in text and "15/STP-VP" in text
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/api/v1/rounds/{rid}/report.xlsx", headers=lead).data))
    values = [c for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert any("Đề nghị bổ sung chỉ tiêu cụ thể." in str(value) for value in values)

    # Audited as the token's account; people were notified, the API's account never.
    actors = {e.actor.full_name for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["response.registered", "response.submitted"])))}
    assert actors == {"QLVB Sở Tư pháp (API)"}
    notified = set(db.session.scalars(select(User.username).join(
        Notification, Notification.user_id == User.id).where(User.agency_id == w["own"].id)))
    assert notified == {"handler.own", "helper.own"}


def test_another_agency_cannot_see_or_touch_unsent_work(client, round_world):
    w, rid = round_world, round_world["round_id"]
    comment = client.post(f"/api/v1/inbox/{rid}/comments", headers=bearer(w["respond"]),
                          json={"text": "Chưa gửi, chỉ đơn vị mình biết."}).get_json()
    other = bearer(w["other_respond"])
    assert client.put(f"/api/v1/inbox/{rid}/comments/{comment['id']}", headers=other,
                      json={"text": "Sửa trộm", "revision": 1}).status_code == 404
    assert client.delete(f"/api/v1/inbox/{rid}/comments/{comment['id']}",
                         headers=other).status_code == 404
    assert client.get(f"/api/v1/inbox/{rid}/response", headers=other).status_code == 404
    # The lead office cannot read the working answer by its id either.
    own_answer = client.get(f"/api/v1/inbox/{rid}/response",
                            headers=bearer(w["respond"])).get_json()
    assert client.get(f"/api/v1/rounds/{rid}/responses/{own_answer['id']}",
                      headers=bearer(w["lead"])).status_code == 404
    for address in (f"/api/v1/inbox/{rid}", f"/api/v1/inbox/{rid}/response"):
        assert "Chưa gửi" not in client.get(address, headers=other).get_data(as_text=True)


def test_refusals_are_clear_and_in_the_callers_language(client, round_world):
    w, rid = round_world, round_world["round_id"]
    own = bearer(w["respond"])
    missing = client.post(f"/api/v1/inbox/{rid}/comments", headers=own, json={"tex": "x"})
    assert missing.status_code == 422
    assert missing.get_json()["errors"]["json"] == {
        "text": ["Thiếu trường bắt buộc."], "tex": ["Trường không có trong tài liệu API."]}
    wrong = client.post(f"/api/v1/inbox/{rid}/registration", json={"number": "mười",
                        "received_on": "8/7/2024"}, headers=bearer(w["respond"], **{
                            "Accept-Language": "en"}))
    assert wrong.get_json()["errors"]["json"] == {
        "number": ["Must be an integer."], "received_on": ["Invalid date (YYYY-MM-DD)."]}
    too_long = client.post(f"/api/v1/inbox/{rid}/comments", headers=own,
                           json={"text": "x" * (MAX_COMMENT_CHARS + 1)})
    assert too_long.status_code == 422
    assert "quá giới hạn" in too_long.get_json()["message"]
    english = client.post(f"/api/v1/inbox/{rid}/comments", json={"text": " "},
                          headers=bearer(w["respond"], **{"Accept-Language": "en"}))
    assert english.status_code == 422
    assert english.get_json()["message"] == "The comment cannot be empty."
    foreign = client.post(f"/api/v1/inbox/{rid}/comments", headers=own, json={
        "text": "Mục lạ", "section_id": 10**6})
    assert foreign.status_code == 422 and "không thuộc dự thảo" in foreign.get_json()["message"]
    unknown = client.post(f"/api/v1/inbox/{rid}/assignment", headers=own,
                          json={"handler": "ai.do"})
    assert unknown.status_code == 422 and "ai.do" in unknown.get_json()["message"]
    nothing = client.post(f"/api/v1/inbox/{rid}/submission", headers=own, data={
        "reply_number": "1", "reply_notation": "VP", "reply_date": "2024-07-08"})
    assert nothing.status_code == 422 and "agree=true" in nothing.get_json()["message"]
    not_pdf = client.post(f"/api/v1/inbox/{rid}/submission", headers=own, data={
        "reply_number": "1", "reply_notation": "VP", "reply_date": "2024-07-08",
        "agree": "true", "letter": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")},
        content_type="multipart/form-data")
    assert not_pdf.status_code == 422 and "PDF" in not_pdf.get_json()["message"]
    assert client.get("/api/v1/inbox", headers=own).get_json()["items"][0]["state"] == "sent"
    assert client.get("/api/v1/nowhere", headers=own).get_json()["code"] == 404


def test_comments_sent_together_are_saved_together_or_not_at_all(client, round_world):
    w, rid = round_world, round_world["round_id"]
    own = bearer(w["respond"])
    refused = client.post(f"/api/v1/inbox/{rid}/comments/batch", headers=own, json={
        "comments": [{"text": "Ý kiến một.", "section_id": w["sections"]["I.1.a"]},
                     {"text": "Ý kiến về một mục lạ.", "section_id": 10**6}]})
    assert refused.status_code == 422
    assert refused.get_json()["message"].startswith("Ý kiến thứ 2: ")
    nothing = client.get(f"/api/v1/inbox/{rid}/response", headers=own)
    assert nothing.status_code == 404  # not even an empty answer was started
    saved = client.post(f"/api/v1/inbox/{rid}/comments/batch", headers=own, json={
        "comments": [{"text": "Ý kiến một.", "section_id": w["sections"]["I.1.a"]},
                     {"text": "Ý kiến chung."}]})
    assert saved.status_code == 201
    assert [(c["section_key"], c["text"]) for c in saved.get_json()] == [
        ("I.1.a", "Ý kiến một."), (None, "Ý kiến chung.")]
    assert len(client.get(f"/api/v1/inbox/{rid}/response",
                          headers=own).get_json()["comments"]) == 2
