"""Benchmark: twenty users of one agency writing at once, on SQLite and on PostgreSQL.

gunicorn (several workers) serves the app over each database. Twenty staff of one agency log
in and, at the same instant, save the agency's first comments (the race that used to break
UNIQUE(responses.recipient_id, sequence)); then for --seconds each keeps editing its own
comment through the autosave endpoint, as typing does. Every answer other than a save or
a stale-revision refusal is an error; at the end each comment in the database must hold the
last text its writer was told was saved (no lost save), and the agency must have one
response.

Target (issue 11): 0 errors and 0 lost saves on both databases. Run:
    .venv/bin/python bench/concurrent_writers.py [--writers 20] [--seconds 30]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.deadline_rush import PASSWORD, Agent, start_gunicorn  # noqa: E402
from tests.postgres import ThrowawayCluster, _free_port, find_pg_bin  # noqa: E402


def seed(url: str, writers: int) -> tuple[int, int]:
    """A lead office, one agency with `writers` staff, an open round to it."""
    from commentflow import create_app
    from commentflow.accounts.models import Role, User, UserRole
    from commentflow.accounts.passwords import hash_password
    from commentflow.core.clock import now_utc
    from commentflow.directory.models import Agency, AgencyKind
    from commentflow.drafts.services import create_draft
    from commentflow.extensions import db
    from commentflow.rounds.services import RoundData, create_round, open_round

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench",
                      "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        now = now_utc()
        office, agency = (Agency(name=name, code=code, kind=AgencyKind.DEPARTMENT,
                                 created_at=now, updated_at=now)
                          for name, code in (("Sở Y tế", "SYT"), ("Sở Tài chính", "STC")))
        hashed = hash_password(PASSWORD)
        lead = User(username="lead", full_name="Chuyên viên", agency=office,
                    password_hash=hashed, created_at=now, updated_at=now,
                    role_rows=[UserRole(role=Role.LEAD_STAFF)])
        db.session.add_all([office, agency, lead])
        for n in range(writers):
            db.session.add(User(username=f"w{n}", full_name=f"Chuyên viên {n}", agency=agency,
                                password_hash=hashed, created_at=now, updated_at=now,
                                role_rows=[UserRole(role=Role.STAFF)]))
        db.session.flush()
        sample = ROOT / "tests/fixtures/samples/du-thao-ke-hoach-218-kien-giang.txt"
        draft = create_draft("Kế hoạch", sample.read_bytes(), sample.name, actor=lead,
                             now=now, max_bytes=10**7)
        round_ = create_round(RoundData(
            subject="V/v góp ý dự thảo", place="An Giang", letter_date=now.date(),
            deadline_at=now + timedelta(days=10), signer_position="Giám đốc",
            signer_name="A", letter_number="1", letter_notation="SYT-TCCB",
            version_ids=[draft.latest_version.id], agency_ids=[agency.id]),
            actor=lead, now=now, zone="Asia/Ho_Chi_Minh")
        open_round(round_, actor=lead, now=now, zone="Asia/Ho_Chi_Minh")
        section = next(s.id for s in draft.latest_version.sections if s.is_commentable)
        db.session.commit()
        return round_.id, section


def write(base, round_id, section, n, seconds, start, results, lock):
    agent = Agent(base)
    agent.request("/login", {"csrf_token": agent.token("/login"), "username": f"w{n}",
                             "password": PASSWORD})
    token = agent.token(f"/inbox/{round_id}/draft")
    start.wait()
    status, body = agent.request(f"/inbox/{round_id}/comments", {
        "csrf_token": token, "section_id": section, "text": f"Ý kiến {n}, bản 0"},
        json_reply=True, retries=1)
    saves, errors, last = 0, [], None
    if status == 201:
        reply = json.loads(body)
        comment, revision, last, saves = reply["id"], reply["revision"], f"Ý kiến {n}, bản 0", 1
        deadline, version = time.monotonic() + seconds, 0
        while time.monotonic() < deadline:
            version += 1
            text = f"Ý kiến {n}, bản {version}"
            status, body = agent.request(f"/inbox/{round_id}/comments/{comment}", {
                "csrf_token": token, "section_id": section, "text": text,
                "revision": revision}, json_reply=True, retries=1)
            if status == 200:
                revision, last, saves = json.loads(body)["revision"], text, saves + 1
            else:
                errors.append(status)
    else:
        errors.append(status)
    with lock:
        results["saves"] += saves
        results["errors"] += errors
        results["last"][n] = last


def check(url: str, last: dict) -> tuple[int, int]:
    """(lost saves, responses of the agency) read back from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        stored = dict(conn.execute(text(
            "SELECT c.text, 1 FROM comments c WHERE c.deleted_at IS NULL")).all())
        responses = conn.execute(text("SELECT count(*) FROM responses")).scalar_one()
    engine.dispose()
    lost = sum(1 for text_ in last.values() if text_ is None or text_ not in stored)
    return lost, responses


def run(label: str, url: str, env: dict, writers: int, seconds: int, workers: int) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    round_id, section = seed(url, writers)
    port = _free_port()
    server, base = start_gunicorn(env, port, workers)
    try:
        results, lock = {"saves": 0, "errors": [], "last": {}}, threading.Lock()
        start = threading.Barrier(writers)
        threads = [threading.Thread(target=write, args=(base, round_id, section, n, seconds,
                                                        start, results, lock))
                   for n in range(writers)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(30)
    lost, responses = check(url, results["last"])
    print(f"{label:<11} writers {writers}  saves {results['saves']:>6} "
          f"({results['saves'] / elapsed:.0f}/s)  errors {len(results['errors'])} "
          f"{sorted(set(results['errors'])) or ''}  lost saves {lost}  responses {responses}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    base_env = dict(os.environ, SECRET_KEY="bench",
                    COMMENTFLOW_PASSWORD_METHOD="pbkdf2:sha256:1000")
    with tempfile.TemporaryDirectory() as folder:
        url = "sqlite:///" + str(Path(folder) / "bench.sqlite3")
        run("SQLite", url, dict(base_env, DATABASE_URL=url), args.writers, args.seconds,
            args.workers)
    cluster = ThrowawayCluster(find_pg_bin()).start()
    try:
        url = cluster.create_database("writers")
        run("PostgreSQL", url, dict(base_env, DATABASE_URL=url), args.writers, args.seconds,
            args.workers)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
