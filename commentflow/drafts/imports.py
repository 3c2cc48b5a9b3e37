"""Drafts read in the background: .doc/.rtf/.odt conversion, PDF and OCR of scans.

The web request checks what it can at once (size, format sniffed from the content), stores
the file as uploaded and queues a DraftImport; the scheduler process (`flask scheduler`)
runs queued imports one at a time, writing its progress as it goes. The database is the
queue: an import is claimed with a conditional update, so two worker processes never run the
same one, and an import whose worker died (no heartbeat for HEARTBEAT_TIMEOUT) is claimed
again, at most MAX_ATTEMPTS times. The draft is created in one transaction at the end, so
nothing half-read is ever shown as a draft.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from commentflow.audit.services import record_event
from commentflow.core.errors import NotFound, PermissionDenied, ValidationFailed
from commentflow.core.uploads import check_not_empty, check_size
from commentflow.drafts.models import Draft, DraftImport
from commentflow.drafts.permissions import can_create_drafts, can_edit_draft, can_list_drafts
from commentflow.drafts.reading import SLOW, Limits, precheck, read_document, sniff
from commentflow.drafts.services import draft_from, outline_of, version_from
from commentflow.extensions import db
from commentflow.storage.models import StoredFile
from commentflow.storage.services import store_file

log = logging.getLogger(__name__)
HEARTBEAT_TIMEOUT = timedelta(minutes=3)
MAX_ATTEMPTS = 3
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def needs_background(data: bytes, filename: str, *, max_bytes: int) -> bool:
    """Whether this upload is read by an outside program (so in the background)."""
    check_not_empty(data)
    check_size(data, max_bytes)
    return sniff(data, filename) in SLOW


def start_import(title: str, data: bytes, filename: str, *, actor, now, max_bytes: int,
                 limits: Limits, draft: Draft | None = None) -> DraftImport:
    """Queue the file to be read as a new draft (or as a new version of `draft`)."""
    if draft is None and not can_create_drafts(actor):
        raise PermissionDenied(_("Chỉ chuyên viên cơ quan chủ trì được tạo dự thảo."))
    if draft is not None and not can_edit_draft(actor, draft):
        raise PermissionDenied(_("Bạn không được sửa dự thảo này."))
    check_not_empty(data)
    check_size(data, max_bytes)
    kind = sniff(data, filename)
    precheck(data, kind, limits)  # refused at once, nothing stored
    stored = store_file(data, filename, uploaded_by=actor, now=now)
    job = DraftImport(agency_id=actor.agency_id, draft_id=draft.id if draft else None,
                      title=(title or "")[:500], file_id=stored.id, filename=stored.filename,
                      kind=kind, status=QUEUED,
                      stage=_("Đang chờ xử lý"), created_by_id=actor.id, created_at=now)
    db.session.add(job)
    db.session.flush()
    record_event("draft.import_queued", job, actor=actor, now=now, label=stored.filename,
                 object_type="DraftImport", changes={"file": stored.filename})
    return job


def get_import(import_id: int, *, viewer) -> DraftImport:
    job = db.session.get(DraftImport, import_id)
    if job is None or not can_list_drafts(viewer) or job.agency_id != viewer.agency_id:
        raise NotFound(_("Không tìm thấy tệp đang xử lý."))
    return job


def pending_imports(agency_id: int) -> list[DraftImport]:
    """This agency's imports still being read, or failed (for the drafts list)."""
    return list(db.session.scalars(
        select(DraftImport).where(DraftImport.agency_id == agency_id,
                                  DraftImport.status.in_((QUEUED, RUNNING, FAILED)))
        .order_by(DraftImport.created_at.desc()).limit(20)))


# ---------------------------------------------------------------- the worker


def _claim(job_id: int, now: datetime) -> bool:
    stale = now - HEARTBEAT_TIMEOUT
    claimed = db.session.execute(
        update(DraftImport).where(
            DraftImport.id == job_id,
            or_(DraftImport.status == QUEUED,
                (DraftImport.status == RUNNING) & (DraftImport.heartbeat_at < stale)))
        .values(status=RUNNING, attempts=DraftImport.attempts + 1, started_at=now,
                heartbeat_at=now)).rowcount == 1
    db.session.commit()
    return claimed


def _next_id(now: datetime) -> int | None:
    stale = now - HEARTBEAT_TIMEOUT
    return db.session.scalar(
        select(DraftImport.id).where(or_(
            DraftImport.status == QUEUED,
            (DraftImport.status == RUNNING) & (DraftImport.heartbeat_at < stale)))
        .order_by(DraftImport.created_at, DraftImport.id).limit(1))


def _progress(job_id: int, clock):
    def report(percent: int, stage: str) -> None:
        db.session.execute(update(DraftImport).where(DraftImport.id == job_id).values(
            progress=max(0, min(percent, 99)), stage=str(stage)[:200], heartbeat_at=clock()))
        db.session.commit()
    return report


def _fail(job_id: int, message: str, now: datetime) -> None:
    """The import ends with its message; the file it could not read is not kept."""
    db.session.rollback()
    file_id = db.session.scalar(select(DraftImport.file_id).where(DraftImport.id == job_id))
    db.session.execute(update(DraftImport).where(DraftImport.id == job_id).values(
        status=FAILED, error=message, stage="", finished_at=now, file_id=None))
    if file_id is not None:
        db.session.execute(delete(StoredFile).where(StoredFile.id == file_id))
    db.session.commit()


def run_one(job_id: int, *, clock, max_bytes: int, limits: Limits, locale: str) -> str:
    """Read one claimed import to its end; returns its final status."""
    job = db.session.get(DraftImport, job_id)
    if job.attempts > MAX_ATTEMPTS:
        with force_locale(locale):
            _fail(job_id, _("Tệp làm bộ xử lý dừng đột ngột nhiều lần nên không đọc được. Hãy "
                            "mở bằng Word, lưu lại dưới dạng .docx rồi tải lên."), clock())
        return FAILED
    data, filename = job.file.data, job.filename
    try:
        with force_locale(locale):
            reading = read_document(data, filename, max_bytes=max_bytes, limits=limits,
                                    progress=_progress(job_id, clock))
            top = outline_of(reading)
    except ValidationFailed as error:
        _fail(job_id, error.message, clock())
        return FAILED
    job = db.session.get(DraftImport, job_id)
    actor = job.created_by
    now = clock()
    if job.draft_id is None:
        draft = draft_from(job.title, top, reading, job.file, actor=actor, now=now)
        version = draft.latest_version
    else:
        draft = job.draft
        version = version_from(draft, top, reading, job.file, actor=actor, now=now)
    job.draft_id, job.version_id = draft.id, version.id
    job.status, job.progress, job.stage, job.finished_at = DONE, 100, "", now
    db.session.commit()
    return DONE


def run_imports(*, clock, max_bytes: int, limits: Limits, locale: str = "vi",
                budget: int = 20) -> int:
    """Run queued imports (and those whose worker died) until none is left; how many ran."""
    done = 0
    while done < budget:
        job_id = _next_id(clock())
        if job_id is None:
            break
        if not _claim(job_id, clock()):
            continue  # another worker took it
        try:
            run_one(job_id, clock=clock, max_bytes=max_bytes, limits=limits, locale=locale)
        except Exception:  # a defect: the import fails with a message, the worker goes on
            log.exception("draft import %s failed", job_id)
            with force_locale(locale):
                _fail(job_id, _("Có lỗi khi đọc tệp; quản trị hệ thống đã được ghi nhận. Hãy "
                                "thử lại hoặc lưu tệp dưới dạng .docx rồi tải lên."), clock())
        done += 1
    return done
