"""Benchmarks (run as scripts); the setup they share: a migrated throwaway database."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def migrated_database(cluster, name: str, **extra_env: str) -> tuple[str, dict]:
    """A new database on the throwaway cluster, upgraded by `flask db upgrade` as a deploy
    does; returns its URL and the environment the app servers run with."""
    import os

    url = cluster.create_database(name)
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", **extra_env)
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return url, env
