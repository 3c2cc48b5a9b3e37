"""Error pages in the user's language; DomainError becomes a 4xx in one place."""
import re

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from commentflow.core.errors import DomainError
from commentflow.extensions import db

#: marshmallow's messages about a request's fields, in the caller's language.
_FIELD_MESSAGES = [
    (re.compile(r"^Missing data for required field\.$"), _l("Thiếu trường bắt buộc.")),
    (re.compile(r"^Field may not be null\.$"), _l("Trường này không được để null.")),
    (re.compile(r"^Unknown field\.$"), _l("Trường không có trong tài liệu API.")),
    (re.compile(r"^Not a valid integer\.$"), _l("Phải là số nguyên.")),
    (re.compile(r"^Not a valid string\.$"), _l("Phải là chuỗi ký tự.")),
    (re.compile(r"^Not a valid boolean\.$"), _l("Phải là true hoặc false.")),
    (re.compile(r"^Not a valid date\.$"), _l("Ngày không hợp lệ (dạng YYYY-MM-DD).")),
    (re.compile(r"^Not a valid list\.$"), _l("Phải là một danh sách.")),
    (re.compile(r"^Invalid (input )?type\.$"), _l("Kiểu dữ liệu không đúng.")),
    (re.compile(r"^Must be greater than or equal to (?P<n>\S+)\.$"),
     _l("Phải lớn hơn hoặc bằng %(n)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to "
                r"(?P<max>\S+)\.$"), _l("Phải từ %(min)s đến %(max)s.")),
    (re.compile(r"^Longer than maximum length (?P<n>\d+)\.$"), _l("Dài quá %(n)s ký tự.")),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     _l("Phải có từ %(min)s đến %(max)s phần tử.")),
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), _l("Phải là một trong: %(choices)s.")),
]


def _in_language(errors):
    """The field errors webargs reports, each message in the caller's language."""
    if isinstance(errors, dict):
        return {key: _in_language(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_in_language(value) for value in errors]
    for pattern, message in _FIELD_MESSAGES:
        match = pattern.match(str(errors))
        if match:
            return str(message) % match.groupdict() if match.groupdict() else str(message)
    return errors


def _for_api() -> bool:
    return request.path.startswith("/api/")


def _json(status: int, name: str, message: str, errors=None, headers=None):
    """An API error: {"code", "status", "message"[, "errors"]}, as the OpenAPI document says."""
    payload = {"code": status, "status": name, "message": message}
    if errors:
        payload["errors"] = errors
    return payload, status, headers or {}


def _page(status: int, title: str, message: str):
    if _for_api():
        return _json(status, HTTP_STATUS_CODES.get(status, ""), message)
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def init_errors(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        db.session.rollback()  # nothing of a refused action is kept
        return _page(error.status_code, _("Không thực hiện được"), error.message)

    @app.errorhandler(InternalServerError)
    def _server_error(_error):
        # The failed transaction is rolled back first: the page itself reads the database
        # (the signed-in user), which a session in a failed state refuses.
        db.session.rollback()
        return _page(500, _("Có lỗi xảy ra"),
                     _("Máy chủ gặp lỗi khi xử lý yêu cầu; không có thay đổi nào được lưu. "
                       "Hãy thử lại sau ít phút."))

    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        return _page(400, _("Phiên làm việc đã hết hạn"),
                     _("Trang này đã mở quá lâu nên yêu cầu bị từ chối để bảo vệ tài khoản "
                       "của bạn. Hãy quay lại, tải lại trang và thử lại."))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        messages = {
            403: (_("Không có quyền truy cập"),
                  _("Tài khoản của bạn không có quyền xem hoặc thay đổi nội dung này.")),
            404: (_("Không tìm thấy trang"),
                  _("Trang bạn tìm không tồn tại hoặc bạn không có quyền xem.")),
            413: (_("Tệp quá lớn"),
                  _("Tệp tải lên vượt quá giới hạn cho phép.")),
            405: (_("Thao tác không hợp lệ"), _("Phương thức yêu cầu không được hỗ trợ.")),
            422: (_("Dữ liệu không hợp lệ"), _("Dữ liệu gửi lên không hợp lệ.")),
        }
        title, message = messages.get(error.code, (_("Có lỗi xảy ra"), error.description))
        if _for_api():
            # flask-smorest's abort carries a message, the fields refused and headers.
            data = getattr(error, "data", None) or {}
            return _json(error.code or 500, error.name, data.get("message") or message,
                         _in_language(data.get("errors") or data.get("messages")),
                         data.get("headers"))
        return _page(error.code or 500, title, message)
