"""Browser flow of API keys: the administrator issues a key for an agency's e-office system,
copies it once, sees it used, reads the API reference, and revokes it."""
from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_admin_issues_a_key_that_works_until_revoked(page, live_server):
    log_in(page, live_server, "admin")
    page.click("nav >> text=Khóa API")
    expect(page.locator("#api-tokens")).to_contain_text("Chưa cấp khóa nào.")
    page.fill("#name", "QLVB Sở Tài chính")
    page.select_option("#agency_id", label="Sở Tài chính")
    page.check("input[name=scopes][value=read]")
    page.check("input[name=scopes][value=respond]")
    page.click("button:has-text('Cấp khóa')")
    expect(page.locator("h1")).to_contain_text("Đã cấp khóa API: QLVB Sở Tài chính")
    expect(page.locator("[role=alert]")).to_contain_text("chỉ hiện một lần")
    secret = page.input_value("#secret")
    assert secret.startswith("cf1_")

    api = page.request
    me = api.get(live_server.url + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status == 200 and me.json()["agency"]["name"] == "Sở Tài chính"
    inbox = api.get(live_server.url + "/api/v1/inbox",
                    headers={"Authorization": f"Bearer {secret}"}).json()
    assert inbox == {"items": [], "page": 1, "pages": 1, "total": 0}  # no round sent yet

    page.click("text=Về danh sách khóa")
    row = page.locator("#api-tokens tbody tr", has_text="QLVB Sở Tài chính")
    expect(row).to_contain_text(secret[:12])
    expect(row).to_contain_text("2 lần gọi")
    expect(page.locator("#api-tokens")).not_to_contain_text(secret)

    page.click("text=Tài liệu API")
    expect(page.locator("#api-operations")).to_contain_text("/api/v1/inbox/{round_id}/submission")
    page.go_back()

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("text=Thu hồi").click()
    expect(page.locator(".flash")).to_contain_text("Đã thu hồi khóa \"QLVB Sở Tài chính\"")
    expect(row).to_contain_text("Đã thu hồi")
    refused = api.get(live_server.url + "/api/v1/me",
                      headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
