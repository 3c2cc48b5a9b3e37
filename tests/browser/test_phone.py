"""At a phone's width (390 px): a leader approves and sends an answer, and staff read a
section's comments, with no sideways scrolling and every button within reach."""
from sqlalchemy import select

from commentflow.accounts.models import User
from commentflow.core.clock import now_utc
from commentflow.extensions import db
from commentflow.responses.services import CommentData, save_comment, working_response
from commentflow.rounds.models import Round
from tests.browser.conftest import log_in
from tests.browser.test_response_flows import _open_demo_round

PHONE = {"width": 390, "height": 844}


def _with_comments(app) -> int:
    round_id = _open_demo_round(app)
    with app.app_context():
        staff = db.session.scalar(select(User).where(User.username == "hoa.stc"))
        round_ = db.session.get(Round, round_id)
        recipient = next(r for r in round_.recipients if r.agency_id == staff.agency_id)
        response = working_response(recipient, actor=staff, now=now_utc())
        sections = {s.key: s for s in round_.versions[0].sections}
        for key in ("I.1.a", "III.2.a"):
            save_comment(response, CommentData(f"Ý kiến về mục {key}: đề nghị làm rõ.",
                                               sections[key].id), actor=staff, now=now_utc())
        db.session.commit()
    return round_id


WIDER = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                   + Math.round(e.getBoundingClientRect().right))"""


def _fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - "
                             "document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow} px: " \
        f"{page.evaluate(WIDER)}"


def test_a_leader_approves_and_sends_on_a_phone(browser, live_server):
    round_id = _with_comments(live_server.app)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server, "minh.stc")
    _fits(page)
    page.goto(f"{live_server.url}/inbox/{round_id}/review")
    _fits(page)
    page.fill("#reply_number", "2811")
    page.fill("#reply_notation", "STC-NS")
    button = page.locator("#submit-form button[type=submit]")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    page.wait_for_selector(".flash-success")
    _fits(page)
    context.close()


def test_staff_read_a_sections_comments_on_a_phone(browser, live_server):
    round_id = _with_comments(live_server.app)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server, "hoa.stc")
    page.goto(f"{live_server.url}/inbox/{round_id}/draft")
    _fits(page)
    comments = page.locator(".comments[data-section='III.2.a'] textarea[name=text]").first
    comments.scroll_into_view_if_needed()
    assert "III.2.a" in comments.input_value()
    box = comments.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    context.close()


def test_every_main_page_fits_a_phone(browser, live_server):
    round_id = _with_comments(live_server.app)
    pages = {
        "trang.syt": ["/", "/drafts/", "/drafts/1", "/rounds/", f"/rounds/{round_id}",
                      f"/rounds/{round_id}/tracker", f"/rounds/{round_id}/consolidation/",
                      f"/rounds/{round_id}/reminders", "/notifications/"],
        "hoa.stc": ["/", "/inbox/", f"/inbox/{round_id}", f"/inbox/{round_id}/review"],
        "admin": ["/admin/agencies", "/admin/groups", "/admin/users", "/admin/audit"],
    }
    for login, paths in pages.items():
        context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
        page = context.new_page()
        log_in(page, live_server, login)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            _fits(page)
        context.close()
