"""Everything a user reads is in their language: every page, as every role, in Vietnamese
and in English, open and after publication, is searched for the codes the program uses
inside (section keys, audit action codes, enum values, True/False/None) in its visible text.
(That every message has its English translation is tests/unit/test_translations.py.)"""
import enum
import re
from html.parser import HTMLParser

from commentflow.audit.labels import ACTIONS
from commentflow.consolidation import services as consolidation
from commentflow.consolidation.models import DispositionKind
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.rounds.services import close_round
from tests.web.test_unsent_work_privacy import _urls, world  # noqa: F401  (the fixture)

SECTION_KEYS = ("header", "title", "preamble", "closing")


def _enum_values() -> set[str]:
    """Every stored enum value written as a code (with an underscore), from every model."""
    values = set()
    for model in db.Model.registry.mappers:
        for column in model.columns:
            enum_class = getattr(column.type, "enum_class", None)
            if enum_class and issubclass(enum_class, enum.Enum):
                values |= {m.value for m in enum_class if "_" in str(m.value)}
    return values | {r.value for r in Role if "_" in r.value}


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _codes_pattern(english: bool = False) -> re.Pattern:
    """In English, "title" or "None" are words of the language; the codes remain codes."""
    plain = {"True", "False"} if english else {*SECTION_KEYS, "True", "False", "None"}
    words = sorted({*plain, *ACTIONS, *_enum_values()}, key=len, reverse=True)
    return re.compile(r"(?<![\w.@/-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w.@/-])")


def _crawl(app, login_as, users, ids, english: bool = False) -> dict:
    pattern, found = _codes_pattern(english), {}
    for who, user in users.items():
        client = login_as(user, test_client=app.test_client())
        for url in _urls(app, ids):
            if url.startswith("/api/"):
                continue  # the API reference is for programmers: its codes are its content
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            text = _visible(response.get_data(as_text=True))
            for match in pattern.finditer(text):
                found.setdefault(f"{who} {url}", set()).add(match.group(1))
            stored = url.startswith("/notifications/") or url.endswith("/reminders")
            for match in (_VIETNAMESE_FORMATS.finditer(text) if english and not stored
                          else ()):
                found.setdefault(f"{who} {url}", set()).add(match.group(0))
    return found


#: What the program writes around the user's data in Vietnamese (a deadline "trước 00:00 ngày
#: 14/12/2026"): in English it must be written in English. Notifications and the mail log
#: show messages as they were written when sent (these users read Vietnamese then).
_VIETNAMESE_FORMATS = re.compile(r"trước \d{2}:\d{2} ngày")


def _everyone(world):  # noqa: F811
    return {"lead staff": world["lead"]["staff"], "lead leader": world["lead"]["leader"],
            "agency staff": world["a"][Role.STAFF], "agency leader": world["a"][Role.LEADER],
            "agency clerk": world["a"][Role.CLERK], "administrator": world["admin"]}


def test_no_page_shows_an_internal_code(app, login_as, world):  # noqa: F811
    assert _crawl(app, login_as, _everyone(world), world["ids"]) == {}
    for user in _everyone(world).values():  # the same pages in English
        user.locale = "en"
    db.session.commit()
    assert _crawl(app, login_as, _everyone(world), world["ids"], english=True) == {}
    for user in _everyone(world).values():
        user.locale = None
    db.session.commit()
    staff, leader = world["lead"]["staff"], world["lead"]["leader"]
    close_round(world["round"], actor=staff, now=world["now"])
    consolidation.decide(world["round"], world["sent"], DispositionKind.NOT_ACCEPTED,
                         "Giữ nguyên.", actor=staff, now=world["now"])
    consolidation.close_consolidation(world["round"], actor=leader, now=world["now"],
                                      accept_open=True)
    consolidation.publish(world["round"], actor=leader, now=world["now"])
    db.session.commit()
    assert _crawl(app, login_as, _everyone(world), world["ids"]) == {}


def test_lazy_labels_printed_through_the_memoized_catalogue_follow_the_language(app):
    from flask_babel import force_locale
    from flask_babel import lazy_gettext as _l

    from commentflow.rounds.models import RoundState
    from commentflow.rounds.views import ROUND_STATE_LABELS
    from commentflow.web.i18n import label_text, translated

    with app.test_request_context("/"):
        assert label_text(ROUND_STATE_LABELS[RoundState.OPEN]) == "Đang lấy ý kiến"
        with force_locale("en"):
            assert label_text(ROUND_STATE_LABELS[RoundState.OPEN]) == \
                str(ROUND_STATE_LABELS[RoundState.OPEN]) != "Đang lấy ý kiến"
            assert translated({1: ROUND_STATE_LABELS[RoundState.CLOSED]})[1] == \
                str(ROUND_STATE_LABELS[RoundState.CLOSED])
        assert label_text(ROUND_STATE_LABELS[RoundState.OPEN]) == "Đang lấy ý kiến"
        # a label with variables is formatted as Flask-Babel does
        assert label_text(_l("%(n)d ý kiến", n=3)) == "3 ý kiến"
        assert label_text("chữ thường") == "chữ thường"
