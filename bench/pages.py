"""Benchmark: what each main page costs the server, as a ratio to a bare Flask "hello".

Starts a throwaway PostgreSQL on loopback and seeds a province-sized workload: a closed
round with 500 recipients and 20,000 comments (tracker, consolidation workspace), and one
agency with 50 rounds in its inbox, one of them a 53-section draft with 60 comments of its
own (start page's to-do list, reading and drafting pages, autosave). Then, for each of 3
rounds, for each page: gunicorn serving bench/hello.py is loaded by wrk, then gunicorn
serving commentflow as deployed (deploy/gunicorn.conf.py; hello has the same 4 sync workers
and timeout without that file, whose hooks are the app's) is loaded on the page, 50
connections each. Prints, per page, the median over the rounds (and spread) of: requests per
second as a ratio to hello's in the same round, server CPU per request (user + system time
of the gunicorn master and its workers, from /proc), p95 latency, and the SQL statements the
page runs (counted in-process).

Targets (issue 18): /csrf-token ≥ 0.25; autosave ≥ 0.07; inbox ≥ 0.05; reading and
drafting ≥ 0.025; tracker and workspace ≥ 0.012. (The start page has none: measured because
every sign-in lands there and its list gives every page's menu counts.)

Installs wrk (Debian) with scripts/install-bench-tools.sh (`make bench-tools`) if missing.
Run: .venv/bin/python bench/pages.py [--seconds 5]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import cpu_seconds, migrated_database  # noqa: E402
from bench.consolidation import seed as seed_consolidation  # noqa: E402
from bench.deadline_rush import PASSWORD, Agent, start_gunicorn  # noqa: E402
from tests.postgres import ThrowawayCluster, _free_port, find_pg_bin  # noqa: E402

SAMPLE = ROOT / "tests/fixtures/samples/du-thao-ke-hoach-218-kien-giang.txt"
ZONE = "Asia/Ho_Chi_Minh"
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.0f\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout + summary.errors.status,
    summary.duration, latency:percentile(95)))
end
"""
WRK_POST = """
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
"""


def ensure_wrk() -> str:
    """wrk, installed from Debian by scripts/install-bench-tools.sh when missing."""
    if not shutil.which("wrk"):
        subprocess.run(["bash", str(ROOT / "scripts/install-bench-tools.sh")], check=True)
    return shutil.which("wrk")


def seed(url: str) -> dict:
    """The large round (bench/consolidation.py's), then one agency's inbox of 50 rounds."""
    from sqlalchemy import select

    from commentflow import create_app
    from commentflow.accounts.models import Role, User, UserRole
    from commentflow.accounts.passwords import hash_password
    from commentflow.core.clock import now_utc
    from commentflow.directory.models import Agency
    from commentflow.drafts.services import create_draft
    from commentflow.extensions import db
    from commentflow.rounds.services import RoundData, create_round, open_round

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench",
                      "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    large_round = seed_consolidation(app, 500, 20_000)
    with app.app_context():
        now = now_utc()
        hashed = hash_password(PASSWORD)
        lead = db.session.scalar(select(User).where(User.username == "lead"))
        lead.password_hash = hashed
        agency = db.session.scalar(select(Agency).where(Agency.code == "DV0"))
        db.session.add(User(username="staff", full_name="Chuyên viên", agency=agency,
                            password_hash=hashed, created_at=now, updated_at=now,
                            role_rows=[UserRole(role=Role.LEADER), UserRole(role=Role.STAFF)]))
        others = db.session.scalars(select(Agency.id).where(Agency.code.in_(
            [f"DV{n}" for n in range(1, 10)]))).all()
        rounds = []
        for n in range(49):
            draft = create_draft(f"Kế hoạch {n}", SAMPLE.read_bytes(), SAMPLE.name, actor=lead,
                                 now=now, max_bytes=10**7)
            round_ = create_round(RoundData(
                subject=f"V/v góp ý dự thảo Kế hoạch số {n}", place="An Giang",
                letter_date=now.date(), deadline_at=now + timedelta(days=10 + n),
                signer_position="Giám đốc", signer_name="A", letter_number=str(2000 + n),
                letter_notation="SYT-TCCB", version_ids=[draft.latest_version.id],
                agency_ids=[agency.id, *others]), actor=lead, now=now, zone=ZONE)
            open_round(round_, actor=lead, now=now, zone=ZONE)
            rounds.append(round_)
        sections = [s.id for s in rounds[0].versions[0].sections if s.is_commentable]
        autosave_sections = [s.id for s in rounds[1].versions[0].sections if s.is_commentable]
        db.session.commit()
        return {"large": large_round, "drafting": rounds[0].id, "autosave": rounds[1].id,
                "sections": sections, "autosave_section": autosave_sections[5]}


