"""Re-takes the README screenshots from the real app with the demo data (headless Chromium).

Run: .venv/bin/python scripts/screenshots.py
"""
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from commentflow import create_app  # noqa: E402
from commentflow.config import TestConfig  # noqa: E402
from commentflow.core.clock import now_utc  # noqa: E402
from commentflow.demo.services import build_demo  # noqa: E402
from commentflow.extensions import db  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

PASSWORD = "mat-khau-anh-chup"
SHOTS = [("admin", "/admin/agencies", "agencies.png"), ("admin", "/admin/groups", "groups.png"),
         ("dung.syt", "/", "todo.png"),
         ("trang.syt", "/drafts/1#s-III.2.a", "draft.png"),
         ("trang.syt", "/rounds/1/tracker", "tracker.png"),
         ("trang.syt", "/rounds/1/consolidation/", "consolidation.png")]


def _answer_sample_round() -> None:
    """The demo's round (công văn 2159/SYT-TCCB to the four groups), opened by its first
    recipient and answered by three."""
    from sqlalchemy import select

    from commentflow.accounts.models import User
    from commentflow.rounds.models import Round

    lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
    round_ = db.session.scalar(select(Round))
    round_.recipients[0].opened_at = now_utc()
    round_.recipients[0].opened_by_id = lead.id
    _answers(round_, lead)


def _answers(round_, lead) -> None:
    """Three paper replies, two of them the same sentence (grouped and answered once)."""
    from sqlalchemy import select

    from commentflow.consolidation import services
    from commentflow.consolidation.models import DispositionKind
    from commentflow.core.dates import local_today
    from commentflow.directory.models import Agency
    from commentflow.responses.models import Comment
    from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply

    sections = {s.key: s for s in round_.versions[0].sections}
    same = "Đề nghị bổ sung cơ chế phối hợp giữa Sở Y tế và UBND cấp xã."
    answers = {"STC": [CommentData("Đề nghị làm rõ nguồn kinh phí thực hiện.",
                                   sections["I.1.a"].id)],
               "UBND-PRG": [CommentData(same, sections["III.2.a"].id)],
               "UBND-PLX": [CommentData(same, sections["III.2.a"].id),
                           CommentData("Thống nhất với các nội dung còn lại.")]}
    codes = {a.id: a.code for a in db.session.scalars(select(Agency))}
    for number, recipient in enumerate(round_.recipients, start=1):
        comments = answers.get(codes[recipient.agency_id])
        if comments:
            record_paper_reply(recipient, ReplyLetter(
                str(100 + number), "VP", local_today(now_utc(), "Asia/Ho_Chi_Minh")),
                comments, actor=lead, now=now_utc())
    db.session.flush()
    grouped = list(db.session.scalars(select(Comment.id).where(Comment.text == same)))
    services.group(round_, grouped, actor=lead, now=now_utc())
    services.decide(round_, grouped, DispositionKind.ACCEPTED,
                    "Tiếp thu, bổ sung tại điểm a khoản 2 Mục III.", actor=lead, now=now_utc())


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/shots.sqlite3",
                      "SECRET_KEY": "screenshots", "PASSWORD_METHOD":
                      TestConfig.PASSWORD_METHOD})
    with app.app_context():
        db.create_all()
        build_demo(now=now_utc(), password=PASSWORD)
        _answer_sample_round()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        page.goto(base + "/login")
        page.screenshot(path=str(out / "login.png"))
        for username, path, name in SHOTS:
            context = browser.new_context(viewport={"width": 1280, "height": 760})
            page = context.new_page()
            page.goto(base + "/login")
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(base + "/")
            page.goto(base + path)
            page.wait_for_timeout(200)
            page.screenshot(path=str(out / name))
            context.close()
        browser.close()
    server.shutdown()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main()
