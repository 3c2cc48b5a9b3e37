"""Forms for logging in, changing a password and administering users."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from commentflow.core.roles import Role
from commentflow.web.forms import REQUIRED, Form, MultiCheckboxField

ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị viên"),
    Role.LEAD_STAFF: _l("Chuyên viên cơ quan chủ trì"),
    Role.LEADER: _l("Lãnh đạo đơn vị"),
    Role.STAFF: _l("Chuyên viên"),
    Role.CLERK: _l("Văn thư"),
}


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(REQUIRED),
                                                            Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập (30 ngày)"))
    next = HiddenField()


class PasswordChangeForm(Form):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(REQUIRED), EqualTo("new", _l("Hai lần nhập mật khẩu mới không khớp."))])


class UserForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(REQUIRED), Length(max=64),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l(
            "Tên đăng nhập chỉ gồm chữ không dấu, số và dấu . _ -"))])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED),
                                                         Length(max=160)])
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=160)])
    email = StringField(_l("Thư điện tử"), validators=[
        Optional(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                           message=_l("Địa chỉ thư điện tử không hợp lệ."))])
    agency_id = SelectField(_l("Đơn vị"), coerce=int, validators=[DataRequired(REQUIRED)])
    roles = MultiCheckboxField(_l("Vai trò"), choices=[(r.value, label)
                                                       for r, label in ROLE_LABELS.items()])
    locale = SelectField(_l("Ngôn ngữ"), choices=[("", _l("Mặc định (Tiếng Việt)")),
                                                   ("vi", "Tiếng Việt"), ("en", "English")])
    password = PasswordField(_l("Mật khẩu ban đầu"), validators=[Optional()])


class PasswordResetForm(Form):
    password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(REQUIRED)])



class ApiTokenForm(Form):
    """An API token for a system acting for one agency (the scopes are chosen by the view)."""

    name = StringField(_l("Tên hệ thống dùng khóa"), validators=[DataRequired(REQUIRED),
                                                                Length(max=160)])
    agency_id = SelectField(_l("Đơn vị"), coerce=int, validators=[DataRequired(REQUIRED)])
    scopes = MultiCheckboxField(_l("Quyền"), validators=[DataRequired(
        _l("Hãy chọn ít nhất một quyền."))])
