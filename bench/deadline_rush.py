"""Benchmark: the deadline rush — 200 agencies saving comments and submitting at once.

Starts a throwaway PostgreSQL on loopback and the app as deployed (bench/front.py: nginx
with deploy/nginx.conf's writing lane in front of the pages' gunicorn workers, niced as
their systemd unit says, and the lane's; --direct: one gunicorn alone), seeds 200 agencies
each with one user and an open round addressed to all of them, then lets every agency log
in at once, open the draft, save comments on sections (the autosave
requests, each after 2–6 s of typing) and submit.
Prints requests per second, p50/p95/p99 latency of comment saves (and p50/p95 of the other
requests: sign-in, the drafting page, submitting), errors, and counts every
acknowledged comment back from the database; and where the CPU went while the rush ran
(gunicorn, PostgreSQL, the clients: seconds, and milliseconds per agency). With
--cpu-by-request the app is served by bench/request_cpu.py, and the workers' CPU is printed
by kind of request, with the requests per second and the mean wait Little's law gives for
clients that never pause. With --kill-workers, a gunicorn worker is killed every 10 s while
the rush goes on.

Targets (issue 5): no errors, no acknowledged comment lost, at least 20 saves/s with p95
under 500 ms on this 2-core machine. Run:
    .venv/bin/python bench/deadline_rush.py [--agencies 200] [--comments 5] [--kill-workers]
        [--think-min 0 --think-max 0] [--cpu-by-request] [--direct]
"""
import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import cpu_seconds, migrated_database, open_sample_round  # noqa: E402
from bench.front import LANE_WORKERS, pages_niceness, start_front  # noqa: E402
from tests.postgres import ThrowawayCluster, _free_port, find_pg_bin  # noqa: E402

PASSWORD = "mat-khau-thu-tai-1"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def seed(url: str, agencies: int) -> tuple[int, list[int]]:
    """Lead office, agencies with one leader-and-staff user each, an open round to all."""
    from commentflow import create_app
    from commentflow.accounts.models import Role, User, UserRole
    from commentflow.accounts.passwords import hash_password
    from commentflow.core.clock import now_utc
    from commentflow.directory.models import Agency, AgencyKind
    from commentflow.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench",
                      "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        now = now_utc()
        lead_office = Agency(name="Sở Y tế", code="SYT", kind=AgencyKind.DEPARTMENT,
                             created_at=now, updated_at=now)
        db.session.add(lead_office)
        db.session.flush()
        lead = User(username="lead", full_name="Chuyên viên chủ trì", agency=lead_office,
                    password_hash=hash_password(PASSWORD), created_at=now, updated_at=now,
                    role_rows=[UserRole(role=Role.LEAD_STAFF)])
        db.session.add(lead)
        ids, hashed = [], hash_password(PASSWORD)
        for n in range(agencies):
            agency = Agency(name=f"Đơn vị {n}", code=f"DV{n}", kind=AgencyKind.DEPARTMENT,
                            display_order=n, created_at=now, updated_at=now)
            db.session.add(agency)
            db.session.add(User(username=f"u{n}", full_name=f"Người {n}", agency=agency,
                                password_hash=hashed, created_at=now, updated_at=now,
                                role_rows=[UserRole(role=Role.LEADER), UserRole(role=Role.STAFF)]))
            db.session.flush()
            ids.append(agency.id)
        round_ = open_sample_round(lead, ids, now=now, place="Kiên Giang")
        sections = [s.id for s in round_.versions[0].sections if s.is_commentable]
        db.session.commit()
        return round_.id, sections


def start_gunicorn(env: dict, port: int, workers: int, module: str = "app:app",
                   extra: tuple[str, ...] = (), deployed: bool = True):
    """gunicorn serving `module` on a loopback port, with the deployment's settings
    (deploy/gunicorn.conf.py) unless `deployed` is false (a yardstick such as bench/hello.py:
    the file's hooks are the app's, and its recycling would restart a hello worker every
    second); returns (process, base URL) once it answers (any HTTP status: it is up)."""
    settings = ["-c", "deploy/gunicorn.conf.py"] if deployed else []
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), *settings,
         "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *extra, module],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.2)
    return process, base