def load(wrk: str, url: str, seconds: int, master: int, cookie: str = "",
         post_body: str = "") -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if post_body:
            script.write(WRK_POST.format(body=post_body))
        script.write(WRK_REPORT)
    command = [wrk, "-t", "2", "-c", "50", "-d", f"{seconds}s", "--timeout", "30s",
               "-s", script.name]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    before = cpu_seconds(master)
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(master) - before
    os.unlink(script.name)
    requests, errors, micros, p95 = map(float, re.search(
        r"RESULT (\d+) (\d+) (\d+) (\d+)", output).groups())
    return {"rps": requests / (micros / 1e6), "errors": int(errors), "p95_ms": p95 / 1000,
            "cpu_ms": 1000 * cpu / max(requests, 1), "requests": int(requests)}


def session_cookie(base: str, username: str) -> tuple[str, str]:
    """Log in through the form and open the start page, as a browser would before the page
    measured (the session then carries the menu's counts, kept for a minute); returns the
    Cookie header and the session's CSRF token for POSTs."""
    import json

    agent = Agent(base)
    status, _ = agent.request("/login", {"csrf_token": agent.token("/login"),
                                         "username": username, "password": PASSWORD})
    assert status == 200, status
    token = json.loads(agent.request("/csrf-token")[1])["token"]
    agent.request("/")
    cookies = next(h.cookiejar for h in agent.opener.handlers if hasattr(h, "cookiejar"))
    return "; ".join(f"{c.name}={c.value}" for c in cookies), token


def _until_sessions_are_kept(app) -> None:
    """A worker's steady state: its copy of the sessions it served listening for changes
    (commentflow.accounts.session_cache), which takes a connection's time after its start."""
    from commentflow.accounts.session_cache import current_cache

    with app.test_request_context():
        cache = current_cache()
        deadline = time.monotonic() + 10
        while cache is not None and cache.generation() is None and time.monotonic() < deadline:
            time.sleep(0.01)


