"""Keyboard only, as someone who cannot use a mouse: staff jump to the first section without
a comment, write one and hand the answer to the leader; the leader approves and sends it —
Tab, Enter, Space and typing, nothing clicked."""
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_phone import _with_comments

TAB_LIMIT = 400


def tab_to(page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches the selector."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(TAB_LIMIT):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} is not reachable with {key}")


def log_in_by_keyboard(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/login")
    tab_to(page, "#username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")


def test_drafting_and_approving_with_the_keyboard_alone(browser, live_server):
    round_id = _with_comments(live_server.app)
    staff = browser.new_context(locale="vi-VN").new_page()
    log_in_by_keyboard(staff, live_server, "hoa.stc")
    # From the to-do list to the drafting page.
    tab_to(staff, f"#todo a[href='/inbox/{round_id}/draft']")
    staff.keyboard.press("Enter")
    staff.wait_for_url(f"**/inbox/{round_id}/draft")
    # The outline's "first section without a comment", then that section's comment box.
    tab_to(staff, "#first-uncommented")
    target = staff.get_attribute("#first-uncommented", "href").lstrip("#")
    staff.keyboard.press("Enter")
    staff.wait_for_url(f"**#{target}")
    tab_to(staff, "a.new-comment")
    section = staff.evaluate("document.activeElement.closest('.comments').dataset.section")
    staff.keyboard.press("Enter")
    expect(staff.locator(":focus")).to_have_attribute("name", "text")  # the form opened there
    staff.keyboard.type("Đề nghị bổ sung chỉ tiêu đo lường kết quả.")
    block = staff.locator(f".comments[data-section='{section}']")
    expect(block.locator(".save-status").last).to_have_text("Đã lưu", timeout=20_000)
    assert section
    # Back up to "Trình lãnh đạo" and press it.
    tab_to(staff, "#present-form button", backwards=True)
    staff.keyboard.press("Enter")
    expect(staff.locator(".flash-success")).to_contain_text("Đã trình")
    staff.context.close()

    leader = browser.new_context(locale="vi-VN").new_page()
    log_in_by_keyboard(leader, live_server, "minh.stc")
    tab_to(leader, f"#todo a[href='/inbox/{round_id}/review']")
    leader.keyboard.press("Enter")
    leader.wait_for_url(f"**/inbox/{round_id}/review")
    expect(leader.locator("main")).to_contain_text("Đề nghị bổ sung chỉ tiêu đo lường")
    tab_to(leader, "#reply_number")
    leader.keyboard.type("2811")
    tab_to(leader, "#reply_notation")
    leader.keyboard.press("Control+A")
    leader.keyboard.type("STC-NS")
    leader.once("dialog", lambda dialog: dialog.accept())
    tab_to(leader, "#submit-form button[type=submit]")
    leader.keyboard.press("Enter")
    expect(leader.locator(".flash-success")).to_be_visible()
    expect(leader.locator("#responses")).to_contain_text("Đã gửi")
    leader.context.close()
