"""The deployed front for a benchmark: nginx with deploy/nginx.conf's writing lane (its `map`
copied as written) in front of two gunicorns on loopback — the pages' workers, niced as
deploy/systemd/commentflow-web.service says, and the lane's workers."""
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.postgres import _free_port

ROOT = Path(__file__).resolve().parents[1]
#: The lane's workers, as deploy/systemd/commentflow-writes.service starts them.
LANE_WORKERS = int(re.search(r"--workers (\d+)", (
    ROOT / "deploy/systemd/commentflow-writes.service").read_text()).group(1))

CONFIG = """worker_processes 1; daemon off; pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off; client_max_body_size 25m;
  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  upstream commentflow {{ server 127.0.0.1:{pages}; }}
  upstream commentflow_writes {{ server 127.0.0.1:{lane}; server 127.0.0.1:{pages} backup; }}
  {lane_rule}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://$commentflow_upstream; proxy_set_header Host $host;
                 proxy_read_timeout 120s; }}
  }}
}}
"""


def lane_rule() -> str:
    """The `map` of deploy/nginx.conf that picks the upstream of each request."""
    text = (ROOT / "deploy/nginx.conf").read_text()
    return re.search(r"^map .*?^}", text, re.M | re.S).group(0)


def pages_niceness() -> int:
    unit = (ROOT / "deploy/systemd/commentflow-web.service").read_text()
    found = re.search(r"^Nice=(-?\d+)", unit, re.M)
    return int(found.group(1)) if found else 0


@dataclass
class Front:
    base: str
    #: The processes whose CPU is the server's: the gunicorn masters (with their workers)
    #: and nginx's master (with its worker).
    masters: list[int]
    processes: list = field(default_factory=list)
    folder: str = ""

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            process.wait(timeout=20)
        shutil.rmtree(self.folder, ignore_errors=True)


def _renice(master: int, niceness: int) -> None:
    """The master and its workers (a worker forked later inherits the master's)."""
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                              text=True).stdout.split()
    for pid in [master, *map(int, children)]:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)


def start_front(env: dict, workers: int, module: str = "app:app") -> Front:
    """nginx → pages' gunicorn (`workers`, niced) and the lane's gunicorn; returns once nginx
    answers. nginx must be installed (scripts/install-bench-tools.sh)."""
    from bench.deadline_rush import start_gunicorn

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed: run scripts/install-bench-tools.sh "
                         "(or pass --direct to measure gunicorn alone).")
    front = Front(base="", masters=[], folder=tempfile.mkdtemp(prefix="bench-front-"))
    try:
        pages, pages_base = start_gunicorn(env, _free_port(), workers, module)
        front.processes.append(pages)
        _renice(pages.pid, pages_niceness())
        lane, _lane_base = start_gunicorn(env, _free_port(), LANE_WORKERS, module)
        front.processes.append(lane)
        port = _free_port()
        config = Path(front.folder) / "nginx.conf"
        config.write_text(CONFIG.format(folder=front.folder, pages=pages_base.rsplit(":", 1)[1],
                                        lane=_lane_base.rsplit(":", 1)[1], port=port,
                                        lane_rule=lane_rule()))
        server = subprocess.Popen([nginx, "-p", front.folder, "-c", str(config)])
        front.processes.append(server)
        front.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(front.base + "/healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        front.masters = [pages.pid, lane.pid, server.pid]
        return front
    except BaseException:
        front.stop()
        raise