class Agent:
    """One agency's browser: a cookie jar and the requests it makes."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, data=None, json_reply=False, retries=3):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Accept": "application/json"} if json_reply else {}
        for attempt in range(retries):
            try:
                with self.opener.open(urllib.request.Request(self.base + path, data=body,
                                                             headers=headers),
                                      timeout=30) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode(errors="replace")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if attempt == retries - 1:  # a killed worker: the browser would retry too
                    return 0, ""
                time.sleep(0.2)
        return 0, ""

    def token(self, path):
        status, html = self.request(path)
        match = TOKEN.search(html)
        return match.group(1) if match else ""


def rush(base, round_id, sections, agencies, comments, results, lock, think):
    def timed(call, *args, **kwargs):
        """A page the agency waits for (login, the drafting page, submitting), timed."""
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            with lock:
                results["page_latencies"].append(time.perf_counter() - started)

    def one(n):
        agent = Agent(base)
        login_token = timed(agent.token, "/login")
        timed(agent.request, "/login", {"csrf_token": login_token, "username": f"u{n}",
                                        "password": PASSWORD})
        token = timed(agent.token, f"/inbox/{round_id}/draft")
        for c in range(comments):
            time.sleep(random.uniform(*think))  # typing, then the autosave fires
            started = time.perf_counter()
            status, body = agent.request(f"/inbox/{round_id}/comments", {
                "csrf_token": token, "section_id": random.choice(sections),
                "text": f"Ý kiến {c} của đơn vị {n}: đề nghị làm rõ nội dung."},
                json_reply=True, retries=1)
            elapsed = time.perf_counter() - started
            with lock:
                results["latencies"].append(elapsed)
                if status == 201:
                    results["acknowledged"] += 1
                else:
                    results["errors"].append(status)
        status, _ = timed(agent.request, f"/inbox/{round_id}/submit", {
            "csrf_token": token, "reply_number": str(n + 1), "reply_notation": f"DV{n}-VP",
            "reply_date": time.strftime("%Y-%m-%d")})
        with lock:
            results["submitted"] += status in (200, 302)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(agencies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def killer(masters: list[int], stop: threading.Event, killed: list) -> None:
    """Every 10 s, one worker of the gunicorn masters given, killed at random."""
    while not stop.wait(10):
        children = [child for master in masters for child in subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()]
        if children:
            victim = int(random.choice(children))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)


def count_comments(url: str) -> int:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT count(*) FROM comments WHERE deleted_at IS NULL").fetchone()[0]


def read_totals(folder: Path) -> dict[str, tuple[int, float]]:
    """{kind of request: (requests, CPU seconds)} over the files bench/request_cpu.py wrote,
    one per worker, most CPU first."""
    totals: dict[str, list] = {}
    for path in folder.glob("*.json"):
        for kind, (count, seconds) in json.loads(path.read_text()).items():
            total = totals.setdefault(kind, [0, 0.0])
            total[0] += count
            total[1] += seconds
    return dict(sorted(((kind, (count, seconds)) for kind, (count, seconds) in totals.items()),
                       key=lambda item: -item[1][1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--comments", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-workers", action="store_true")
    parser.add_argument("--think-min", type=float, default=2.0,
                        help="seconds of typing before each autosave, at least")
    parser.add_argument("--think-max", type=float, default=6.0)
    parser.add_argument("--direct", action="store_true",
                        help="gunicorn alone (one pool of workers), without the deployment's "
                             "nginx and writing lane")
    parser.add_argument("--cpu-by-request", action="store_true",
                        help="serve bench.request_cpu:app and print the workers' CPU by kind "
                             "of request (a worker killed by --kill-workers is not counted)")
    args = parser.parse_args()

    cluster = ThrowawayCluster(find_pg_bin()).start()
    gunicorn = front = None
    cpu_folder = Path(tempfile.mkdtemp(prefix="rush-cpu-"))
    try:
        url, env = migrated_database(cluster, "rush",
                                     COMMENTFLOW_PASSWORD_METHOD="pbkdf2:sha256:1000")
        round_id, sections = seed(url, args.agencies)
        port = _free_port()
        module = "app:app"
        if args.cpu_by_request:
            env, module = {**env, "COMMENTFLOW_BENCH_CPU_DIR": str(cpu_folder)}, \
                "bench.request_cpu:app"
        if args.direct:
            gunicorn, base = start_gunicorn(env, port, args.workers, module)
            masters = gunicorns = [gunicorn.pid]
        else:  # as deployed: nginx, the pages' workers and the writing lane's
            front = start_front(env, args.workers, module)
            base, masters = front.base, front.masters
            gunicorns = [process.pid for process in front.gunicorns]
        results = {"latencies": [], "page_latencies": [], "acknowledged": 0, "errors": [],
                   "submitted": 0}
        lock, stop, killed = threading.Lock(), threading.Event(), []
        if args.kill_workers:
            threading.Thread(target=killer, args=(gunicorns, stop, killed),
                             daemon=True).start()
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        server_before = sum(cpu_seconds(master) for master in masters)
        database_before = cpu_seconds(postmaster)
        client_before = time.process_time()
        started = time.perf_counter()
        rush(base, round_id, sections, args.agencies, args.comments, results, lock,
             (args.think_min, args.think_max))
        duration = time.perf_counter() - started
        cpu = {"server": sum(cpu_seconds(master) for master in masters) - server_before,
               "database": cpu_seconds(postmaster) - database_before,
               "client": time.process_time() - client_before}
        stop.set()
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)
            gunicorn = None
        if front is not None:
            front.stop()
            front = None
        stored = count_comments(url)
        latencies = sorted(results["latencies"])
        quantiles = statistics.quantiles(latencies, n=100)
        report = {
            "agencies": args.agencies,
            "front": "gunicorn alone" if args.direct else
            f"nginx, pages' workers (nice {pages_niceness()}) and writing lane "
            f"({LANE_WORKERS} workers)",
            "gunicorn_workers": args.workers,
            "think_seconds": [args.think_min, args.think_max],
            "workers_killed": len(killed), "comment_saves": len(latencies),
            "seconds": round(duration, 1),
            "saves_per_second": round(len(latencies) / duration, 1),
            "p50_ms": round(quantiles[49] * 1000), "p95_ms": round(quantiles[94] * 1000),
            "p99_ms": round(quantiles[98] * 1000),
            # The other requests (login, the drafting page, submitting; redirects followed).
            "pages_p50_p95_ms": [round(q * 1000) for q in statistics.quantiles(
                results["page_latencies"], n=100)[49::45]],
            "errors": len(results["errors"]),
            "error_statuses": sorted(set(results["errors"])),
            "acknowledged": results["acknowledged"], "in_database": stored,
            "acknowledged_but_lost": max(results["acknowledged"] - stored, 0),
            "submissions": results["submitted"],
            # Where the two cores went while the rush ran (seconds of CPU), and per agency.
            "cpu_seconds": {name: round(value, 2) for name, value in cpu.items()},
            "cpu_ms_per_agency": round(sum(cpu.values()) * 1000 / args.agencies, 1)}
        if args.cpu_by_request:
            totals = read_totals(cpu_folder)
            requests = sum(count for count, _seconds in totals.values())
            report["requests"] = requests
            report["requests_per_second"] = round(requests / duration, 1)
            # Little's law: with every client waiting on a request, the mean time in the
            # system is the number of clients over the requests served per second.
            report["mean_wait_by_littles_law_ms"] = round(args.agencies / requests * duration
                                                          * 1000)
            report["cpu_by_request"] = {
                kind: {"requests": count, "cpu_ms_each": round(seconds * 1000 / count, 2),
                       "share": round(seconds / sum(s for _c, s in totals.values()), 3)}
                for kind, (count, seconds) in totals.items()}
        print(json.dumps(report, indent=1))
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)
        if front is not None:
            front.stop()
        cluster.stop()
        shutil.rmtree(cpu_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
