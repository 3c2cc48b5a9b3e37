"""deploy/nginx.conf's writing lane: a real nginx with the file's `map` sends an agency's
autosaves and the answer's steps to the lane's workers and everything else to the pages'
workers, falls back to the pages' when the lane is down; and the rule names exactly the
app's routes meant for it."""
import re
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.nginx import ThrowawayNginx, lane_rule
from tests.postgres import _free_port

#: The app's requests that take the lane (endpoint names): short writes of an answer.
LANE = {"responses.create_comment", "responses.update_comment", "responses.delete_comment",
        "responses.answer_previous", "responses.register", "responses.assign",
        "responses.present", "responses.return_", "responses.submit", "responses.agree"}


def _lane_pattern() -> re.Pattern:
    """The map's one regular expression (nginx's PCRE; this one reads the same in Python)."""
    return re.compile(re.search(r'"~(.*)" commentflow_writes;', lane_rule()).group(1))


class _Upstream(ThreadingHTTPServer):
    """A stand-in app server that answers every request with its own name."""

    def __init__(self, name: str):
        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                body = name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *_args):
                pass

        super().__init__(("127.0.0.1", _free_port()), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def front():
    pages, lane = _Upstream("pages"), _Upstream("lane")
    nginx = ThrowawayNginx(pages.server_port, lane.server_port).start()
    yield nginx.base, lane
    nginx.stop()
    pages.shutdown()
    lane.shutdown()


def _served_by(base: str, method: str, path: str) -> str:
    data = b"csrf_token=x&text=y" if method == "POST" else None
    request = urllib.request.Request(base + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.read().decode()


def test_autosaves_and_the_answers_steps_take_the_lane(front):
    base, _lane = front
    for path in ("/inbox/12/comments", "/inbox/12/comments/345",
                 "/inbox/12/comments/345/delete", "/inbox/12/submit", "/inbox/12/agree",
                 "/inbox/12/present", "/inbox/12/return", "/inbox/12/register",
                 "/inbox/12/assign", "/inbox/12/previous/7"):
        assert _served_by(base, "POST", path) == "lane", path
    for method, path in (("GET", "/inbox/12/draft"), ("GET", "/inbox/12/comments"),
                         ("POST", "/inbox/12/import-comments"), ("POST", "/login"),
                         ("POST", "/rounds/12/consolidation/decide"),
                         ("POST", "/api/v1/inbox/12/comments"), ("GET", "/"),
                         ("POST", "/inbox/12/comments/345/extra"),
                         ("POST", "/inbox/12/submit?next=/x")):
        expected = "lane" if path.startswith("/inbox/12/submit?") else "pages"
        assert _served_by(base, method, path) == expected, (method, path)


def test_with_the_lane_down_its_requests_go_to_the_pages_workers(front):
    base, lane = front
    lane.shutdown()
    lane.server_close()  # connection refused: nginx tries the backup, the pages' workers
    assert _served_by(base, "POST", "/inbox/12/comments") == "pages"


def test_the_rule_names_exactly_the_routes_meant_for_the_lane():
    from commentflow import create_app

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "lane"})
    pattern = _lane_pattern()
    taken = set()
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()):
            continue
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "7", rule.rule)
        if pattern.match(f"POST {path}"):
            taken.add(rule.endpoint)
    assert taken == LANE
