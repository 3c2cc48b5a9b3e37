"""Checks shared by every upload: size, emptiness, and zip containers that are broken or bombs."""
import io
import zipfile
import zlib

from flask_babel import gettext as _

from commentflow.core.errors import ValidationFailed
from commentflow.core.safe_xml import BrokenXml, HostileXml, check_xml, parse_xml

#: A zip-based office file may not expand beyond this many bytes in total (pictures
#: included)…
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
#: …nor any XML part beyond this: parsing a part into a tree costs ten to twenty times its
#: size in memory, and a 300-page Word draft's document.xml is under 10 MB.
MAX_XML_PART_BYTES = 16 * 1024 * 1024
#: …nor any member expand more than this many times its compressed size.
MAX_COMPRESSION_RATIO = 200
_CHUNK = 1024 * 1024
_XML_STARTS = (b"<", b"\xef\xbb\xbf<", b"\xff\xfe<\x00", b"\xfe\xff\x00<", b"<\x00", b"\x00<")
_REMOTE = ("http:", "https:", "ftp:", "\\\\", "//", "file://")
_HYPERLINK = "/hyperlink"


def check_not_empty(data: bytes) -> None:
    if not data:
        raise ValidationFailed(_("Tệp tải lên rỗng."))


def check_size(data: bytes, limit: int) -> None:
    if len(data) > limit:
        raise ValidationFailed(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.",
              size=round(len(data) / 1048576, 1), limit=round(limit / 1048576, 1)))


def _refuse_broken():
    return ValidationFailed(_("Tệp bị hỏng, không đọc được. Hãy mở tệp bằng Word/Excel, "
                              "lưu lại rồi tải lên lần nữa."))


def _refuse_too_big():
    return ValidationFailed(_("Tệp có cấu trúc bất thường (nén quá mức hoặc một phần quá lớn) "
                              "nên bị từ chối."))


def _refuse_hostile():
    return ValidationFailed(_("Tệp chứa khai báo XML không được phép nên bị từ chối."))


def open_safe_zip(data: bytes) -> zipfile.ZipFile:
    """Open an office file's zip container, refusing what could hurt before anything parses
    it: broken, encrypted or oddly compressed archives, bombs, parts too large to parse,
    DTDs in any XML part (whatever its name or encoding) and links to remote resources."""
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
        raise _refuse_broken() from None
    _check_declared(members)
    for member in members:
        _check_member(archive, member)
    return archive


def _check_declared(members) -> None:
    """What the archive says of itself; reading never yields more than a member declares
    (zipfile stops there and the CRC check then fails)."""
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ValidationFailed(_("Tệp được đặt mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại."))
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse_broken()
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (member.file_size > 1_000_000
                                              and ratio > MAX_COMPRESSION_RATIO):
            raise _refuse_too_big()


def _chunks(stream, first: bytes):
    yield first
    while chunk := stream.read(_CHUNK):
        yield chunk


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Read the member through (its CRC is checked at the end); XML is parsed on the way."""
    try:
        with archive.open(member) as stream:
            first = stream.read(_CHUNK)
            if not _looks_like_xml(member.filename, first):
                for _chunk in _chunks(stream, b""):
                    pass
                return
            if member.file_size > MAX_XML_PART_BYTES:
                raise _refuse_too_big()
            check_xml(_chunks(stream, first))
            if member.filename.lower().endswith(".rels"):
                _check_relationships(archive.read(member))
    except HostileXml:
        raise _refuse_hostile() from None
    # zipfile raises BadZipFile for a wrong CRC, RuntimeError for an encrypted member and
    # NotImplementedError for a compression it cannot read (deflate64): all a damaged file.
    except (BrokenXml, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError,
            EOFError, zlib.error):
        raise _refuse_broken() from None


def _looks_like_xml(name: str, head: bytes) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml")) or \
        head.lstrip(b" \t\r\n").startswith(_XML_STARTS)


def _check_relationships(data: bytes) -> None:
    """A remote attached template, picture or object makes Word fetch it when the file is
    opened (a known way to leak or attack); hyperlinks and local paths are ordinary."""
    for relation in parse_xml(data):
        target = (relation.get("Target") or "").strip().lower()
        if relation.get("TargetMode") == "External" and \
                not (relation.get("Type") or "").endswith(_HYPERLINK) and \
                target.startswith(_REMOTE) and not target.startswith("file:///"):
            raise ValidationFailed(_(
                "Tệp liên kết tới mẫu, hình ảnh hoặc đối tượng trên mạng (%(target)s) nên bị "
                "từ chối. Hãy bỏ liên kết đó (hoặc lưu tệp thành bản mới bằng Word) rồi tải "
                "lên lại.", target=relation.get("Target")[:80]))
