"""Benchmark: 50 e-office systems answering a 500-agency round through the REST API.

Starts a throwaway PostgreSQL on loopback and gunicorn (several workers) serving the app,
seeds a lead office and 500 agencies (each with a person to assign, and an API token with
the read and respond scopes), and an open round addressed to all of them. Then 50 clients
at once each answer for 10 agencies, as an e-office adapter does with no typing time: read
the request and its outline, register it, assign it, post 3 comments, submit the reply
letter with its PDF, signed by a certificate of a test CA the app trusts.
Prints submissions per second, p50/p95/p99 latency of every call and of submissions,
errors, and counts what was acknowledged against what the database holds.

With --batch each agency's comments go in one call (comments/batch), as an adapter that holds
them all sends them: 6 calls per agency instead of 8.

Targets (issue 17): at least 20 submissions/s, p95 under 500 ms, no errors, nothing lost.
Run:
    .venv/bin/python bench/api_clients.py [--agencies 500] [--clients 50] [--workers 4] [--batch]
"""
import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import cpu_seconds, migrated_database, open_sample_round  # noqa: E402
from bench.deadline_rush import start_gunicorn  # noqa: E402
from tests.fixtures.signing import Authority, blank_pdf  # noqa: E402
from tests.postgres import ThrowawayCluster, _free_port, find_pg_bin  # noqa: E402


def seed(url: str, agencies: int) -> tuple[int, list[str]]:
    """Lead office, agencies each with a person and an API token, an open round to all;
    returns the round's id and each agency's secret."""
    from commentflow import create_app
    from commentflow.accounts.api_tokens import READ, RESPOND, issue_token
    from commentflow.accounts.models import Role, User, UserRole
    from commentflow.core.clock import now_utc
    from commentflow.directory.models import Agency, AgencyKind
    from commentflow.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        now = now_utc()
        lead_office = Agency(name="Sở Y tế", code="SYT", kind=AgencyKind.DEPARTMENT,
                             created_at=now, updated_at=now)
        db.session.add(lead_office)
        db.session.flush()
        lead = User(username="lead", full_name="Chuyên viên chủ trì", agency=lead_office,
                    password_hash="!", created_at=now, updated_at=now,
                    role_rows=[UserRole(role=Role.LEAD_STAFF)])
        admin = User(username="admin", full_name="Quản trị", agency=lead_office,
                     password_hash="!", created_at=now, updated_at=now,
                     role_rows=[UserRole(role=Role.ADMIN)])
        db.session.add_all([lead, admin])
        ids, secrets = [], []
        for n in range(agencies):
            agency = Agency(name=f"Đơn vị {n}", code=f"DV{n}", kind=AgencyKind.DEPARTMENT,
                            display_order=n, created_at=now, updated_at=now)
            db.session.add(agency)
            db.session.add(User(username=f"cv{n}", full_name=f"Chuyên viên {n}", agency=agency,
                                password_hash="!", created_at=now, updated_at=now,
                                role_rows=[UserRole(role=Role.STAFF)]))
            db.session.flush()
            ids.append(agency.id)
            secrets.append(issue_token(f"QLVB {n}", agency.id, {READ, RESPOND}, actor=admin,
                                       now=now).secret)
        round_ = open_sample_round(lead, ids, now=now)
        db.session.commit()
        return round_.id, secrets


def _multipart(fields: dict, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             .encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="letter"; '
                 f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                 + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


class System:
    """One e-office system calling the API with its agency's token."""

    def __init__(self, base: str, secret: str, record):
        self.base, self.secret, self.record = base, secret, record

    def call(self, method: str, path: str, body=None, content_type="application/json"):
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.secret}"}
        if body is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=body, method=method,
                                         headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        except OSError:
            status, payload = 0, b""
        self.record(path, status, time.perf_counter() - started)
        return status, json.loads(payload) if payload.startswith((b"{", b"[")) else None


def answer(system: System, round_id: int, n: int, comments: int, results, lock,
           batch: bool = False, pdf: bytes = b"") -> None:
    """What an e-office adapter does for one agency's request, from reading to the reply."""
    system.call("GET", f"/api/v1/inbox/{round_id}")
    _status, outline = system.call("GET", f"/api/v1/inbox/{round_id}/outline")
    sections = [s["id"] for s in (outline or {}).get("sections", []) if s["is_commentable"]]
    system.call("POST", f"/api/v1/inbox/{round_id}/registration",
                {"number": n + 1, "received_on": time.strftime("%Y-%m-%d")})
    system.call("POST", f"/api/v1/inbox/{round_id}/assignment", {"handler": f"cv{n}"})
    rows = [{"section_id": sections[(n + c) % len(sections)] if sections else None,
             "text": f"Ý kiến {c} của đơn vị {n}: đề nghị làm rõ nội dung."}
            for c in range(comments)]
    if batch:  # the adapter holds all the comments: one call
        status, _body = system.call("POST", f"/api/v1/inbox/{round_id}/comments/batch",
                                    {"comments": rows})
        with lock:
            results["comments_acknowledged"] += len(rows) if status == 201 else 0
    for row in [] if batch else rows:
        status, _body = system.call("POST", f"/api/v1/inbox/{round_id}/comments", row)
        with lock:
            results["comments_acknowledged"] += status == 201
    body, content_type = _multipart({"reply_number": str(n + 1), "reply_notation": f"DV{n}-VP",
                                     "reply_date": time.strftime("%Y-%m-%d")},
                                    f"cong-van-{n}.pdf", pdf)
    status, _body = system.call("POST", f"/api/v1/inbox/{round_id}/submission", body,
                                content_type)
    with lock:
        results["submissions_acknowledged"] += status == 201


