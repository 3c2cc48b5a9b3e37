"""The demo directory: a province as it is today (two-level local government since 1/7/2025),
with the agencies of công văn 2159/SYT-TCCB (Sở Y tế Kiên Giang, 2024) kept as history.

Kiên Giang was merged into An Giang on 1/7/2025, its districts abolished and their communes
and wards merged into commune-level units; Sở Kế hoạch và Đầu tư went into Sở Tài chính and
Sở Lao động - Thương binh và Xã hội into Sở Nội vụ on 1/3/2025. The merged agencies stay in
the directory, inactive and pointing to their successors, as an administrator would keep
them: rounds and reports of before still name them, and they are no longer offered.
"""
from datetime import date

from commentflow.core.roles import Role
from commentflow.directory.models import AgencyKind as K

#: (name, short name) in the order letters' "Kính gửi" lists them.
GROUPS = [
    ("Các sở, ban, ngành cấp tỉnh", "Sở, ban, ngành"),
    ("Ủy ban nhân dân các xã, phường, đặc khu", "UBND cấp xã"),
    ("Các phòng chuyên môn và tương đương thuộc Sở Y tế", "Phòng chuyên môn"),
    ("Các cơ quan, đơn vị trực thuộc Sở Y tế", "Đơn vị trực thuộc"),
]

#: (code, name, kind, parent code, group index or None), in protocol order.
AGENCIES = [
    ("UBND", "Ủy ban nhân dân tỉnh An Giang", K.PROVINCIAL_BODY, None, None),
    ("SYT", "Sở Y tế", K.DEPARTMENT, "UBND", None),
    ("TCCB", "Phòng Tổ chức cán bộ", K.INTERNAL_UNIT, "SYT", None),
    ("STC", "Sở Tài chính", K.DEPARTMENT, "UBND", 0),
    ("SNV", "Sở Nội vụ", K.DEPARTMENT, "UBND", 0),
    ("STP", "Sở Tư pháp", K.DEPARTMENT, "UBND", 0),
    ("SGDDT", "Sở Giáo dục và Đào tạo", K.DEPARTMENT, "UBND", 0),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", K.DEPARTMENT, "UBND", 0),
    ("SCT", "Sở Công Thương", K.DEPARTMENT, "UBND", 0),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", K.DEPARTMENT, "UBND", 0),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", K.DEPARTMENT, "UBND", 0),
    ("UBND-PRG", "Ủy ban nhân dân phường Rạch Giá", K.COMMUNE, "UBND", 1),
    ("UBND-PLX", "Ủy ban nhân dân phường Long Xuyên", K.COMMUNE, "UBND", 1),
    ("UBND-PCD", "Ủy ban nhân dân phường Châu Đốc", K.COMMUNE, "UBND", 1),
    ("UBND-DKPQ", "Ủy ban nhân dân đặc khu Phú Quốc", K.COMMUNE, "UBND", 1),
    ("UBND-DKKH", "Ủy ban nhân dân đặc khu Kiên Hải", K.COMMUNE, "UBND", 1),
    ("UBND-DKTC", "Ủy ban nhân dân đặc khu Thổ Châu", K.COMMUNE, "UBND", 1),
    ("VP-SYT", "Văn phòng Sở Y tế", K.INTERNAL_UNIT, "SYT", 2),
    ("KHTC", "Phòng Kế hoạch - Tài chính", K.INTERNAL_UNIT, "SYT", 2),
    ("NVY", "Phòng Nghiệp vụ Y", K.INTERNAL_UNIT, "SYT", 2),
    ("NVD", "Phòng Nghiệp vụ Dược", K.INTERNAL_UNIT, "SYT", 2),
    ("CDC", "Trung tâm Kiểm soát bệnh tật tỉnh", K.AFFILIATED_UNIT, "SYT", 3),
    ("BVDK", "Bệnh viện Đa khoa Trung tâm An Giang", K.AFFILIATED_UNIT, "SYT", 3),
    # History: the bodies công văn 2159/SYT-TCCB (2024) was addressed from and to.
    ("UBND-KG", "Ủy ban nhân dân tỉnh Kiên Giang", K.PROVINCIAL_BODY, None, None),
    ("SYT-KG", "Sở Y tế tỉnh Kiên Giang", K.DEPARTMENT, "UBND-KG", None),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", K.DEPARTMENT, "UBND-KG", None),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", K.DEPARTMENT, "UBND-KG", None),
    ("UBND-RG", "Ủy ban nhân dân thành phố Rạch Giá", K.DISTRICT, "UBND-KG", None),
    ("UBND-PQ", "Ủy ban nhân dân thành phố Phú Quốc", K.DISTRICT, "UBND-KG", None),
    ("UBND-KH", "Ủy ban nhân dân huyện Kiên Hải", K.DISTRICT, "UBND-KG", None),
]

#: Electronic agency codes (13 characters, QĐ 20/2020/QĐ-TTg: unit, level 3, level 2,
#: province), made up in that form for the demo, so that its round can go out as an edXML
#: package; the real ones come from each province's list. Merged bodies keep none.
EDOC_CODES = {
    "UBND": "000.00.00.H01", "SYT": "000.00.01.H01", "STC": "000.00.02.H01",
    "SNV": "000.00.03.H01", "STP": "000.00.04.H01", "SGDDT": "000.00.05.H01",
    "SNNMT": "000.00.06.H01", "SCT": "000.00.07.H01", "SVHTTDL": "000.00.08.H01",
    "SDTTG": "000.00.09.H01", "UBND-PRG": "000.00.21.H01", "UBND-PLX": "000.00.22.H01",
    "UBND-PCD": "000.00.23.H01", "UBND-DKPQ": "000.00.24.H01", "UBND-DKKH": "000.00.25.H01",
    "UBND-DKTC": "000.00.26.H01", "TCCB": "000.01.01.H01", "VP-SYT": "000.02.01.H01",
    "KHTC": "000.03.01.H01", "NVY": "000.04.01.H01", "NVD": "000.05.01.H01",
    "CDC": "000.10.01.H01", "BVDK": "000.11.01.H01",
}

#: (code, successor's code, from): merged into, or succeeded by, the successor that day.
SUCCESSIONS = [
    ("SKHDT", "STC", date(2025, 3, 1)),
    ("SLDTBXH", "SNV", date(2025, 3, 1)),
    ("UBND-KG", "UBND", date(2025, 7, 1)),
    ("SYT-KG", "SYT", date(2025, 7, 1)),
    ("UBND-RG", "UBND-PRG", date(2025, 7, 1)),
    ("UBND-PQ", "UBND-DKPQ", date(2025, 7, 1)),
    ("UBND-KH", "UBND-DKKH", date(2025, 7, 1)),
]

#: (username, full name, position, agency code, roles)
USERS = [
    ("admin", "Quản trị hệ thống", "Chuyên viên Văn phòng Sở", "SYT", {Role.ADMIN}),
    ("trang.syt", "Nguyễn Thị Trang", "Chuyên viên Phòng Tổ chức cán bộ", "SYT",
     {Role.LEAD_STAFF}),
    ("dung.syt", "Hồ Văn Dũng", "Giám đốc", "SYT", {Role.LEADER, Role.LEAD_STAFF}),
    ("minh.stc", "Trần Văn Minh", "Phó Giám đốc", "STC", {Role.LEADER}),
    ("hoa.stc", "Lê Thị Hoa", "Chuyên viên", "STC", {Role.STAFF}),
    ("lan.stc", "Phạm Thị Lan", "Văn thư", "STC", {Role.CLERK}),
]
