"""Error pages in the user's language; DomainError becomes a 4xx in one place."""
from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from commentflow.core.errors import DomainError
from commentflow.extensions import db


def _page(status: int, title: str, message: str):
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
        }
        title, message = messages.get(error.code, (_("Có lỗi xảy ra"), error.description))
        return _page(error.code or 500, title, message)
