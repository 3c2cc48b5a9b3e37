"""Forms of the consolidation workspace."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from commentflow.consolidation.models import KIND_LABELS
from commentflow.web.forms import REQUIRED, Form, MultiCheckboxField

#: The phrases officers use in the last column, offered as quick picks (editable).
QUICK_PICKS = ["Tiếp thu, điều chỉnh tại ", "Tiếp thu, bổ sung vào dự thảo.",
               "Tiếp thu một phần: ", "Đề xuất giữ nguyên theo dự thảo. Lý do: ",
               "Tiếp thu (thực hiện khi đủ điều kiện)."]


class IdsField(SelectMultipleField):
    """Several ids posted under one name (hidden inputs), not limited to listed choices."""

    def pre_validate(self, form):
        pass


class DecideForm(Form):
    comment_ids = IdsField(coerce=int, validators=[DataRequired(REQUIRED)])
    kind = SelectField(_l("Cách xử lý"), choices=[(k.value, v) for k, v in KIND_LABELS.items()],
                       validators=[DataRequired(_l(
                           "Hãy chọn cách xử lý: tiếp thu, tiếp thu một phần, không tiếp thu "
                           "hoặc ghi nhận."))])
    text = TextAreaField(_l("Nội dung tiếp thu, giải trình"),
                         validators=[Optional(), Length(max=20000)])


class IdsForm(Form):
    comment_ids = IdsField(coerce=int)
    disposition_ids = IdsField(coerce=int)


class CloseForm(Form):
    accept_open = BooleanField(_l("Chốt dù còn ý kiến chưa duyệt (số ý kiến còn lại được ghi "
                                  "nhận)"))


class FilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Tìm (không cần dấu)"))
    agency = SelectField(_l("Cơ quan, đơn vị"), validators=[Optional()])
    group = SelectField(_l("Nhóm"), validators=[Optional()])
    section = SelectField(_l("Mục"), validators=[Optional()])
    state = SelectField(_l("Tình trạng"), choices=[
        ("", _l("Mọi tình trạng")), ("open", _l("Chưa duyệt")), ("undecided", _l("Chưa xử lý")),
        *[(k.value, v) for k, v in KIND_LABELS.items()]], validators=[Optional()])


#: The optional columns of the report, as the export form offers them.
COLUMN_LABELS = {"stt": _l("STT"), "reply": _l("Số, ngày văn bản góp ý"),
                 "officer": _l("Chuyên viên xử lý"), "note": _l("Ghi chú")}


class ExportForm(Form):
    """Optional columns chosen when the report is downloaded (a GET form)."""

    class Meta:
        csrf = False

    columns = MultiCheckboxField(_l("Thêm cột"), choices=list(COLUMN_LABELS.items()),
                                 validators=[Optional()])

    def chosen(self) -> frozenset[str]:
        """The valid columns ticked (anything else in the address is ignored)."""
        return frozenset(self.columns.data or []) & frozenset(COLUMN_LABELS)
