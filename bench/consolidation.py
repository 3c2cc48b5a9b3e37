"""Benchmark: the consolidation page and the three exports for a large round.

A round with a 300-section draft, 500 agencies and 20,000 submitted comments (then 40,000,
to see how time grows) on a throwaway PostgreSQL. Prints seconds, SQL statements and peak
memory for: the workspace page (GET through the app), the report .docx, the report .xlsx
and the draft with margin comments. Each measurement runs in a fresh process (warmed up by
one untimed run), so its peak memory is its own and steps do not disturb each other.

Targets (issue 7): page under 1 s with queries not depending on the number of comments;
.docx under 5 s, .xlsx under 3 s, margin .docx under 10 s, each under 500 MB; doubling the
comments at most doubles the time.

Run: .venv/bin/python bench/consolidation.py
"""
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.postgres import ThrowawayCluster, find_pg_bin  # noqa: E402

WORDS = ("đề nghị bổ sung làm rõ cơ chế phối hợp nguồn kinh phí thời hạn trách nhiệm cơ quan "
         "chủ trì thực hiện rà soát điều chỉnh nội dung").split()


def draft_text(sections: int) -> str:
    lines = ["KẾ HOẠCH", "Thực hiện chương trình thử nghiệm", "Căn cứ Luật."]
    made = 0
    for roman in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"):
        lines.append(f"{roman}. PHẦN {roman}")
        for item in range(1, 7):
            lines.append(f"{item}. Nhiệm vụ {item}")
            for letter in "abcd":
                lines.append(f"{letter}) Nội dung {roman}.{item}.{letter} cần góp ý.")
                made += 1
                if made >= sections:
                    return "\n".join(lines)
    return "\n".join(lines)