def run(base: str, round_id: int, secrets: list[str], clients: int, comments: int,
        batch: bool = False, pdf: bytes = b"") -> dict:
    results = {"latencies": [], "submission_latencies": [], "errors": [], "by_call": {},
               "comments_acknowledged": 0, "submissions_acknowledged": 0}
    lock = threading.Lock()

    def record(path, status, seconds):
        with lock:
            results["latencies"].append(seconds)
            kind = path.rsplit("/", 1)[-1] if not path.rsplit("/", 1)[-1].isdigit() else "inbox"
            results["by_call"].setdefault(kind, []).append(seconds)
            if path.endswith("/submission"):
                results["submission_latencies"].append(seconds)
            if status not in (200, 201):
                results["errors"].append((path.rsplit("/", 1)[-1], status))

    def client(k: int) -> None:
        for n in range(k, len(secrets), clients):
            answer(System(base, secrets[n], record), round_id, n, comments, results, lock,
                   batch, pdf)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["seconds"] = time.perf_counter() - started
    return results


def stored(url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        submitted = conn.execute(
            "SELECT count(*) FROM responses WHERE state = 'SUBMITTED'").fetchone()[0]
        comments = conn.execute(
            "SELECT count(*) FROM comments WHERE deleted_at IS NULL").fetchone()[0]
    return submitted, comments


def _ms(values: list[float], q: int) -> int:
    return round(statistics.quantiles(sorted(values), n=100)[q - 1] * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--comments", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch", action="store_true",
                        help="send each agency's comments in one call (comments/batch)")
    args = parser.parse_args()

    cluster = ThrowawayCluster(find_pg_bin()).start()
    gunicorn = None
    try:
        # The reply letter as agencies send it: a PDF signed by their leader, under a CA the
        # app trusts (a test CA made here), so each submission checks a real signature.
        authority = Authority()
        roots = Path(tempfile.mkdtemp(prefix="api-roots-"))
        (roots / "ca.pem").write_bytes(authority.pem())
        pdf = authority.signer("Trần Văn Minh", "Sở Tài chính").sign(blank_pdf())
        url, env = migrated_database(cluster, "api", COMMENTFLOW_API_RATE_LIMIT="600",
                                     COMMENTFLOW_TRUST_ROOTS=str(roots))
        round_id, secrets = seed(url, args.agencies)
        gunicorn, base = start_gunicorn(env, _free_port(), args.workers)
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        server_before, client_before = cpu_seconds(gunicorn.pid), time.process_time()
        database_before = cpu_seconds(postmaster)
        results = run(base, round_id, secrets, args.clients, args.comments, args.batch, pdf)
        server_cpu = cpu_seconds(gunicorn.pid) - server_before
        database_cpu = cpu_seconds(postmaster) - database_before
        client_cpu = time.process_time() - client_before
        submitted, comments = stored(url)
        seconds = results["seconds"]
        print(json.dumps({
            "agencies": args.agencies, "clients": args.clients, "batch": args.batch,
            "gunicorn_workers": args.workers, "calls": len(results["latencies"]),
            "seconds": round(seconds, 1),
            "calls_per_second": round(len(results["latencies"]) / seconds, 1),
            "server_cpu_ms_per_call": round(server_cpu * 1000 / len(results["latencies"]), 1),
            "database_cpu_ms_per_call": round(database_cpu * 1000 / len(results["latencies"]), 1),
            "client_cpu_share": round(client_cpu / (client_cpu + server_cpu), 2),
            "submissions_per_second": round(results["submissions_acknowledged"] / seconds, 1),
            "p50_ms": _ms(results["latencies"], 50), "p95_ms": _ms(results["latencies"], 95),
            "p99_ms": _ms(results["latencies"], 99),
            "submission_p95_ms": _ms(results["submission_latencies"], 95),
            "p50_p95_ms_by_call": {kind: [_ms(values, 50), _ms(values, 95)]
                                   for kind, values in results["by_call"].items()},
            "errors": len(results["errors"]),
            "error_kinds": sorted({f"{p} {s}" for p, s in results["errors"]}),
            "submissions_acknowledged": results["submissions_acknowledged"],
            "submissions_in_database": submitted,
            "comments_acknowledged": results["comments_acknowledged"],
            "comments_in_database": comments,
            "lost": max(results["submissions_acknowledged"] - submitted, 0)
            + max(results["comments_acknowledged"] - comments, 0)}, indent=1))
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)
        cluster.stop()


if __name__ == "__main__":
    main()
