"""The main menu: the entries a user may open, asked of each package's permission rules,
each with the number of things waiting there for the user."""
from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import exists, select

from commentflow.core.roles import Role
from commentflow.directory.permissions import can_manage_directory
from commentflow.drafts.models import Draft
from commentflow.drafts.permissions import can_list_drafts
from commentflow.extensions import db
from commentflow.rounds.models import Round
from commentflow.rounds.permissions import can_list_rounds


def is_lead_office(user) -> bool:
    """Whether the user's agency acts as a lead office: its staff write drafts, or it has
    drafts or rounds. An agency that only answers keeps its leaders' menu to what they use."""
    if user.has_role(Role.LEAD_STAFF):
        return True
    return bool(db.session.scalar(select(
        exists().where(Draft.agency_id == user.agency_id)
        | exists().where(Round.agency_id == user.agency_id))))


def main_nav(user, *, leads: bool | None = None) -> list[tuple[str, str]]:
    """(endpoint, label) of the main menu entries this user may open (and would use);
    `leads` is what is_lead_office() said of the user, when the caller has kept it."""
    if user is None or not user.is_authenticated:
        return []
    items = [("home.index", _("Trang chính")), ("inbox.index", _("Văn bản đến"))]
    shows_lead_work = (can_list_drafts(user) or can_list_rounds(user)) and (
        is_lead_office(user) if leads is None else leads)
    if can_list_drafts(user) and shows_lead_work:
        items.append(("drafts.index", _("Dự thảo")))
    if can_list_rounds(user) and shows_lead_work:
        items.append(("rounds.index", _("Lấy ý kiến")))
    if can_manage_directory(user):
        items += [("directory.agencies", _("Cơ quan, đơn vị")),
                  ("directory.groups", _("Nhóm nhận")),
                  ("users_admin.index", _("Người dùng")), ("api_tokens.index", _("Khóa API")),
                  ("audit.index", _("Nhật ký")),
                  ("outbox_admin.failures_page", _("Thư lỗi")),
                  ("exchange.index", _("Liên thông"))]
    return items


#: The menu entry under which each kind of to-do waits (see home/todo.py).
MENU_OF_TODO = {"register": "inbox.index", "assign": "inbox.index", "draft": "inbox.index",
                "approve": "inbox.index", "close": "rounds.index", "decide": "rounds.index",
                "approve_dispositions": "rounds.index", "review_scan": "drafts.index",
                "mail": "outbox_admin.failures_page"}


def menu_counts(todos) -> dict[str, int]:
    """{endpoint: number of to-dos} for the menu's badges; the start page counts them all."""
    counts = Counter(MENU_OF_TODO[todo.kind] for todo in todos if todo.kind in MENU_OF_TODO)
    if todos:
        counts["home.index"] = len(todos)
    return dict(counts)
