"""The main menu: the entries a user may open, asked of each package's permission rules."""
from flask_babel import gettext as _

from commentflow.core.roles import Role


def main_nav(user) -> list[tuple[str, str]]:
    """(endpoint, label) of the main menu entries this user may open."""
    if user is None or not user.is_authenticated:
        return []
    items = [("home.index", _("Trang chính")), ("inbox.index", _("Văn bản đến"))]
    if user.has_role(Role.LEAD_STAFF) or user.has_role(Role.LEADER):
        items += [("drafts.index", _("Dự thảo")), ("rounds.index", _("Lấy ý kiến"))]
    if user.has_role(Role.ADMIN):
        items += [("directory.agencies", _("Cơ quan, đơn vị")),
                  ("directory.groups", _("Nhóm nhận")),
                  ("users_admin.index", _("Người dùng")), ("audit.index", _("Nhật ký")),
                  ("outbox_admin.failures_page", _("Thư lỗi"))]
    return items
