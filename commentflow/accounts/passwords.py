"""Password hashing and the minimum rules a new password must meet."""
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from commentflow.core.errors import ValidationFailed

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def check_new_password(password: str, *, username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_LENGTH))
    if username and username.lower() in password.lower():
        raise ValidationFailed(_("Mật khẩu không được chứa tên đăng nhập."))