def statements_per_page(url: str, pages: dict, posts: dict) -> dict:
    """SQL statements of one request to each page, counted in-process (after a warm-up)."""
    from sqlalchemy import event

    from commentflow import create_app
    from commentflow.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    counts = {}
    for label, (path, user) in pages.items():
        client = app.test_client()
        if user:
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            client.post("/login", data={"csrf_token": token, "username": user,
                                        "password": PASSWORD})
            token = client.get("/csrf-token").get_json()["token"]
            _until_sessions_are_kept(app)
        for _attempt in ("warm-up", "counted"):
            seen: list[int] = []
            with app.app_context():
                def listener(*_args, seen=seen):
                    seen.append(1)
                event.listen(db.engine, "before_cursor_execute", listener)
                if label in posts:
                    response = client.post(path, data={"csrf_token": token, **posts[label]},
                                           headers={"Accept": "application/json"})
                else:
                    response = client.get(path)
                event.remove(db.engine, "before_cursor_execute", listener)
            assert response.status_code < 400, (label, response.status_code,
                                                response.get_data(as_text=True)[:300])
        counts[label] = len(seen)
    with app.test_request_context():  # stop listening before the cluster goes away
        from commentflow.accounts.session_cache import current_cache

        if (cache := current_cache()) is not None:
            cache.stop()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", action="append", default=[], metavar="WORDS",
                        help="measure only the pages whose label contains these words "
                             "(repeatable), e.g. --only autosave")
    args = parser.parse_args()
    wrk = ensure_wrk()
    cluster = ThrowawayCluster(find_pg_bin()).start()
    servers = []
    try:
        url, env = migrated_database(cluster, "pages", COMMENTFLOW_MAIL_TO_FILES="1")
        print("seeding: 500 recipients × 20,000 comments, an inbox of 50 rounds …", flush=True)
        world = seed(url)
        hello_port, app_port = _free_port(), _free_port()
        hello, _ = start_gunicorn(env, hello_port, 4, "bench.hello:app", ("--timeout", "120"),
                                  deployed=False)
        app, _ = start_gunicorn(env, app_port, 4, "app:app", ("--timeout", "120"))
        servers = [hello, app]
        base = f"http://127.0.0.1:{app_port}"
        drafting, autosave = world["drafting"], world["autosave"]
        staff = Agent(base)
        staff.request("/login", {"csrf_token": staff.token("/login"), "username": "staff",
                                 "password": PASSWORD})
        token = staff.token(f"/inbox/{drafting}/draft")
        for n in range(60):
            staff.request(f"/inbox/{drafting}/comments", {
                "csrf_token": token, "section_id": world["sections"][n % len(world["sections"])],
                "text": f"Ý kiến {n}: đề nghị làm rõ trách nhiệm phối hợp."}, json_reply=True)
        autosave_form = {"section_id": world["autosave_section"],
                         "text": "Đề nghị bổ sung nguồn kinh phí thực hiện."}
        large = world["large"]
        pages = {
            "login (anonymous)": ("/login", None),
            "/csrf-token (signed in)": ("/csrf-token", "staff"),
            "start page (50 requests to do)": ("/", "staff"),
            "agency inbox (50 rounds)": ("/inbox/", "staff"),
            "reading the draft in the inbox": (f"/inbox/{drafting}", "staff"),
            "drafting page (53 sections, 60 comments)": (f"/inbox/{drafting}/draft", "staff"),
            "comment autosave POST": (f"/inbox/{autosave}/comments", "staff"),
            "tracker (500 recipients)": (f"/rounds/{large}/tracker", "lead"),
            "consolidation workspace (20,000 comments)": (
                f"/rounds/{large}/consolidation/", "lead"),
        }
        if args.only:
            pages = {label: page for label, page in pages.items()
                     if any(words in label for words in args.only)}
        autosave_label = "comment autosave POST"
        statements = statements_per_page(url, pages, {autosave_label: autosave_form})
        figures: dict[str, list[dict]] = {label: [] for label in pages}
        for number in range(1, args.rounds + 1):
            print(f"round {number} of {args.rounds}", flush=True)
            for label, (path, user) in pages.items():
                yardstick = load(wrk, f"http://127.0.0.1:{hello_port}/", args.seconds,
                                 hello.pid)
                cookie, token = session_cookie(base, user) if user else ("", "")
                body = urllib.parse.urlencode({"csrf_token": token, **autosave_form}) \
                    if label == autosave_label else ""
                page = load(wrk, base + path, args.seconds, app.pid, cookie, body)
                page["ratio"] = page["rps"] / yardstick["rps"]
                page["hello_cpu_ms"] = yardstick["cpu_ms"]
                figures[label].append(page)
        print(f"\nwrk: 2 threads, 50 connections, {args.seconds} s per measurement, "
              f"{args.rounds} rounds; gunicorn 4 sync workers; medians (min–max)")
        print(f"{'page':<44}{'ratio to hello':>22}{'req/s':>8}{'CPU ms/req':>12}"
              f"{'p95 ms':>9}{'SQL':>5}{'errors':>7}")
        hello_cpu = statistics.median(f["hello_cpu_ms"] for rows in figures.values()
                                      for f in rows)
        for label, rows in figures.items():
            ratios = [row["ratio"] for row in rows]
            print(f"{label:<44}{statistics.median(ratios):>10.3f} "
                  f"({min(ratios):.3f}–{max(ratios):.3f})"
                  f"{statistics.median(r['rps'] for r in rows):>8.0f}"
                  f"{statistics.median(r['cpu_ms'] for r in rows):>12.1f}"
                  f"{statistics.median(r['p95_ms'] for r in rows):>9.0f}"
                  f"{statements[label]:>5}{sum(r['errors'] for r in rows):>7}")
        print(f"hello: {hello_cpu:.2f} ms of server CPU per request")
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.stop()


if __name__ == "__main__":
    main()