def seed(app, agencies: int, comments: int):
    from sqlalchemy import insert, select, text

    from commentflow.accounts.models import Role, User, UserRole
    from commentflow.consolidation.models import Disposition, DispositionKind
    from commentflow.directory.models import Agency, AgencyKind
    from commentflow.drafts.services import create_draft
    from commentflow.extensions import db
    from commentflow.responses.models import Comment, Response, ResponseKind, ResponseState
    from commentflow.rounds.models import Round, RoundRecipient, RoundState

    with app.app_context():
        db.create_all()
        now = datetime.now(UTC)
        office = Agency(name="Sở Y tế", code="SYT", kind=AgencyKind.DEPARTMENT, created_at=now,
                        updated_at=now)
        lead = User(username="lead", full_name="Lead", agency=office, password_hash="x",
                    created_at=now, updated_at=now,
                    role_rows=[UserRole(role=Role.LEAD_STAFF), UserRole(role=Role.LEADER)])
        db.session.add_all([office, lead])
        db.session.flush()
        draft = create_draft("Kế hoạch thử nghiệm", draft_text(300).encode(), "du-thao.txt",
                             actor=lead, now=now, max_bytes=10**8)
        version = draft.latest_version
        sections = [s.id for s in version.sections if s.is_commentable]
        round_ = Round(agency_id=office.id, subject="V/v góp ý", place="Kiên Giang",
                       letter_date=now.date(), signer_position="GIÁM ĐỐC", signer_name="A",
                       deadline_at=now + timedelta(days=1), created_by_id=lead.id,
                       created_at=now, updated_at=now, state=RoundState.CLOSED,
                       versions=[version])
        db.session.add(round_)
        db.session.flush()
        db.session.execute(insert(Agency), [
            {"name": f"Đơn vị {n}", "code": f"DV{n}", "kind": AgencyKind.DEPARTMENT,
             "display_order": n, "name_folded": f"don vi {n}", "name_sort_key": b"",
             "created_at": now, "updated_at": now, "is_active": True}
            for n in range(agencies)])
        agency_ids = db.session.scalars(Agency.__table__.select().with_only_columns(
            Agency.id).where(Agency.code != "SYT")).all()
        db.session.execute(insert(RoundRecipient), [
            {"round_id": round_.id, "agency_id": a, "position": i, "added_at": now,
             "extension_reason": ""} for i, a in enumerate(agency_ids)])
        recipients = db.session.scalars(RoundRecipient.__table__.select().with_only_columns(
            RoundRecipient.id)).all()
        db.session.execute(insert(Response), [
            {"recipient_id": r, "sequence": 1, "state": ResponseState.SUBMITTED,
             "kind": ResponseKind.COMMENTS, "reply_number": str(i + 1), "reply_notation": "X",
             "reply_date": now.date(), "created_at": now, "updated_at": now,
             "submitted_at": now, "return_note": "", "entered_by_lead": True}
            for i, r in enumerate(recipients)])
        responses = db.session.scalars(Response.__table__.select().with_only_columns(
            Response.id)).all()
        random.seed(7)
        # Three comments in four already have a disposition (every tenth shares its
        # neighbour's: a group answered once); half of those are approved.
        db.session.execute(insert(Disposition), [
            {"round_id": round_.id, "kind": random.choice(list(DispositionKind)),
             "text": "Tiếp thu, điều chỉnh tại điểm a khoản 2 Mục III.",
             "drafted_by_id": lead.id, "drafted_at": now, "created_at": now,
             "approved_by_id": lead.id if n % 2 else None, "approved_at": now if n % 2 else None}
            for n in range(comments * 3 // 4)])
        dispositions = db.session.scalars(select(Disposition.id).order_by(Disposition.id)).all()
        texts = [" ".join(random.choices(WORDS, k=25)) for _n in range(comments)]
        db.session.execute(insert(Comment), [
            {"response_id": responses[n % len(responses)],
             "section_id": random.choice(sections), "text": texts[n], "proposed_wording": "",
             "reason": "", "search_text": Comment.searchable(texts[n], "", ""),
             "disposition_id": dispositions[n - 1 if n % 10 == 9 else n]
             if n < len(dispositions) else None,
             "author_id": lead.id, "created_at": now, "updated_at": now, "revision": 1}
            for n in range(comments)])
        db.session.commit()
        db.session.execute(text("ANALYZE"))  # what autovacuum does soon after a bulk load
        db.session.commit()
        return round_.id


MEASURES = {
    "page": "consolidation page (first page)",
    "search": "page, search + open only",
    "deep": "page 200 (deep in the list)",
    "docx": "report .docx",
    "xlsx": "report .xlsx",
    "margin": "draft with margin comments .docx",
}


def measure_in_this_process(url: str, round_id: int, what: str) -> None:
    """One measurement in a fresh process (as a worker would serve it): run once to warm up
    imports and caches, then time a second run. Prints seconds, statements, peak memory."""
    from sqlalchemy import event

    from commentflow import create_app
    from commentflow.consolidation import gathering
    from commentflow.core.clock import now_utc
    from commentflow.exports.consolidation_report import build_report_docx, build_report_xlsx
    from commentflow.extensions import db
    from commentflow.rounds.models import Round

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    with client.session_transaction() as session:  # log the lead in without the login form
        with app.app_context():
            from commentflow.accounts.models import User
            from commentflow.accounts.sessions import open_session

            user = db.session.scalar(db.select(User).where(User.username == "lead"))
            token = open_session(user, remember=False, now=now_utc()).token
            db.session.commit()
        session["_user_id"] = token
        session["_fresh"] = True

    def page(query):
        response = client.get(f"/rounds/{round_id}/consolidation/{query}")
        assert response.status_code == 200, response.status_code
        return len(response.data)

    def report(builder):
        data = gathering.report_data(db.session.get(Round, round_id), now=now_utc(),
                                       zone="Asia/Ho_Chi_Minh")
        return len(builder(data))

    actions = {
        "page": lambda: page(""),
        "search": lambda: page("?q=kinh+phi&state=open"),
        "deep": lambda: page("?page=200"),
        "docx": lambda: report(build_report_docx),
        "xlsx": lambda: report(lambda data: build_report_xlsx(data, ["x"], [])),
        "margin": lambda: len(gathering.margin_document(db.session.get(Round, round_id))[0]),
    }
    statements = []
    for _attempt in ("warm-up", "measured"):
        with app.app_context():
            statements.clear()
            listener = lambda *args: statements.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            started = time.perf_counter()
            size = actions[what]()
            seconds = time.perf_counter() - started
            event.remove(db.engine, "before_cursor_execute", listener)
            db.session.remove()
    print(f"{seconds:.3f} {len(statements)} {_peak_megabytes()} {size // 1024}")


def _peak_megabytes() -> int:
    """This process's own peak resident memory (VmHWM starts afresh at exec, whereas
    ru_maxrss carries the parent's peak over fork and exec)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) // 1024


def run(cluster, comments: int) -> dict:
    url = cluster.create_database(f"consolidation_{comments}")
    from commentflow import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    round_id = seed(app, 500, comments)
    print(f"{comments} comments, 500 agencies, 300 sections (each line: a fresh process):")
    times = {}
    for what, label in MEASURES.items():
        output = subprocess.run(
            [sys.executable, __file__, "--measure", url, str(round_id), what],
            check=True, capture_output=True, text=True).stdout.split()
        seconds, statements, peak, size = float(output[0]), *map(int, output[1:])
        times[what] = seconds
        print(f"  {label:<34} {seconds:7.2f} s  {statements:4d} SQL  peak {peak:5d} MB  "
              f"{size:6d} KiB")
    return times


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        measure_in_this_process(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    comments = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    cluster = ThrowawayCluster(find_pg_bin()).start()
    try:
        small = run(cluster, comments)
        large = run(cluster, 2 * comments)
        print("time ratio, doubled comments: " + ", ".join(
            f"{k} {large[k] / small[k]:.2f}" for k in small))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
