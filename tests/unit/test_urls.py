"""Addresses built once and varied per row match url_for's, whatever else they carry."""
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, url_for

from commentflow.web.urls import urls_by


def _same(url: str) -> tuple:
    """An address as a server reads it: path, its arguments (in any order), anchor."""
    parts = urlsplit(url)
    return parts.path, sorted(parse_qsl(parts.query)), parts.fragment


def test_each_varied_address_is_the_one_url_for_builds():
    app = Flask(__name__)
    app.add_url_rule("/rounds/<int:round_id>/c/<int:comment_id>", "comment", lambda **_: "")
    app.add_url_rule("/rounds/<int:round_id>/w", "workspace", lambda **_: "")
    with app.test_request_context():
        comments = urls_by("comment", "comment_id", [1, 42], round_id=7)
        assert comments == {n: url_for("comment", round_id=7, comment_id=n) for n in (1, 42)}
        # a search text holding the marker's digits, and Vietnamese, stay as typed
        args = {"q": "mục 987654321 kinh phí", "state": "open"}
        agencies = urls_by("workspace", "agency", [3, 5], round_id=7, **args)
        for n in (3, 5):
            assert _same(agencies[n]) == _same(url_for("workspace", round_id=7, agency=n,
                                                       **args))
        assert "987654321" in agencies[3]
        news = urls_by("workspace", "new", [9], anchor="new-{}", round_id=7)
        assert news[9] == url_for("workspace", round_id=7, new=9, _anchor="new-9")
        sections = urls_by("workspace", "section", ["general", "12"], round_id=7)
        assert sections["general"] == url_for("workspace", round_id=7, section="general")
