"""Benchmarks (run as scripts); the setup they share: a migrated throwaway database."""
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
