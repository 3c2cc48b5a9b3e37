"""A reply's signed PDF is checked when it arrives, against the trust roots the operator put in
COMMENTFLOW_TRUST_ROOTS, and the result is shown on the answer, on the tracker, in the .xlsx
and through the API."""
import io

import openpyxl
import pytest

from commentflow.accounts.api_tokens import LEAD, READ, RESPOND
from commentflow.core.roles import Role
from commentflow.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD, make_agency, make_round, make_user
from tests.fixtures.signing import Authority, blank_pdf, tampered
from tests.web.test_api import bearer, make_token


@pytest.fixture(scope="module")
def authority():
    return Authority()


@pytest.fixture
def signed_world(app_factory, tmp_path, authority):
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "ca.pem").write_bytes(authority.pem())
    app = app_factory(TRUST_ROOTS_DIR=str(tmp_path / "roots"))
    with app.app_context():
        lead_agency, first, second = make_agency(), make_agency(), make_agency()
        lead = make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency)
        round_ = make_round(lead, [first, second], open_=True)
        world = {"app": app, "round_id": round_.id, "lead": lead.username,
                 "first": make_token(first, {READ, RESPOND}),
                 "second": make_token(second, {READ, RESPOND}),
                 "lead_token": make_token(lead_agency, {LEAD})}
        db.session.commit()
    return world


def _send(client, round_id, secret, pdf, number):
    answer = client.post(f"/api/v1/inbox/{round_id}/submission", headers=bearer(secret), data={
        "reply_number": number, "reply_notation": "VP", "reply_date": "2024-07-08",
        "agree": "true", "letter": (io.BytesIO(pdf), "cong-van.pdf")},
        content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_the_signature_is_shown_wherever_the_reply_is_read(signed_world, authority):
    app, rid = signed_world["app"], signed_world["round_id"]
    client = app.test_client()
    good = authority.signer("Nguyễn Văn An", "UBND xã Mỹ Hòa Hưng").sign(blank_pdf())
    sent = _send(client, rid, signed_world["first"], good, "15")
    assert sent["signature"]["state"] == "valid"
    assert sent["signature"]["label"].startswith("Đã ký số: Nguyễn Văn An, UBND xã Mỹ Hòa Hưng")
    assert sent["signature"]["label"].endswith("hợp lệ")
    broken = _send(client, rid, signed_world["second"], tampered(good), "16")
    assert broken["signature"]["state"] == "invalid"

    rows = client.get(f"/api/v1/rounds/{rid}/recipients",
                      headers=bearer(signed_world["lead_token"])).get_json()["items"]
    assert [r["signature"]["state"] for r in rows] == ["valid", "invalid"]
    client.post("/login", data={"csrf_token": csrf_token_from(client.get("/login")),
                                "username": signed_world["lead"], "password": DEFAULT_PASSWORD})
    tracker = client.get(f"/rounds/{rid}/tracker").get_data(as_text=True)
    assert "Đã ký số: Nguyễn Văn An" in tracker
    assert "Chữ ký không hợp lệ: tệp đã bị thay đổi sau khi ký" in tracker
    page = client.get(f"/rounds/{rid}/responses/{sent['id']}").get_data(as_text=True)
    assert 'class="signature signature-valid"' in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/rounds/{rid}/tracker.xlsx").data))
    sheet = book.worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Chữ ký số" in values
    assert any(str(v).startswith("Đã ký số: Nguyễn Văn An") for v in values)


def test_an_unsigned_scan_says_it_has_no_signature(signed_world):
    client = signed_world["app"].test_client()
    sent = _send(client, signed_world["round_id"], signed_world["first"], blank_pdf(), "17")
    assert sent["signature"] == {"state": "none", "label": "Không có chữ ký số"}
