"""The official documents as they print: each generated .docx is rendered to PDF by
LibreOffice (Liberation Serif stands in metric for metric for Times New Roman) and read back
with pdftotext. The national motto holds on one line in every header, and no word of the
report's header row, no reply date, is broken across lines, whichever optional columns."""
import itertools
import re
import shutil
import subprocess
from datetime import date

import pytest

from commentflow.exports.consolidation_report import build_report_docx
from commentflow.exports.letters import Letter, build_letter
from commentflow.exports.report import COLUMNS, ReportData, ReportGroup, ReportRow

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
OPTIONAL = [c.key for c in COLUMNS if c.optional]


def _letter(**overrides) -> bytes:
    values = dict(parent_name="UBND TỈNH AN GIANG", issuer_name="Sở Y tế", number="2159",
                  notation="SYT-TCCB", subject="V/v góp ý dự thảo Kế hoạch thực hiện Nghị "
                  "quyết số 218/NQ-CP", place="An Giang", day=date(2026, 7, 2),
                  recipients=["Các sở, ban, ngành tỉnh;", "UBND các xã, phường, đặc khu"],
                  body=["Sở Y tế đề nghị các cơ quan, đơn vị góp ý."], signer_authority="KT.",
                  signer_head_title="GIÁM ĐỐC", signer_position="PHÓ GIÁM ĐỐC",
                  signer_name="Hồ Văn Dũng", copies=["Lưu: VT, TCCB."])
    values.update(overrides)
    return build_letter(Letter(**values))


def _report(optional) -> bytes:
    row = ReportRow(agencies=["Sở Tài chính"], comment="Đề nghị bổ sung nguồn kinh phí.",
                    answer="Tiếp thu, bổ sung vào dự thảo.",
                    replies=["Công văn số 2711/STC-NS ngày 08/07/2026"],
                    officer="Nguyễn Thị Trang", notes=["Quá hạn"])
    return build_report_docx(ReportData(
        title="BẢN TỔNG HỢP Ý KIẾN, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý ĐỐI VỚI DỰ THẢO",
        issuer_parent="UBND TỈNH AN GIANG", issuer="SỞ Y TẾ", place="An Giang", asked=3,
        replies=1, agreed=[], commented=["Sở Tài chính"], silent=[],
        silence_is_agreement=True, groups=[ReportGroup("điểm a khoản 2 Mục III", [row])],
        signer_position="GIÁM ĐỐC", signer_name="Hồ Văn Dũng", day=date(2026, 7, 20)),
        frozenset(optional))


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    """Render named .docx documents to text, all in one LibreOffice run."""
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if not soffice or not pdftotext:
        pytest.fail("LibreOffice and poppler-utils are needed (`make test` installs them)")
    folder = tmp_path_factory.mktemp("render")

    def run(documents: dict[str, bytes]) -> dict[str, str]:
        for name, data in documents.items():
            (folder / f"{name}.docx").write_bytes(data)
        subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder),
                        *[str(folder / f"{name}.docx") for name in documents]],
                       check=True, capture_output=True, timeout=300)
        return {name: subprocess.run([pdftotext, "-layout", str(folder / f"{name}.pdf"), "-"],
                                     check=True, capture_output=True, text=True).stdout
                for name in documents}

    return run


def test_the_motto_holds_on_one_line_in_every_header(render):
    """It wrapped onto two lines (and so did long issuer names): the header's columns were
    7.5 and 9 cm."""
    texts = render({"request": _letter(), "head_signs": _letter(signer_authority=""),
                    "report": _report(())})
    for name, text in texts.items():
        assert any(MOTTO in line for line in text.splitlines()), f"{name}:\n{text[:600]}"


def test_no_word_of_the_report_header_row_is_broken(render):
    """Optional columns made STT stack letter by letter, "CHUYÊ N VIÊN", and dates split."""
    combinations = [c for n in range(len(OPTIONAL) + 1)
                    for c in itertools.combinations(OPTIONAL, n)]
    texts = render({"report-" + ("-".join(c) or "national"): _report(c)
                    for c in combinations})
    for (name, text), chosen in zip(texts.items(), combinations, strict=True):
        words = set(re.findall(r"\w+", text))
        headers = [c.header for c in COLUMNS if not c.optional or c.key in chosen]
        broken = [w for h in headers for w in re.findall(r"\w+", h) if w not in words]
        assert broken == [], f"{name}: {broken}"
        if "reply" in chosen:
            assert "08/07/2026" in text, name
