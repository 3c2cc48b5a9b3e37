"""Reading and checking agency import files, without an app or a database."""
import io
import zipfile

import pytest
from openpyxl import Workbook

from commentflow.core.errors import ValidationFailed
from commentflow.directory.importing import ImportRejected, parse_records, read_table
from commentflow.directory.models import AgencyKind

HEADER = "Mã,Tên đơn vị,Mã định danh,Loại,Đơn vị cấp trên,Thứ tự,Nhóm\n"


def _csv(body: str, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + HEADER + body).encode("utf-8")


def test_reads_a_good_csv_into_records_in_file_order():
    data = _csv('STC,Sở Tài chính,000.00.07.H33,"Sở, ban, ngành",UBND,10,'
                '"Các sở, ban, ngành cấp tỉnh"\n'
                "UBND-RG,UBND thành phố Rạch Giá,,UBND cấp huyện,UBND,,Nhóm A; Nhóm B\n")
    records = parse_records(read_table(data, "danh-ba.csv"), max_rows=100)
    assert [r.code for r in records] == ["STC", "UBND-RG"]
    assert records[0].kind is AgencyKind.DEPARTMENT
    assert records[0].edoc_code == "000.00.07.H33"
    assert records[0].groups == ["Các sở, ban, ngành cấp tỉnh"]
    assert records[1].kind is AgencyKind.DISTRICT
    assert records[1].groups == ["Nhóm A", "Nhóm B"]
    assert records[1].order == 2  # no order given: the row's place in the file


def test_semicolon_separated_csv_from_excel_is_accepted():
    data = ("Mã;Tên đơn vị\nSTP;Sở Tư pháp\n").encode()
    assert parse_records(read_table(data, "x.csv"), 10)[0].name == "Sở Tư pháp"


def test_every_bad_row_is_reported_with_its_row_number():
    data = _csv(",Sở thiếu mã,,,,,\n"
                "STC,Sở Tài chính,12345,Sở,,,\n"
                "STP,,,,,abc,\n"
                "STC,Trùng mã,,,,,\n")
    with pytest.raises(ImportRejected) as caught:
        parse_records(read_table(data, "x.csv"), 100)
    errors = {e.row: e.message for e in caught.value.errors}
    assert set(errors) == {2, 3, 4, 5}
    assert "thiếu mã" in errors[2]
    assert "000.00.00.G22" in errors[3]
    assert "thiếu tên" in errors[4] and "số nguyên" in errors[4]
    assert "trùng với dòng 3" in errors[5]


def test_missing_columns_are_named():
    with pytest.raises(ValidationFailed, match="Tên đơn vị"):
        parse_records(read_table("Mã\nSTC\n".encode(), "x.csv"), 10)


def test_csv_in_a_legacy_encoding_is_refused_with_advice():
    with pytest.raises(ValidationFailed, match="UTF-8"):
        legacy = "Mã,Tên\nSTC,Tài chính\n".encode("latin-1")  # ã, à: not UTF-8
        read_table(legacy, "x.csv")


@pytest.mark.parametrize("data, name, message", [
    (b"", "x.csv", "rỗng"),
    (b"PK\x03\x04garbage", "x.csv", "không đúng"),
    (b"not a zip at all", "x.xlsx", "không đúng"),
    (b"PK\x03\x04" + b"\x00" * 100, "x.xlsx", "hỏng"),
    (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100, "x.xlsx", "Office cũ"),
    (b"Ma,Ten\n", "x.pdf", ".csv hoặc .xlsx"),
])
def test_broken_or_disguised_files_are_refused(data, name, message):
    with pytest.raises(ValidationFailed, match=message):
        read_table(data, name)


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(ValidationFailed, match="nén quá mức"):
        read_table(buffer.getvalue(), "bomb.xlsx")


def test_reads_xlsx():
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã", "Tên đơn vị", "Thứ tự"])
    sheet.append(["SNV", "Sở Nội vụ", 5])
    buffer = io.BytesIO()
    book.save(buffer)
    records = parse_records(read_table(buffer.getvalue(), "ds.xlsx"), 10)
    assert (records[0].code, records[0].name, records[0].order) == ("SNV", "Sở Nội vụ", 5)


def test_too_many_rows_are_refused():
    data = _csv("".join(f"A{i},Đơn vị {i},,,,,\n" for i in range(11)))
    with pytest.raises(ValidationFailed, match="quá 10 dòng"):
        parse_records(read_table(data, "x.csv"), 10)
