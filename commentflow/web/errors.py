"""Error pages in the user's language; DomainError becomes a 4xx in one place."""
from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from commentflow.core.errors import DomainError
from commentflow.extensions import db


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
                         data.get("errors") or data.get("messages"), data.get("headers"))
        return _page(error.code or 500, title, message)
