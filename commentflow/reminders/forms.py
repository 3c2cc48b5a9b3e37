"""The lead office's reminder rules for a round."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp

from commentflow.web.forms import REQUIRED, Form


class ReminderPolicyForm(Form):
    reminder_days_before = StringField(
        _l("Nhắc trước hạn (số ngày, cách nhau bởi dấu phẩy)"), default="3, 1",
        validators=[Optional(), Regexp(r"^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$",
                                       message=_l("Ví dụ: 3, 1"))])
    reminder_hour = IntegerField(_l("Giờ gửi nhắc buổi sáng"), default=8, validators=[
        DataRequired(REQUIRED), NumberRange(min=0, max=23, message=_l("Giờ từ 0 đến 23."))])
    remind_on_last_day = BooleanField(_l("Nhắc sáng ngày cuối, gửi kèm lãnh đạo đơn vị"),
                                      default=True)
    send_overdue_notice = BooleanField(_l("Gửi một thông báo khi đã quá hạn"), default=True)

    def days(self) -> list[int]:
        text = self.reminder_days_before.data or ""
        if isinstance(text, list):  # the stored value, when the field was not posted
            return sorted(text, reverse=True)
        return sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True)
