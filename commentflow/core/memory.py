"""Giving a worker's memory back to the system once a large export has been sent."""
import ctypes
import ctypes.util
import gc
from functools import lru_cache

#: Set in a request's WSGI environ when its worker should be replaced once the response is
#: sent; deploy/gunicorn.conf.py's post_request hook reads it.
RETIRE_WORKER = "commentflow.retire_worker"


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def give_memory_back() -> None:
    """Free the export's objects now and hand the freed pages back to the system. Python
    and libxml2 keep freed memory in their heaps: a gunicorn worker stayed at 250–280 MB
    after one 20,000-comment report, until it was recycled."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)



def retire_worker_after(environ: dict) -> None:
    """Ask the app server to replace this worker once the response is sent: a large export
    leaves 30 MB or so of fragmented heap behind that no collection gives back, and a
    fresh worker starts at the size the others run at. Under gunicorn with
    deploy/gunicorn.conf.py the worker finishes this request and exits, and the master
    starts another at once; elsewhere (flask run, tests) nothing happens."""
    environ[RETIRE_WORKER] = True
