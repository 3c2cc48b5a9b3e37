"""Legacy and open formats (.doc, .rtf, .odt) turned into .docx by LibreOffice headless, and
the letters and reports commentflow writes turned into PDF for the agency's signing tool.

Each conversion runs in a throwaway directory with its own LibreOffice profile, in which
macros are switched off, under the sandbox's limits (time, memory, no network). The .docx it
writes is then read like any uploaded .docx, with the same checks.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask_babel import gettext as _

from commentflow.core.errors import ValidationFailed
from commentflow.core.sandbox import Limits, ProgramFailed, ProgramMissing, run

#: A profile that never runs a document's macros and never fetches linked content.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security">
 <prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="UseOpenCL" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


#: The import filter for each format, named so that LibreOffice never falls back to reading
#: a damaged file as plain text.
_FILTERS = {"doc": "MS Word 97", "rtf": "Rich Text Format", "odt": "writer8",
            "html": "HTML (StarWriter)"}


def to_docx(data: bytes, kind: str, *, seconds: float) -> bytes:
    """The file (kind: "doc", "rtf", "odt", or "html": a web page saved as .doc, as some
    e-office systems export) as .docx bytes; ValidationFailed if it cannot be."""
    with tempfile.TemporaryDirectory(prefix="commentflow-convert-") as work:
        root = Path(work)
        (root / "profile" / "user").mkdir(parents=True)
        (root / "profile" / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS)
        (root / "out").mkdir()
        source = root / f"draft.{kind}"
        source.write_bytes(data)
        try:
            run(["soffice", "--headless", "--invisible", "--nologo", "--norestore",
                 "--nodefault", "--nolockcheck", "--nofirststartwizard",
                 f"-env:UserInstallation={(root / 'profile').as_uri()}",
                 f"--infilter={_FILTERS[kind]}",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(root / "out"),
                 str(source)], cwd=work, limits=Limits(seconds=seconds, memory_mb=4096))
        except ProgramMissing:
            raise ValidationFailed(_(
                "Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc, .rtf, .odt. Hãy mở "
                "bằng Word, lưu lại dưới dạng .docx rồi tải lên, hoặc báo quản trị hệ thống."
            )) from None
        except ProgramFailed as error:
            if error.timed_out:
                raise ValidationFailed(_(
                    "Chuyển đổi tệp quá %(seconds)s giây nên đã dừng. Hãy mở bằng Word, lưu lại "
                    "dưới dạng .docx rồi tải lên.", seconds=int(seconds))) from None
            raise _unreadable() from None
        result = root / "out" / "draft.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise _unreadable()  # LibreOffice exits 0 even when it could not load the file
        return result.read_bytes()


def _unreadable() -> ValidationFailed:
    return ValidationFailed(_(
        "Không đọc được tệp (hỏng, có mật khẩu hoặc không phải văn bản). Hãy mở bằng Word, "
        "lưu lại dưới dạng .docx rồi tải lên."))


def to_pdf(docx: bytes, *, seconds: float = 60) -> bytes:
    """A .docx this application wrote, as PDF (the file a leader signs with the signing tool;
    the server never holds a signing key)."""
    with tempfile.TemporaryDirectory(prefix="commentflow-pdf-") as work:
        root = Path(work)
        (root / "profile" / "user").mkdir(parents=True)
        (root / "profile" / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS)
        (root / "out").mkdir()
        (root / "letter.docx").write_bytes(docx)
        try:
            run(["soffice", "--headless", "--invisible", "--nologo", "--norestore",
                 "--nodefault", "--nolockcheck", "--nofirststartwizard",
                 f"-env:UserInstallation={(root / 'profile').as_uri()}",
                 "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(root / "out"),
                 str(root / "letter.docx")], cwd=work,
                limits=Limits(seconds=seconds, memory_mb=4096))
        except ProgramMissing:
            raise ValidationFailed(_("Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; "
                                     "hãy tải bản .docx.")) from None
        except ProgramFailed:
            raise ValidationFailed(_("Không tạo được bản PDF lúc này; hãy thử lại hoặc tải "
                                     "bản .docx.")) from None
        result = root / "out" / "letter.pdf"
        if not result.is_file() or result.stat().st_size == 0:
            raise ValidationFailed(_("Không tạo được bản PDF lúc này; hãy thử lại hoặc tải "
                                     "bản .docx."))
        return result.read_bytes()


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def as_requested(docx: bytes, filename: str, wanted: str | None) -> tuple[bytes, str, str]:
    """(data, name, type) of a letter or report download: the .docx, or with wanted "pdf"
    the PDF to sign."""
    if wanted == "pdf":
        return to_pdf(docx), filename.removesuffix(".docx") + ".pdf", "application/pdf"
    return docx, filename, DOCX_TYPE
