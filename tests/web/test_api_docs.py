"""docs/api.md tells the truth: its curl examples, run in order by bash against the app served
on a loopback port, answer a request from inbox to report."""
import re
import subprocess
import threading
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from commentflow.accounts.api_tokens import LEAD, READ, RESPOND
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.models import Response, ResponseState
from tests.factories import make_agency, make_round, make_user
from tests.web.test_api import PDF, make_token

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def shell_examples() -> str:
    return "\n".join(re.findall(r"```sh\n(.*?)```", API_DOC.read_text(), re.S))


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_the_curl_examples_answer_a_request_end_to_end(app, served, tmp_path):
    lead_agency, agency = make_agency(), make_agency(name="Sở Tư pháp")
    round_ = make_round(make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency), [agency],
                        open_=True)
    make_user(roles=(Role.STAFF,), agency=agency, username="chuyenvien.stp")
    env = {"PATH": "/usr/bin:/bin", "BASE": served,
           "TOKEN": make_token(agency, {READ, RESPOND}),
           "LEAD_TOKEN": make_token(lead_agency, {LEAD})}
    db.session.commit()
    (tmp_path / "cong-van-tra-loi.pdf").write_bytes(PDF)
    script = "set -euo pipefail\n" + shell_examples()
    assert script.count("curl ") >= 15
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert '"reply_notation":"STP-VP"' in run.stdout.replace(" ", "")

    db.session.expire_all()
    sent = db.session.scalar(select(Response).where(Response.state == ResponseState.SUBMITTED))
    assert sent.recipient.round_id == round_.id and sent.reference == "15/STP-VP"
    assert [c.text for c in sent.comments] == ["Đề nghị bổ sung chỉ tiêu cụ thể, đo được."]
    assert sent.scan is not None and sent.scan.data == PDF
    report = docx.Document(tmp_path / "bao-cao-tong-hop.docx")
    assert any("15/STP-VP" in cell.text for table in report.tables for row in table.rows
               for cell in row.cells)
    assert openpyxl.load_workbook(tmp_path / "bao-cao-tong-hop.xlsx").worksheets
