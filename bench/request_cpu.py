"""The app wrapped for benchmarks: CPU time and count of each kind of request (method and path,
numbers as N) in each gunicorn worker, written at the worker's exit as one JSON file in
$COMMENTFLOW_BENCH_CPU_DIR. Served as `gunicorn bench.request_cpu:app`; bench/deadline_rush.py
sums the files once gunicorn has stopped."""
import atexit
import json
import os
import re
import time
from collections import defaultdict
from pathlib import Path

from app import app as commentflow_app

_NUMBERS = re.compile(r"\d+")
_totals: dict[str, list] = defaultdict(lambda: [0, 0.0])


def _write() -> None:
    if _totals:
        folder = Path(os.environ["COMMENTFLOW_BENCH_CPU_DIR"])
        (folder / f"{os.getpid()}.json").write_text(json.dumps(_totals))


atexit.register(_write)


def app(environ, start_response):
    """The request, its whole body included, on this process's CPU clock (a sync worker
    serves one request at a time, so the clock is the request's)."""
    started = time.process_time()
    body = commentflow_app(environ, start_response)
    try:
        chunks = list(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    kind = environ["REQUEST_METHOD"] + " " + _NUMBERS.sub("N", environ.get("PATH_INFO", ""))
    total = _totals[kind]
    total[0] += 1
    total[1] += time.process_time() - started
    return chunks

