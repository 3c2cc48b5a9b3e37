"""Letters and the consolidation report downloaded as PDF for the agency's signing tool,
rendered by LibreOffice headless from the same .docx (read back with pdftotext)."""
import subprocess
from datetime import date

from commentflow.core.clock import now_utc
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.services import ReplyLetter, agree
from commentflow.signatures import verification
from tests.factories import make_agency, make_round, make_user


def _text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "x.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / "x.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_the_request_letter_reply_and_report_come_as_pdf_to_sign(app, login_as, tmp_path):
    lead_agency, agency = make_agency(name="Sở Y tế"), make_agency(name="Sở Tài chính")
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency)
    round_ = make_round(lead, [agency], open_=True)
    leader = make_user(roles=(Role.LEADER,), agency=agency, full_name="Trần Văn Minh")
    sent = agree(round_.recipients[0], ReplyLetter("15", "STC-VP", date(2024, 7, 8)),
                 actor=leader, now=now_utc())
    db.session.commit()
    client = login_as(lead, test_client=app.test_client())
    letter = client.get(f"/rounds/{round_.id}/letter.docx?format=pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    assert "cong-van-2159-SYT-TCCB.pdf" in letter.headers["Content-Disposition"]
    text = _text(letter.data, tmp_path)
    assert "2159/SYT-TCCB" in text and "Sở Tài chính" in text
    # Unsigned as it leaves: the leader signs it with the agency's own signing tool.
    assert verification.check_pdf(letter.data, []).state == verification.UNSIGNED
    report = client.get(f"/rounds/{round_.id}/consolidation/report.docx?format=pdf")
    assert report.mimetype == "application/pdf"
    assert "TỔNG HỢP" in _text(report.data, tmp_path).upper()
    agency_client = login_as(leader, test_client=app.test_client())
    reply = agency_client.get(f"/inbox/{round_.id}/responses/{sent.id}/letter.docx?format=pdf")
    assert reply.mimetype == "application/pdf"
    assert "thống nhất" in _text(reply.data, tmp_path)
