"""Safe redirects: `next` may only point inside this site."""
from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None, default_endpoint: str = "home.index") -> str:
    """Return target if it is a local path ("/x?y"), else the default page.

    Refuses absolute URLs, scheme-relative "//host" and backslash tricks ("/\\host").
    """
    if target:
        target = target.strip()
        parts = urlsplit(target)
        if (target.startswith("/") and not target.startswith("//")
                and "\\" not in target and not parts.scheme and not parts.netloc
                and not any(ord(ch) < 32 for ch in target)):
            return target
    return url_for(default_endpoint)


def main_nav(user) -> list[tuple[str, str]]:
    """(endpoint, label) of the main menu entries this user may open."""
    from flask_babel import gettext as _

    from commentflow.accounts.models import Role

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
