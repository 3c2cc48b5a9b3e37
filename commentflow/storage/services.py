"""Storing uploaded bytes and sending them back as downloads."""
import hashlib
import io
import mimetypes

from flask import Response, current_app, request, send_file

from commentflow.core.memory import give_memory_back, retire_worker_after
from commentflow.core.text import normalize
from commentflow.extensions import db
from commentflow.storage.models import StoredFile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {".docx": DOCX, ".xlsx": XLSX, ".md": "text/markdown", ".txt": "text/plain",
         ".pdf": "application/pdf", ".csv": "text/csv"}


def content_type_for(filename: str) -> str:
    lower = filename.lower()
    for suffix, kind in TYPES.items():
        if lower.endswith(suffix):
            return kind
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def safe_filename(filename: str) -> str:
    """Keep the user's (Vietnamese) name, minus paths and control characters."""
    name = normalize(filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*;')
    return name[:255] or "tep"


def store_file(data: bytes, filename: str, *, uploaded_by, now) -> StoredFile:
    name = safe_filename(filename)
    stored = StoredFile(filename=name, content_type=content_type_for(name), size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), data=data,
                        uploaded_by_id=uploaded_by.id if uploaded_by else None, created_at=now)
    db.session.add(stored)
    db.session.flush()
    return stored


def download_response(data: bytes, filename: str, content_type: str | None = None, *,
                      built: bool = True) -> Response:
    """An attachment download: the name, however it was made (a letter's notation, an
    upload), is cleaned, and the header is written by Werkzeug (RFC 6266, UTF-8 name with an
    ASCII fallback); never cached, since it may hold an agency's work. `built` says the file
    was made by this request (an export), not read back as it was stored."""
    name = safe_filename(filename)
    response = send_file(io.BytesIO(data), mimetype=content_type or content_type_for(name),
                         as_attachment=True, download_name=name, max_age=0, etag=False,
                         conditional=False)
    response.headers["Cache-Control"] = "no-store"
    if len(data) >= current_app.config["LARGE_DOWNLOAD_BYTES"]:  # an export of a large round
        response.direct_passthrough = False  # a passed-through file never runs on-close hooks
        response.call_on_close(give_memory_back)
        if built:
            retire_worker_after(request.environ)
    return response
