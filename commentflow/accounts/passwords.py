"""Password hashing and the rules a new password must meet (length, not guessable)."""
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from commentflow.core.errors import ValidationFailed
from commentflow.core.text import fold

MIN_LENGTH = 10
#: zxcvbn's score (0–4): 0 and 1 are passwords found in breach lists, repeats ("aaaaaaaaaa"),
#: sequences ("1234567890"), keyboard walks, or a common word with digits ("matkhau123").
MIN_SCORE = 2
#: Words Vietnamese users put in passwords that zxcvbn's English lists do not know.
LOCAL_WORDS = ("matkhau", "mat khau", "mat-khau", "commentflow", "gopy", "gop y", "duthao",
               "soyte", "ubnd", "vanthu", "admin", "quantri", "vietnam", "hanoi", "123456aa")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("không phải mật khẩu của ai", method=method)


def spend_verification_time(password: str) -> None:
    """Check the password against a dummy hash, so that an unknown login takes as long to
    refuse as a wrong password (no telling which logins exist from the response time)."""
    check_password_hash(_dummy_hash(current_app.config["PASSWORD_METHOD"]), password)


def check_new_password(password: str, *, username: str = "", personal=()) -> None:
    """Refuse short passwords, the login name, and anything easy to guess."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_LENGTH))
    if username and username.lower() in password.lower():
        raise ValidationFailed(_("Mật khẩu không được chứa tên đăng nhập."))
    hints = [*LOCAL_WORDS, username, *(fold(p) for p in personal if p)]
    if zxcvbn(password[:100], user_inputs=[h for h in hints if h])["score"] < MIN_SCORE:
        raise ValidationFailed(_(
            "Mật khẩu quá dễ đoán (mật khẩu phổ biến, ký tự lặp lại, dãy số hoặc phím liền "
            "nhau). Hãy dùng vài từ dễ nhớ ghép lại, ví dụ \"ca-phe-sang-thu-hai\"."))
