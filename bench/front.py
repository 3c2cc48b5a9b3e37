"""The deployed front for a benchmark: nginx with deploy/nginx.conf's writing lane
(tests/nginx.py) in front of two gunicorns on loopback — the pages' workers, niced as
deploy/systemd/commentflow-web.service says, and the lane's workers."""
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.nginx import ThrowawayNginx
from tests.postgres import _free_port

ROOT = Path(__file__).resolve().parents[1]
#: The lane's workers, as deploy/systemd/commentflow-writes.service starts them.
LANE_WORKERS = int(re.search(r"--workers (\d+)", (
    ROOT / "deploy/systemd/commentflow-writes.service").read_text()).group(1))

def pages_niceness() -> int:
    unit = (ROOT / "deploy/systemd/commentflow-web.service").read_text()
    found = re.search(r"^Nice=(-?\d+)", unit, re.M)
    return int(found.group(1)) if found else 0


@dataclass
class Front:
    base: str = ""
    #: The processes whose CPU is the server's: the gunicorn masters (with their workers)
    #: and nginx's master (with its worker).
    masters: list[int] = field(default_factory=list)
    gunicorns: list = field(default_factory=list)
    nginx: ThrowawayNginx | None = None

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for process in self.gunicorns:
            process.terminate()
        for process in self.gunicorns:
            process.wait(timeout=20)


def _renice(master: int, niceness: int) -> None:
    """The master and its workers (a worker forked later inherits the master's)."""
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                              text=True).stdout.split()
    for pid in [master, *map(int, children)]:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)


def start_front(env: dict, workers: int, module: str = "app:app") -> Front:
    """nginx → the pages' gunicorn (`workers`, niced) and the lane's gunicorn; returns once
    nginx answers. nginx must be installed (scripts/install-bench-tools.sh)."""
    from bench.deadline_rush import start_gunicorn

    front = Front()
    try:
        pages_port, lane_port = _free_port(), _free_port()
        pages, _base = start_gunicorn(env, pages_port, workers, module)
        front.gunicorns.append(pages)
        _renice(pages.pid, pages_niceness())
        lane, _base = start_gunicorn(env, lane_port, LANE_WORKERS, module)
        front.gunicorns.append(lane)
        try:
            front.nginx = ThrowawayNginx(pages_port, lane_port).start()
        except RuntimeError as error:
            raise SystemExit(f"{error} (or pass --direct to measure gunicorn alone)") from None
        front.base = front.nginx.base
        front.masters = [pages.pid, lane.pid, front.nginx.process.pid]
        return front
    except BaseException:
        front.stop()
        raise
