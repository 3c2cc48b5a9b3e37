"""A circulated draft's sections rendered once per process and language; others each time."""
from flask_babel import force_locale

from commentflow.core.roles import Role
from commentflow.drafts import shown
from commentflow.drafts.shown import shown_sections
from commentflow.extensions import db
from tests.factories import make_agency, make_draft, make_round, make_user
from tests.statements import recorded_statements


def _statements(work):
    with recorded_statements() as seen:
        result = work()
    return result, seen


def test_a_circulated_version_is_rendered_once_per_language(app):
    round_ = make_round(make_user(roles=(Role.LEAD_STAFF,)), [make_agency()], open_=True)
    version = round_.versions[0]
    db.session.commit()
    with app.test_request_context("/"):
        first, statements = _statements(lambda: shown_sections(version))
        assert any("draft_sections" in s for s in statements)
        db.session.expire_all()  # as on the next request: nothing loaded
        again, statements = _statements(lambda: shown_sections(version))
        assert again is first and not any("draft_sections" in s for s in statements)
        rows = version.sections
        assert [s.key for s in first] == [r.key for r in rows]
        assert [s.is_commentable for s in first] == [r.is_commentable for r in rows]
        section = next(s for s in first if s.key == "III.2.a")
        assert section.anchor == "s-III.2.a" and 'id="s-III.2.a"' in section.html
        assert "Liên kết tới mục này" in section.html
        with force_locale("en"):
            english = shown_sections(version)
        assert english is not first
        assert "Link to this section" in next(s for s in english if s.key == "III.2.a").html


def test_a_version_not_yet_circulated_is_read_each_time(app):
    version = make_draft(make_user(roles=(Role.LEAD_STAFF,))).latest_version
    db.session.commit()
    with app.test_request_context("/"):
        first = shown_sections(version)
    version.sections[0].text = "Đoạn đã sửa khi chia lại mục."
    db.session.commit()
    with app.test_request_context("/"):
        again = shown_sections(version)
    assert again is not first and "Đoạn đã sửa khi chia lại mục." in again[0].html


def test_what_a_process_keeps_is_bounded(app, monkeypatch):
    kept = shown._Kept(max_chars=10)
    monkeypatch.setattr(shown, "_kept", kept)
    a, b = (shown.ShownSection(n, "k", "s-k", 1, True, "k", shown.Markup("x" * 6))
            for n in (1, 2))
    kept.put("a", (a,))
    kept.put("b", (b,))  # 12 characters: the older one goes
    assert kept.get("a") is None and kept.get("b") == (b,) and kept.chars == 6
    kept.put("huge", (shown.ShownSection(3, "k", "s-k", 1, True, "k",
                                         shown.Markup("x" * 11)),))
    assert kept.get("huge") is None and kept.get("b") == (b,)
