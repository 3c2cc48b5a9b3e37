"""What pages and downloads *show*: an agency's unsent work never reaches anyone outside it.

Canary strings are planted in one agency's unsent work (comment text, proposed wording,
reason, the leader's return note, the assignment note, the internal due date), with every
user holding an e-mail address, so that internal mail is really queued. Then every GET route
is opened, with every id of the world, by the lead office, another recipient agency and an
administrator of another agency — while the round is open and again after it is closed,
consolidated and published — and no page or file (unzipped) may contain a canary.
"""
import io
import itertools
import re
import zipfile
from datetime import date, timedelta

import pytest

from commentflow.consolidation import services as consolidation
from commentflow.consolidation.models import DispositionKind
from commentflow.core.clock import now_utc
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.services import (
    CommentData,
    ReplyLetter,
    assign,
    register_request,
    return_response,
    save_comment,
    submit_response,
    working_response,
)
from commentflow.rounds.services import close_round
from tests.factories import ZONE, make_agency, make_round, make_user

CANARY = re.compile(r"CANARY-\w+|23/11/2031|2031-11-23|23-11-2031|tháng 11 năm 2031")
SECRET_DUE = date(2031, 11, 23)


def _team(agency, prefix):
    return {role: make_user(agency=agency, roles=(role,), email=f"{prefix}-{role.value}@x.vn")
            for role in (Role.CLERK, Role.LEADER, Role.STAFF)}


@pytest.fixture
def world(app):
    now = now_utc()
    lead_agency, silent, answering = make_agency(), make_agency(), make_agency()
    lead = {"staff": make_user(agency=lead_agency, roles=(Role.LEAD_STAFF,),
                               email="lead@x.vn"),
            "leader": make_user(agency=lead_agency, roles=(Role.LEADER,),
                                email="boss@x.vn")}
    a, b = _team(silent, "a"), _team(answering, "b")
    round_ = make_round(lead["staff"], [silent, answering], open_=True)
    rec_a, rec_b = round_.recipients
    section = next(s for s in round_.versions[0].sections if s.key == "I.1.a")
    # Agency A: registered, assigned with a note and a due date, drafting, sent back.
    register_request(rec_a, 12, now.date(), actor=a[Role.CLERK], now=now)
    assign(rec_a, a[Role.STAFF].id, [], SECRET_DUE, "CANARY-ASSIGN ghi chú giao việc",
           actor=a[Role.LEADER], now=now, zone=ZONE)
    drafting = working_response(rec_a, actor=a[Role.STAFF], now=now)
    unsent = save_comment(drafting, CommentData("CANARY-COMMENT nội dung chưa gửi", section.id,
                                                "CANARY-WORDING", "CANARY-REASON"),
                          actor=a[Role.STAFF], now=now)
    save_comment(drafting, CommentData("CANARY-GENERAL ý kiến chung"), actor=a[Role.STAFF],
                 now=now)
    return_response(drafting, "CANARY-RETURN sửa lại", actor=a[Role.LEADER], now=now)
    # Agency B answers for real, so that every page has something to show.
    register_request(rec_b, 3, now.date(), actor=b[Role.CLERK], now=now)
    assign(rec_b, b[Role.STAFF].id, [], None, "", actor=b[Role.LEADER], now=now, zone=ZONE)
    answer = working_response(rec_b, actor=b[Role.STAFF], now=now)
    sent = save_comment(answer, CommentData("Ý kiến đã gửi", section.id), actor=b[Role.STAFF],
                        now=now)
    submit_response(answer, ReplyLetter("45", "SNV-VP", now.date()), actor=b[Role.LEADER],
                    now=now)
    admin = make_user(agency=lead_agency, roles=(Role.ADMIN,), email="ad@x.vn")
    db.session.commit()
    return {"round": round_, "lead": lead, "a": a, "b": b, "now": now, "sent": [sent.id],
            "admin": admin,
            "ids": {"round_id": [round_.id], "response_id": [drafting.id, answer.id],
                    "recipient_id": [rec_a.id, rec_b.id], "comment_id": [unsent.id, sent.id],
                    "version_id": [v.id for v in round_.versions],
                    "draft_id": [v.draft_id for v in round_.versions], "number": [1],
                    "agency_id": [silent.id, answering.id], "user_id": [a[Role.STAFF].id],
                    "group_id": [], "notification_id": [], "filename": ["css/app.css"]}}


def _urls(app, ids):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "accounts.login":
            continue
        choices = [ids.get(name, []) for name in sorted(rule.arguments)]
        for values in itertools.product(*choices):
            url = rule.build(dict(zip(sorted(rule.arguments), values, strict=True)))[1]
            yield url
            if rule.endpoint in ("consolidation.workspace", "answers.tracker_page"):
                yield url + "?q=CANARY&state=all"
                for agency_id in ids["agency_id"]:
                    yield f"{url}?agency={agency_id}"


def _text_of(response) -> str:
    data = response.get_data()
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace")
                             for name in archive.namelist())
    return data.decode("utf-8", "replace")


def _leaks(app, client, ids) -> list[tuple[str, str]]:
    found = []
    opened = 0
    for url in _urls(app, ids):
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        match = CANARY.search(_text_of(response))
        if match:
            found.append((url, match.group(0)))
    assert opened > 10, "the crawl opened almost nothing: the world or the logins are wrong"
    return found


def _outsiders(world):
    return {"lead staff": world["lead"]["staff"], "lead leader": world["lead"]["leader"],
            "other agency's leader": world["b"][Role.LEADER],
            "other agency's staff": world["b"][Role.STAFF],
            "other agency's clerk": world["b"][Role.CLERK],
            "administrator of another agency": world["admin"]}


def _crawl_as_everyone(app, login_as, world) -> dict:
    leaks = {}
    for who, user in _outsiders(world).items():
        client = login_as(user, test_client=app.test_client())
        found = _leaks(app, client, world["ids"])
        if found:
            leaks[who] = found
    return leaks


def test_unsent_work_is_seen_by_nobody_outside_the_agency_while_the_round_is_open(
        app, login_as, world):
    assert _crawl_as_everyone(app, login_as, world) == {}


def test_unsent_work_stays_hidden_after_closing_consolidating_and_publishing(
        app, login_as, world):
    round_, now = world["round"], world["now"]
    staff, leader = world["lead"]["staff"], world["lead"]["leader"]
    close_round(round_, actor=staff, now=now + timedelta(minutes=1))
    consolidation.decide(round_, world["sent"], DispositionKind.ACCEPTED, "Tiếp thu.", actor=staff,
                         now=now)
    db.session.commit()
    assert _crawl_as_everyone(app, login_as, world) == {}
    consolidation.close_consolidation(round_, actor=leader, now=now, accept_open=True)
    consolidation.publish(round_, actor=leader, now=now)
    db.session.commit()
    assert _crawl_as_everyone(app, login_as, world) == {}


def test_the_agency_itself_sees_its_own_work(app, login_as, world):
    """The crawl would find the canaries where they belong: it is not blind."""
    round_id = world["round"].id
    client = login_as(world["a"][Role.STAFF], test_client=app.test_client())
    page = client.get(f"/inbox/{round_id}/draft").get_data(as_text=True)
    assert "CANARY-COMMENT" in page and "CANARY-RETURN" in page
