"""Forms for agencies, recipient groups and the directory import."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from commentflow.directory.models import AgencyKind
from commentflow.web.forms import REQUIRED, DayField, Form, MultiCheckboxField

KIND_LABELS = {
    AgencyKind.PROVINCIAL_BODY: _l("Cơ quan cấp tỉnh (UBND, HĐND tỉnh)"),
    AgencyKind.DEPARTMENT: _l("Sở, ban, ngành"),
    AgencyKind.COMMUNE: _l("UBND cấp xã (xã, phường, đặc khu)"),
    AgencyKind.DISTRICT: _l("UBND cấp huyện (trước 1/7/2025)"),
    AgencyKind.INTERNAL_UNIT: _l("Phòng chuyên môn"),
    AgencyKind.AFFILIATED_UNIT: _l("Đơn vị trực thuộc"),
    AgencyKind.OTHER: _l("Khác"),
}


class AgencyForm(Form):
    name = StringField(_l("Tên cơ quan, đơn vị"), validators=[DataRequired(REQUIRED),
                                                              Length(max=255)])
    code = StringField(_l("Mã viết tắt"), description=_l("Dùng trong ký hiệu văn bản, ví dụ SYT"),
                       validators=[DataRequired(REQUIRED), Length(max=32), Regexp(
                           r"^[A-Za-z0-9._-]+$",
                           message=_l("Mã chỉ gồm chữ không dấu, số và . _ -"))])
    edoc_code = StringField(_l("Mã định danh điện tử"),
                            description=_l("13 ký tự, ví dụ 000.00.00.G22 (nếu có)"),
                            validators=[Optional(), Regexp(
                                r"^\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}$",
                                message=_l("Mã định danh phải có dạng 000.00.00.G22."))])
    kind = SelectField(_l("Loại"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    parent_id = SelectField(_l("Cơ quan cấp trên"), coerce=lambda v: int(v) if v else None,
                            validators=[Optional()])
    display_order = IntegerField(_l("Thứ tự trong văn bản"), default=0, validators=[
        Optional(), NumberRange(min=0, max=1_000_000, message=_l("Thứ tự phải là số từ 0."))])
    group_ids = MultiCheckboxField(_l("Thuộc nhóm nhận văn bản"), coerce=int)
    succeeded_by_id = SelectField(_l("Đã sáp nhập vào / được kế thừa bởi"),
                                  coerce=lambda v: int(v) if v else None,
                                  validators=[Optional()], description=_l(
                                      "Ví dụ: UBND huyện đã giải thể từ 1/7/2025, tỉnh đã "
                                      "sáp nhập. Đơn vị giữ nguyên lịch sử, không còn được "
                                      "chọn làm nơi nhận."))
    succeeded_on = DayField(_l("Từ ngày"), validators=[Optional()])


class GroupForm(Form):
    name = StringField(_l("Tên nhóm"), validators=[DataRequired(REQUIRED), Length(max=255)])
    short_name = StringField(_l("Tên ngắn (dùng trong báo cáo tổng hợp)"),
                             validators=[Optional(), Length(max=120)])
    display_order = IntegerField(_l("Thứ tự"), default=0, validators=[
        Optional(), NumberRange(min=0, max=1_000_000, message=_l("Thứ tự phải là số từ 0."))])
    agency_ids = MultiCheckboxField(_l("Các cơ quan, đơn vị trong nhóm"), coerce=int)


class ImportForm(Form):
    file = FileField(_l("Tệp danh sách (.csv hoặc .xlsx)"),
                     validators=[FileRequired(_l("Hãy chọn tệp để nhập."))])


class AgencyFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Tìm kiếm"))
    kind = SelectField(_l("Loại"), choices=[("", _l("Tất cả"))] +
                       [(k.value, label) for k, label in KIND_LABELS.items()])
    order = SelectField(_l("Sắp xếp"), choices=[("protocol", _l("Theo thứ tự văn bản")),
                                                ("alpha", _l("Theo tên (A–Z)"))])
