"""A large export gives the worker's memory back once it has been sent (issue 18)."""
from werkzeug.test import create_environ

from commentflow.core.memory import RETIRE_WORKER
from commentflow.storage import services as storage


def _send(response) -> bytes:
    """Serve a response as a WSGI server does: iterate its body, then close it."""
    iterable = response(create_environ("/"), lambda *_args: None)
    try:
        return b"".join(iterable)
    finally:
        if hasattr(iterable, "close"):
            iterable.close()


def test_memory_is_given_back_after_a_large_download_not_a_small_one(app, monkeypatch):
    given_back = []
    monkeypatch.setattr(storage, "give_memory_back", lambda: given_back.append(True))
    large = b"PK" + b"x" * app.config["LARGE_DOWNLOAD_BYTES"]
    with app.test_request_context("/"):
        small_response = storage.download_response(b"PK small", "nho.docx")
    with app.test_request_context("/") as built:
        large_response = storage.download_response(large, "bao-cao.docx")
    with app.test_request_context("/") as stored:
        stored_response = storage.download_response(large, "du-thao.docx", built=False)
    assert _send(small_response) == b"PK small" and given_back == []
    # The whole file still goes out, and only then is the memory handed back.
    assert _send(large_response) == large and given_back == [True]
    assert large_response.headers["Cache-Control"] == "no-store"
    # A file this request built asks for its worker to be replaced; a stored one (a draft
    # as uploaded) only gives its memory back.
    assert built.request.environ.get(RETIRE_WORKER) is True
    assert _send(stored_response) == large and given_back == [True, True]
    assert RETIRE_WORKER not in stored.request.environ
