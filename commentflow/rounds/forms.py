"""Forms of a comment round: the request letter, recipients, deadline and its changes."""
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from commentflow.web.forms import (
    BAD_DATE,
    REQUIRED,
    ClockField,
    DayField,
    Form,
    MultiCheckboxField,
)

AUTHORITIES = [("", _l("— Thủ trưởng ký —")), ("KT.", "KT. (ký thay)"),
               ("TM.", "TM. (thay mặt)"), ("TL.", "TL. (thừa lệnh)"),
               ("TUQ.", "TUQ. (thừa ủy quyền)"), ("Q.", "Q. (quyền)")]
URGENCIES = [("normal", _l("Thường")), ("urgent", _l("Khẩn")),
             ("very_urgent", _l("Thượng khẩn")), ("immediate", _l("Hỏa tốc"))]
BAD_TIME = _l("Giờ không hợp lệ (hh:mm).")


class DeadlineFields:
    deadline_date = DayField(_l("Hạn góp ý: trước ngày"),
                              validators=[DataRequired(BAD_DATE)])
    deadline_time = ClockField(_l("lúc (giờ Việt Nam)"), default=time(0, 0),
                              validators=[DataRequired(BAD_TIME)],
                              description=_l("\"Chậm nhất đến trước ngày 10/7/2024\" là ngày "
                                             "10/07/2024 lúc 00:00, tức hết ngày 09/07/2024."))


class RoundForm(DeadlineFields, Form):
    #: A follow-up round: the earlier round whose comments it carries.
    previous_round_id = HiddenField()
    subject = StringField(_l("Trích yếu (V/v …)"), validators=[
        DataRequired(REQUIRED), Length(max=500)], default="V/v góp ý dự thảo ")
    letter_number = StringField(_l("Số"), validators=[
        Optional(), Regexp(r"^\d{1,7}$", message=_l("Số văn bản chỉ gồm chữ số."))],
        description=_l("Để trống nếu văn thư chưa cấp số."))
    letter_notation = StringField(_l("Ký hiệu"), validators=[
        DataRequired(REQUIRED), Length(max=60),
        Regexp(r"^[A-Za-zĐđ0-9.]+(-[A-Za-zĐđ0-9.]+)*$",
               message=_l("Ký hiệu có dạng SYT-TCCB (chữ viết tắt nối bằng dấu -)."))])
    place = StringField(_l("Địa danh"), validators=[DataRequired(REQUIRED), Length(max=100)])
    letter_date = DayField(_l("Ngày văn bản"),
                            validators=[DataRequired(BAD_DATE)])
    urgency = SelectField(_l("Độ khẩn"), choices=URGENCIES, default="normal")
    signer_authority = SelectField(_l("Thẩm quyền ký"), choices=AUTHORITIES, default="",
                                   validate_choice=True)
    signer_head_title = StringField(_l("Chức vụ người đứng đầu (sau KT., TM. …)"),
                                    validators=[Optional(), Length(max=120)])
    signer_position = StringField(_l("Chức vụ người ký"), validators=[
        DataRequired(REQUIRED), Length(max=120)])
    signer_name = StringField(_l("Họ tên người ký"), validators=[
        DataRequired(REQUIRED), Length(max=160)])
    collecting_unit = StringField(_l("Đơn vị tiếp nhận ý kiến"), validators=[
        Optional(), Length(max=255)])
    contact = StringField(_l("Người liên hệ"), validators=[Optional(), Length(max=255)])
    body = TextAreaField(_l("Nội dung đề nghị"), validators=[Optional(), Length(max=20000)],
                         description=_l("Câu về thời hạn, về việc không trả lời xem như thống "
                                        "nhất và lời đề nghị phối hợp được thêm tự động."))
    silence_is_agreement = BooleanField(_l("Quá hạn không có ý kiến xem như thống nhất"),
                                        default=True)
    version_ids = MultiCheckboxField(_l("Dự thảo gửi lấy ý kiến"), coerce=int)
    group_ids = MultiCheckboxField(_l("Gửi các nhóm"), coerce=int)
    agency_ids = MultiCheckboxField(_l("Gửi thêm từng cơ quan, đơn vị"), coerce=int)
    confirmed = BooleanField(_l("Tôi xác nhận thời hạn ngắn hơn mức tối thiểu"))


class OpenForm(Form):
    confirmed = BooleanField(_l("Tôi xác nhận thời hạn ngắn hơn mức tối thiểu"))


class ExtendForm(DeadlineFields, Form):
    reason = StringField(_l("Lý do"), validators=[Optional(), Length(max=500)])


class AgencyExtendForm(ExtendForm):
    recipient_id = SelectField(_l("Cơ quan, đơn vị"), coerce=int,
                               validators=[DataRequired(REQUIRED)])

    class Meta:
        id_prefix = "one-"  #: shown beside ExtendForm, whose fields it repeats


class AddRecipientsForm(Form):
    group_ids = MultiCheckboxField(_l("Các nhóm"), coerce=int)
    agency_ids = MultiCheckboxField(_l("Từng cơ quan, đơn vị"), coerce=int)
