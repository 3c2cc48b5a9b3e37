"""gunicorn settings for commentflow's web workers: `gunicorn -c deploy/gunicorn.conf.py app:app`
(bind address and worker count are given on the command line of each machine)."""

# The key commentflow.core.memory.RETIRE_WORKER sets (this file is read before the app).
RETIRE_WORKER = "commentflow.retire_worker"

timeout = 120
# The app is loaded once in the master and each worker is a fork of it: a worker replaced
# (below) starts in milliseconds instead of importing the app again (a second or two of
# CPU). Nothing in the app connects to the database at import; post_fork makes sure no
# connection is ever shared. A new release therefore needs a restart, not a HUP.
preload_app = True
# A worker is replaced after about ten thousand requests, jittered so that they do not all
# restart together: a net for slow leaks only, since a worker that sent a large export is
# replaced at once (post_request). Replaced every thousand, a busy worker restarted every
# few seconds, each time with a new database connection, a new listener for its session copy
# and that copy empty: `/csrf-token` served 0.26-0.28 of hello against 0.31-0.32, the
# autosave 0.070 against 0.078 (bench/pages.py, docs/performance.md).
max_requests = 10000
max_requests_jitter = 1000


def post_fork(_server, _worker):
    """Connections are per process: drop any the master's pool might hold (without closing
    them under the master's feet)."""
    from app import app  # noqa: PLC0415 (already imported: the app is preloaded)
    from commentflow.extensions import db  # noqa: PLC0415

    with app.app_context():
        db.engine.dispose(close=False)


def post_request(worker, _req, environ, _resp):
    """A worker that has just sent a large export finishes and exits; the master forks a
    fresh one at once. The export's heap (30 MB or so that glibc and libxml2 keep,
    fragmented) leaves with it instead of staying until the worker's periodic replacement."""
    if environ.get(RETIRE_WORKER):
        worker.log.info("Replacing the worker after a large export.")
        worker.alive = False
