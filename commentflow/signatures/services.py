"""Check a stored PDF's signatures against the operator's trust roots and keep the result;
describe a result in the reader's language."""
import logging
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from commentflow.core.dates import format_short_datetime
from commentflow.extensions import db
from commentflow.signatures import verification
from commentflow.signatures.models import SignatureCheck

log = logging.getLogger(__name__)
_EXTENSIONS = (".pem", ".crt", ".cer", ".der")


@lru_cache(maxsize=4)
def _roots(folder: str, stamp: tuple) -> list:
    roots = []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() in _EXTENSIONS:
            try:
                roots += verification.load_certificates(path.read_bytes())
            except ValueError:
                log.warning("not a certificate, ignored: %s", path)
    return roots


def trust_roots() -> list:
    """The certificates in COMMENTFLOW_TRUST_ROOTS (read again when the folder changes)."""
    folder = current_app.config.get("TRUST_ROOTS_DIR")
    if not folder or not Path(folder).is_dir():
        return []
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(Path(folder).iterdir()))
    return _roots(folder, stamp)


def check_stored_pdf(stored, *, now) -> SignatureCheck:
    """Check the file's signatures once and keep the result beside it."""
    found = verification.check_pdf(stored.data, trust_roots())
    check = SignatureCheck(file_id=stored.id, state=found.state,
                           signer_name=found.signer_name[:255],
                           organisation=found.organisation[:255], signed_at=found.signed_at,
                           signature_count=found.count, detail=found.detail, checked_at=now)
    db.session.add(check)
    db.session.flush()
    return check


def checks_of(file_ids) -> dict[int, SignatureCheck]:
    ids = [i for i in file_ids if i is not None]
    if not ids:
        return {}
    return {c.file_id: c for c in db.session.scalars(
        select(SignatureCheck).where(SignatureCheck.file_id.in_(ids)))}


def describe(check: SignatureCheck | None, zone: str) -> str:
    """ "Đã ký số: Nguyễn Văn A, UBND xã …, lúc 08/07/2024 09:15 — hợp lệ", or what is wrong."""
    if check is None:
        return ""
    who = ", ".join(p for p in (check.signer_name, check.organisation) if p)
    when = format_short_datetime(check.signed_at, zone) if check.signed_at else ""
    signed = _("Đã ký số: %(who)s, lúc %(when)s", who=who, when=when) if when else \
        _("Đã ký số: %(who)s", who=who)
    return {
        verification.VALID: _("%(signed)s — hợp lệ", signed=signed),
        verification.INVALID: _("Chữ ký không hợp lệ: tệp đã bị thay đổi sau khi ký"),
        verification.UNTRUSTED: _("%(signed)s — chữ ký không hợp lệ: chứng thư không do tổ "
                                  "chức tin cậy cấp", signed=signed),
        verification.EXPIRED: _("%(signed)s — chữ ký không hợp lệ: chứng thư số đã hết hạn "
                                "khi ký", signed=signed),
        verification.UNSIGNED: _("Không có chữ ký số"),
        verification.UNREADABLE: _("Không đọc được chữ ký số của tệp"),
    }.get(check.state, check.state)
