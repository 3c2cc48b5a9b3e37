"""The demo directory, taken from the recipients of công văn 2159/SYT-TCCB (Sở Y tế Kiên Giang)."""
from commentflow.core.roles import Role
from commentflow.directory.models import AgencyKind as K

#: (name, short name) in the order the letter's "Kính gửi" lists them.
GROUPS = [
    ("Các sở, ban, ngành cấp tỉnh", "Sở, ban, ngành"),
    ("Ủy ban nhân dân các huyện, thành phố", "UBND cấp huyện"),
    ("Các phòng chuyên môn và tương đương thuộc Sở Y tế", "Phòng chuyên môn"),
    ("Các cơ quan, đơn vị trực thuộc Sở Y tế", "Đơn vị trực thuộc"),
]

#: (code, name, kind, parent code, group index or None)
AGENCIES = [
    ("UBND", "Ủy ban nhân dân tỉnh Kiên Giang", K.PROVINCIAL_BODY, None, None),
    ("SYT", "Sở Y tế", K.DEPARTMENT, "UBND", None),
    ("TCCB", "Phòng Tổ chức cán bộ", K.INTERNAL_UNIT, "SYT", None),
    ("STC", "Sở Tài chính", K.DEPARTMENT, "UBND", 0),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", K.DEPARTMENT, "UBND", 0),
    ("SNV", "Sở Nội vụ", K.DEPARTMENT, "UBND", 0),
    ("STP", "Sở Tư pháp", K.DEPARTMENT, "UBND", 0),
    ("SGDDT", "Sở Giáo dục và Đào tạo", K.DEPARTMENT, "UBND", 0),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", K.DEPARTMENT, "UBND", 0),
    ("BHXH", "Bảo hiểm xã hội tỉnh", K.DEPARTMENT, None, 0),
    ("UBND-RG", "Ủy ban nhân dân thành phố Rạch Giá", K.DISTRICT, "UBND", 1),
    ("UBND-PQ", "Ủy ban nhân dân thành phố Phú Quốc", K.DISTRICT, "UBND", 1),
    ("UBND-CT", "Ủy ban nhân dân huyện Châu Thành", K.DISTRICT, "UBND", 1),
    ("UBND-AB", "Ủy ban nhân dân huyện An Biên", K.DISTRICT, "UBND", 1),
    ("UBND-KL", "Ủy ban nhân dân huyện Kiên Lương", K.DISTRICT, "UBND", 1),
    ("VP-SYT", "Văn phòng Sở Y tế", K.INTERNAL_UNIT, "SYT", 2),
    ("KHTC", "Phòng Kế hoạch - Tài chính", K.INTERNAL_UNIT, "SYT", 2),
    ("NVY", "Phòng Nghiệp vụ Y", K.INTERNAL_UNIT, "SYT", 2),
    ("NVD", "Phòng Nghiệp vụ Dược", K.INTERNAL_UNIT, "SYT", 2),
    ("TTRA-SYT", "Thanh tra Sở Y tế", K.INTERNAL_UNIT, "SYT", 2),
    ("CDC", "Trung tâm Kiểm soát bệnh tật tỉnh", K.AFFILIATED_UNIT, "SYT", 3),
    ("BVDK", "Bệnh viện Đa khoa tỉnh Kiên Giang", K.AFFILIATED_UNIT, "SYT", 3),
    ("TTYT-CT", "Trung tâm Y tế huyện Châu Thành", K.AFFILIATED_UNIT, "SYT", 3),
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
