"""A throwaway nginx on loopback with deploy/nginx.conf's writing lane: its `map` copied as
written, its two upstreams pointed at the ports given (for the tests and the benchmarks)."""
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.postgres import _free_port

ROOT = Path(__file__).resolve().parents[1]

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
    """The `map` of deploy/nginx.conf that picks each request's upstream."""
    text = (ROOT / "deploy/nginx.conf").read_text()
    return re.search(r"^map .*?^}", text, re.M | re.S).group(0)


class ThrowawayNginx:
    """nginx in a temporary folder, in front of the pages' port and the lane's port."""

    def __init__(self, pages_port: int, lane_port: int):
        self.pages_port, self.lane_port = pages_port, lane_port
        self.folder = Path(tempfile.mkdtemp(prefix="nginx-"))
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> "ThrowawayNginx":
        """Returns once nginx answers (any HTTP status: it is up)."""
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise RuntimeError("nginx is not installed: scripts/install-test-deps.sh installs "
                               "it (Debian package nginx-light).")
        config = self.folder / "nginx.conf"
        config.write_text(CONFIG.format(folder=self.folder, pages=self.pages_port,
                                        lane=self.lane_port, port=self.port,
                                        lane_rule=lane_rule()))
        self.process = subprocess.Popen([binary, "-p", str(self.folder), "-c", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
