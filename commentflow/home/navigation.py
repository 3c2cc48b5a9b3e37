"""The main menu: the entries a user may open, asked of each package's permission rules."""
from flask_babel import gettext as _

from commentflow.directory.permissions import can_manage_directory
from commentflow.drafts.permissions import can_list_drafts
from commentflow.rounds.permissions import can_list_rounds


def main_nav(user) -> list[tuple[str, str]]:
    """(endpoint, label) of the main menu entries this user may open."""
    if user is None or not user.is_authenticated:
        return []
    items = [("home.index", _("Trang chính")), ("inbox.index", _("Văn bản đến"))]
    if can_list_drafts(user):
        items.append(("drafts.index", _("Dự thảo")))
    if can_list_rounds(user):
        items.append(("rounds.index", _("Lấy ý kiến")))
    if can_manage_directory(user):
        items += [("directory.agencies", _("Cơ quan, đơn vị")),
                  ("directory.groups", _("Nhóm nhận")),
                  ("users_admin.index", _("Người dùng")), ("audit.index", _("Nhật ký")),
                  ("outbox_admin.failures_page", _("Thư lỗi"))]
    return items
