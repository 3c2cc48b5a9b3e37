"""Benchmarks (run as scripts); what they share: a migrated throwaway database, the sample
round, the CPU time of a process tree."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def open_sample_round(lead, agency_ids: list[int], *, now, place: str = "An Giang"):
    """The sample draft plan, sent by the lead office to these agencies (deadline in 10 days);
    in the caller's app context, not committed."""
    from datetime import timedelta

    from commentflow.drafts.services import create_draft
    from commentflow.rounds.services import RoundData, create_round, open_round

    sample = ROOT / "tests/fixtures/samples/du-thao-ke-hoach-218-kien-giang.txt"
    draft = create_draft("Kế hoạch", sample.read_bytes(), sample.name, actor=lead, now=now,
                         max_bytes=10**7)
    round_ = create_round(RoundData(
        subject="V/v góp ý dự thảo", place=place, letter_date=now.date(),
        deadline_at=now + timedelta(days=10), signer_position="Giám đốc", signer_name="A",
        letter_number="2159", letter_notation="SYT-TCCB", version_ids=[draft.latest_version.id],
        agency_ids=agency_ids), actor=lead, now=now, zone="Asia/Ho_Chi_Minh")
    open_round(round_, actor=lead, now=now, zone="Asia/Ho_Chi_Minh")
    return round_


def migrated_database(cluster, name: str, **extra_env: str) -> tuple[str, dict]:
    """A new database on the throwaway cluster, upgraded by `flask db upgrade` as a deploy
    does; returns its URL and the environment the app servers run with."""
    import os

    url = cluster.create_database(name)
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", **extra_env)
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return url, env


def cpu_seconds(master: int) -> float:
    """User + system time of a gunicorn master, its live workers and its reaped ones."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid):
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    master_fields = fields(master)
    total = sum(int(master_fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                              text=True).stdout.split()
    for child in children:
        try:
            child_fields = fields(child)
        except FileNotFoundError:
            continue
        total += int(child_fields[11]) + int(child_fields[12])
    return total / tick
