"""The plain dictionaries the API's schemas dump: rounds, requests, answers and outlines."""
import json

from flask import current_app
from sqlalchemy import select

from commentflow.core.clock import configured_zone
from commentflow.core.paging import PageInfo
from commentflow.drafts.models import DraftSection
from commentflow.extensions import db
from commentflow.responses.tracker import STATE_LABELS
from commentflow.signatures.services import checks_of, describe


def agency(agency) -> dict:
    return {"id": agency.id, "name": agency.name, "code": agency.code,
            "edoc_code": agency.edoc_code}


def person(user) -> dict:
    return {"id": user.id, "username": user.username, "full_name": user.full_name,
            "position": user.position, "roles": sorted(role.value for role in user.roles)}


def page(items: list, info: PageInfo, total: int) -> dict:
    return {"items": items, "page": info.page, "pages": info.pages, "total": total}


def versions(round_) -> list[dict]:
    return [{"id": v.id, "draft_title": v.draft.title, "number": v.number}
            for v in round_.versions]


_SECTION_FIELDS = ("id", "version_id", "parent_id", "key", "number", "title", "text", "level",
                   "is_commentable")


def outline(round_):
    """The draft's sections as JSON, written here rather than by the schema: a draft has
    hundreds of sections of plain text and numbers, and marshmallow took half the call to
    write them (OutlineSchema still describes the answer in the OpenAPI document)."""
    rows = db.session.execute(
        select(*(getattr(DraftSection, name) for name in _SECTION_FIELDS))
        .where(DraftSection.version_id.in_([v.id for v in round_.versions] or [0]))
        .order_by(DraftSection.version_id, DraftSection.position))
    data = {"versions": versions(round_),
            "sections": [dict(zip(_SECTION_FIELDS, row, strict=True)) for row in rows]}
    return current_app.response_class(json.dumps(data, ensure_ascii=False),
                                      mimetype="application/json")


def comment(comment, keys: dict | None = None) -> dict:
    """keys: section id → key, when a caller has them for many comments at once."""
    key = keys.get(comment.section_id) if keys is not None else \
        (comment.section.key if comment.section else None)
    return {"id": comment.id, "section_id": comment.section_id, "section_key": key,
            "text": comment.text, "proposed_wording": comment.proposed_wording,
            "reason": comment.reason, "revision": comment.revision,
            "author": comment.author.full_name, "updated_at": comment.updated_at}


def signature(check) -> dict:
    return {"state": check.state if check else None,
            "label": describe(check, configured_zone()) if check else ""}


def response(response) -> dict | None:
    if response is None:
        return None
    check = checks_of([response.scan_file_id]).get(response.scan_file_id)
    comments = [c for c in response.comments if c.deleted_at is None]
    keys = dict(db.session.execute(select(DraftSection.id, DraftSection.key).where(
        DraftSection.id.in_({c.section_id for c in comments if c.section_id} or {0}))).all())
    return {"signature": signature(check), "id": response.id, "state": response.state.value,
            "kind": response.kind.value,
            "reply_number": response.reply_number, "reply_notation": response.reply_notation,
            "reply_date": response.reply_date, "submitted_at": response.submitted_at,
            "entered_by_lead": response.entered_by_lead,
            "comments": [comment(c, keys) for c in comments]}


def request_summary(recipient, state) -> dict:
    round_ = recipient.round
    return {"round_id": round_.id, "reference": round_.reference, "subject": round_.subject,
            "lead_agency": agency(round_.agency), "letter_date": round_.letter_date,
            "deadline_at": recipient.deadline_at, "state": state.value,
            "state_label": str(STATE_LABELS[state])}


def registration(registration) -> dict | None:
    if registration is None:
        return None
    return {"number": registration.number, "year": registration.year,
            "received_on": registration.received_on}


def assignment(assignment) -> dict | None:
    if assignment is None:
        return None
    return {"handler": person(assignment.handler),
            "coordinators": [person(u) for u in assignment.coordinators],
            "internal_due_on": assignment.internal_due_on,
            "instruction": assignment.instruction}


def recipient_row(row) -> dict:
    recipient = row.recipient
    return {"agency": agency(recipient.agency), "state": row.state.value,
            "state_label": str(STATE_LABELS[row.state]),
            "deemed_agreement": row.deemed_agreement, "deadline_at": recipient.deadline_at,
            "opened_at": recipient.opened_at,
            "response_id": row.response.id if row.response else None,
            "reply_reference": row.reply_reference, "reply_date": row.reply_date,
            "comment_count": row.comment_count, "signature": signature(row.signature)}


def round_summary(round_, recipient_count: int) -> dict:
    return {"id": round_.id, "reference": round_.reference, "subject": round_.subject,
            "state": round_.state.value, "letter_date": round_.letter_date,
            "deadline_at": round_.deadline_at, "recipient_count": recipient_count}
