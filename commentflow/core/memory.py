"""Giving a worker's memory back to the system once a large export has been sent."""
import ctypes
import ctypes.util
import functools
import gc
from functools import lru_cache

#: Downloads at least this large were built from a large round: worth a collection.
LARGE_DOWNLOAD = 256 * 1024


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


def collection_paused(function):
    """Run a bulk read without the cyclic garbage collector: reading 20,000 comments into
    plain rows set off collections that walked every object of the worker, half of the
    gathering time. Rows and report lines make no reference cycles; what they leave is
    collected when the download has been sent (give_memory_back)."""
    @functools.wraps(function)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return paused
