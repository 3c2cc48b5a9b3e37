"""Pure reading and checking of agency import files (CSV or XLSX) into plain records."""
import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import load_workbook

from commentflow.core.errors import ValidationFailed
from commentflow.core.text import fold, normalize
from commentflow.core.uploads import check_not_empty, open_safe_zip
from commentflow.directory.models import AgencyKind

#: Accepted column headers (compared after fold()) and the field each one fills.
HEADERS = {
    "ma": "code", "ma viet tat": "code", "code": "code",
    "ten": "name", "ten don vi": "name", "ten co quan": "name", "name": "name",
    "ma dinh danh": "edoc_code", "ma dinh danh dien tu": "edoc_code", "edoc code": "edoc_code",
    "loai": "kind", "kind": "kind",
    "don vi cap tren": "parent", "cap tren": "parent", "parent": "parent",
    "thu tu": "order", "order": "order",
    "nhom": "groups", "nhom nhan": "groups", "groups": "groups",
}

KIND_WORDS = {
    "so, ban, nganh": AgencyKind.DEPARTMENT, "so ban nganh": AgencyKind.DEPARTMENT,
    "so": AgencyKind.DEPARTMENT, "department": AgencyKind.DEPARTMENT,
    "ubnd cap xa": AgencyKind.COMMUNE, "cap xa": AgencyKind.COMMUNE, "xa": AgencyKind.COMMUNE,
    "phuong": AgencyKind.COMMUNE, "dac khu": AgencyKind.COMMUNE,
    "xa, phuong, dac khu": AgencyKind.COMMUNE, "commune": AgencyKind.COMMUNE,
    "ubnd cap huyen": AgencyKind.DISTRICT, "cap huyen": AgencyKind.DISTRICT,
    "huyen": AgencyKind.DISTRICT, "district": AgencyKind.DISTRICT,
    "phong chuyen mon": AgencyKind.INTERNAL_UNIT, "internal_unit": AgencyKind.INTERNAL_UNIT,
    "don vi truc thuoc": AgencyKind.AFFILIATED_UNIT,
    "affiliated_unit": AgencyKind.AFFILIATED_UNIT,
    "cap tinh": AgencyKind.PROVINCIAL_BODY, "co quan cap tinh": AgencyKind.PROVINCIAL_BODY,
    "provincial_body": AgencyKind.PROVINCIAL_BODY,
    "khac": AgencyKind.OTHER, "other": AgencyKind.OTHER, "": AgencyKind.OTHER,
}


@dataclass
class AgencyRecord:
    row: int
    code: str
    name: str
    kind: AgencyKind
    edoc_code: str | None
    parent_code: str | None
    order: int
    groups: list[str] = field(default_factory=list)


@dataclass
class RowError:
    row: int
    message: str


class ImportRejected(ValidationFailed):
    """The file has bad rows; nothing was imported. `errors` lists each row's problem."""

    def __init__(self, errors: list[RowError], records: list | None = None):
        super().__init__(_("Tệp có %(count)d lỗi; chưa nhập đơn vị nào.", count=len(errors)))
        self.errors = sorted(errors, key=lambda error: error.row)
        #: The rows that were good, so callers can check them further and report everything.
        self.records = records or []


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Rows of cell texts from a .csv or .xlsx file (the header row first)."""
    check_not_empty(data)
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise ValidationFailed(_("Chỉ nhận tệp .csv hoặc .xlsx."))


def _read_csv(data: bytes) -> list[list[str]]:
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:4096]:
        raise ValidationFailed(_("Nội dung tệp không đúng với phần mở rộng của tên tệp."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_(
            "Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: Lưu thành › CSV UTF-8)."
        )) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    open_safe_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception:  # openpyxl raises many kinds of errors on a damaged workbook
        raise ValidationFailed(_("Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx.")) from None
    return rows


def _is_edoc_code(code: str) -> bool:
    """000.00.00.G22: three digits, two, two, then a letter and two digits (13 characters)."""
    parts = code.split(".")
    return (len(code) == 13 and len(parts) == 4 and parts[0].isdigit() and len(parts[0]) == 3
            and parts[1].isdigit() and len(parts[1]) == 2 and parts[2].isdigit()
            and len(parts[2]) == 2 and len(parts[3]) == 3 and parts[3][0].isalpha()
            and parts[3][1:].isdigit())


def is_edoc_code(code: str) -> bool:
    return _is_edoc_code(code.upper())


def parse_records(rows: list[list[str]], max_rows: int) -> list[AgencyRecord]:
    """Check every row; raise ImportRejected with all the errors, or return the records."""
    rows = [row for row in rows if any(normalize(c) for c in row)]
    if not rows:
        raise ValidationFailed(_("Tệp không có dữ liệu."))
    columns = _columns(rows[0])
    if len(rows) - 1 > max_rows:
        raise ValidationFailed(_("Tệp có quá %(max)d dòng.", max=max_rows))
    records, errors, seen = [], [], {}
    for index, row in enumerate(rows[1:], start=2):
        cells = {f: normalize(row[i]) if i < len(row) else "" for f, i in columns.items()}
        code = cells.get("code", "").upper()
        if code in seen:
            errors.append(RowError(index, _("Mã %(code)s trùng với dòng %(other)d.",
                                            code=code, other=seen[code])))
        elif code:
            seen[code] = index
        record = _record(index, cells, errors)
        if record is not None:
            records.append(record)
    if errors:
        raise ImportRejected(errors, records)
    return records


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, title in enumerate(header):
        key = HEADERS.get(fold(title).strip(" *:"))
        if key and key not in columns:
            columns[key] = index
    missing = [label for key, label in (("code", "Mã"), ("name", "Tên đơn vị"))
               if key not in columns]
    if missing:
        raise ValidationFailed(_(
            "Dòng tiêu đề thiếu cột: %(cols)s. Các cột nhận được: Mã, Tên đơn vị, Mã định danh, "
            "Loại, Đơn vị cấp trên, Thứ tự, Nhóm.", cols=", ".join(missing)))
    return columns


def _record(index: int, cells: dict[str, str], errors: list[RowError]) -> AgencyRecord | None:
    problems = []
    code, name = cells.get("code", "").upper(), cells.get("name", "")
    if not code:
        problems.append(_("thiếu mã đơn vị"))
    elif len(code) > 32 or not all(ch.isalnum() or ch in "-_." for ch in code):
        problems.append(_("mã \"%(code)s\" chỉ được gồm chữ, số và - _ . (tối đa 32 ký tự)",
                          code=code))
    if not name:
        problems.append(_("thiếu tên đơn vị"))
    elif len(name) > 255:
        problems.append(_("tên dài quá 255 ký tự"))
    edoc = cells.get("edoc_code", "").upper() or None
    if edoc and not _is_edoc_code(edoc):
        problems.append(_("mã định danh \"%(code)s\" không đúng dạng 000.00.00.G22",
                          code=edoc))
    kind = KIND_WORDS.get(fold(cells.get("kind", "")))
    if kind is None:
        problems.append(_("loại \"%(kind)s\" không hợp lệ", kind=cells.get("kind")))
    order_text = cells.get("order", "")
    if order_text and not order_text.lstrip("-").isdigit():
        problems.append(_("thứ tự \"%(value)s\" không phải số nguyên", value=order_text))
    if problems:
        errors.append(RowError(index, "; ".join(problems)))
        return None
    groups = [normalize(g) for g in cells.get("groups", "").split(";") if normalize(g)]
    return AgencyRecord(index, code, name, kind, edoc, cells.get("parent", "").upper() or None,
                        int(order_text) if order_text else index - 1, groups)
