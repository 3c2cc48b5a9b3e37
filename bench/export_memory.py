"""Benchmark: what the exports of a large round leave in a gunicorn worker, and where their
time goes.

Starts a throwaway PostgreSQL, seeds bench/consolidation.py's round (300 sections, 500
agencies, 20,000 comments), serves the app with gunicorn as deployed (deploy/gunicorn.conf.py)
and one sync worker (so every request lands in one process at a time), signs the lead office
in and downloads, in turn, the report .docx, the report .xlsx, the draft with margin comments
and the tracker .xlsx. After each download it reads the resident memory (VmRSS) and peak
(VmHWM) from /proc of the worker that will serve the next request (gunicorn replaces a
worker that has sent a large export: the line says so).

Then, in this process (its start-up objects frozen, as app.py does in each worker), it times
gathering the report's data against building each file from it (best of 3), at 20,000 and
at 40,000 comments.

Targets (issue 18): worker memory back under 150 MB after an export; gathering no slower than
building the file; doubling the comments at most doubles the time.

Run: .venv/bin/python bench/export_memory.py
"""
import gc
import http.cookiejar
import re
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import migrated_database  # noqa: E402
from bench.consolidation import seed  # noqa: E402
from bench.deadline_rush import PASSWORD, start_gunicorn  # noqa: E402
from tests.postgres import ThrowawayCluster, _free_port, find_pg_bin  # noqa: E402

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
EXPORTS = {
    "report .docx": "/rounds/{id}/consolidation/report.docx",
    "report .xlsx": "/rounds/{id}/consolidation/report.xlsx",
    "draft with margin comments .docx": "/rounds/{id}/consolidation/draft-with-comments.docx",
    "tracker .xlsx": "/rounds/{id}/tracker.xlsx",
}


def _memory(pid: int) -> tuple[int, int]:
    """(resident MB, peak resident MB) of one process."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) // 1024
    return values["VmRSS"], values["VmHWM"]


def _worker_of(master: int) -> int:
    """The master's one worker; after a large export gunicorn replaces it (deploy/
    gunicorn.conf.py), so this waits for the new one to be up."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(f"/proc/{master}/task/{master}/children") as children:
            pids = children.read().split()
        if pids:
            return int(pids[0])
        time.sleep(0.05)
    raise RuntimeError("no gunicorn worker")


def _set_password(url: str) -> None:
    from sqlalchemy import select

    from commentflow import create_app
    from commentflow.accounts.models import User
    from commentflow.accounts.passwords import hash_password
    from commentflow.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench",
                      "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "lead")).password_hash = \
            hash_password(PASSWORD)
        db.session.commit()


def worker_memory(cluster) -> None:
    url, env = migrated_database(cluster, "exports", COMMENTFLOW_MAIL_TO_FILES="1")
    from commentflow import create_app

    round_id = seed(create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"}), 500, 20_000)
    _set_password(url)
    server, base = start_gunicorn(env, _free_port(), 1, "app:app", ("--timeout", "300"))
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

        def get(path: str, data: dict | None = None) -> bytes:
            body = urllib.parse.urlencode(data).encode() if data else None
            with opener.open(base + path, data=body, timeout=300) as response:
                return response.read()

        token = TOKEN.search(get("/login").decode()).group(1)
        get("/login", {"csrf_token": token, "username": "lead", "password": PASSWORD})
        get(f"/rounds/{round_id}/tracker")  # the worker as it is after ordinary pages
        worker = _worker_of(server.pid)
        rss, peak = _memory(worker)
        print("gunicorn, 1 sync worker, 20,000 comments; worker memory (MB):")
        print(f"  {'after signing in and a tracker page':<44}{rss:>6} now {peak:>6} peak")
        for label, path in EXPORTS.items():
            started = time.perf_counter()
            size = len(get(path.format(id=round_id)))
            seconds = time.perf_counter() - started
            time.sleep(0.5)  # the worker closes the response (and gives memory back) after
            serving = _worker_of(server.pid)
            rss, peak = _memory(serving)
            replaced = " (worker replaced)" if serving != worker else ""
            worker = serving
            print(f"  {'after ' + label:<44}{rss:>6} now {peak:>6} peak"
                  f"   {seconds:5.2f} s, {size // 1024} KiB{replaced}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def gathering_against_building(cluster) -> None:
    from commentflow import create_app
    from commentflow.consolidation import gathering
    from commentflow.core.clock import now_utc
    from commentflow.exports.consolidation_report import build_report_docx, build_report_xlsx
    from commentflow.extensions import db
    from commentflow.rounds.models import Round

    print("\nin one process, best of 3 (seconds):")
    print(f"  {'comments':>8} {'gathering':>10} {'.docx':>8} {'.xlsx':>8}")
    for comments in (20_000, 40_000):
        url = cluster.create_database(f"gathering_{comments}")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        round_id = seed(app, 500, comments)
        gc.collect()
        gc.freeze()  # as app.py does in every worker
        best = {"gather": [], "docx": [], "xlsx": []}
        with app.test_request_context("/"):
            for _ in range(3):
                db.session.remove()
                started = time.perf_counter()
                data = gathering.report_data(db.session.get(Round, round_id), now=now_utc(),
                                             zone="Asia/Ho_Chi_Minh")
                best["gather"].append(time.perf_counter() - started)
                started = time.perf_counter()
                build_report_docx(data)
                best["docx"].append(time.perf_counter() - started)
                started = time.perf_counter()
                build_report_xlsx(data, ["x"], [])
                best["xlsx"].append(time.perf_counter() - started)
        print(f"  {comments:>8,} {min(best['gather']):>10.2f} {min(best['docx']):>8.2f} "
              f"{min(best['xlsx']):>8.2f}")


def main() -> None:
    cluster = ThrowawayCluster(find_pg_bin()).start()
    try:
        worker_memory(cluster)
        gathering_against_building(cluster)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
