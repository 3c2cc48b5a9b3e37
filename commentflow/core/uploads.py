"""Checks shared by every upload: size, emptiness, and zip containers that are broken or bombs."""
import io
import zipfile

from flask_babel import gettext as _

from commentflow.core.errors import ValidationFailed

#: A zip-based office file may not expand beyond this many bytes in total…
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: …nor any member expand more than this many times its compressed size.
MAX_COMPRESSION_RATIO = 200


def check_not_empty(data: bytes) -> None:
    if not data:
        raise ValidationFailed(_("Tệp tải lên rỗng."))


def check_size(data: bytes, limit: int) -> None:
    if len(data) > limit:
        raise ValidationFailed(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.",
              size=round(len(data) / 1048576, 1), limit=round(limit / 1048576, 1)))


def open_safe_zip(data: bytes) -> zipfile.ZipFile:
    """Open an office file's zip container, refusing broken archives and zip bombs."""
    if data[:4] != b"PK\x03\x04":
        if data[:8] == bytes.fromhex("d0cf11e0a1b11ae1"):
            raise ValidationFailed(_(
                "Tệp là định dạng Office cũ (.doc/.xls) hoặc được đặt mật khẩu. "
                "Hãy mở bằng Word/Excel, bỏ mật khẩu và lưu lại dưới dạng .docx/.xlsx."))
        raise ValidationFailed(_("Nội dung tệp không đúng với phần mở rộng của tên tệp."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationFailed(_("Tệp bị hỏng, không đọc được.")) from None
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (member.file_size > 1_000_000
                                              and ratio > MAX_COMPRESSION_RATIO):
            raise ValidationFailed(_("Tệp có cấu trúc bất thường (nén quá mức) nên bị từ chối."))
    return archive
