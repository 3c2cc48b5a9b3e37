"""Writing and reading audit events."""
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from commentflow.audit.labels import field_label, value_label
from commentflow.audit.models import AuditEvent
from commentflow.extensions import db


def _plain(value):
    if hasattr(value, "value"):  # enums
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def record_event(action, obj, *, actor, now, changes=None, label=None,
                 object_type: str | None = None,
                 private_to_agency_id: int | None = None) -> AuditEvent:
    """Record who did what to which object; `obj` may be None for an act on no single object
    (an import), named then by `object_type`. An event about an agency's internal work names
    that agency in `private_to_agency_id`: nobody outside it reads its details."""
    event = AuditEvent(
        occurred_at=now,
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type or type(obj).__name__,
        object_id=getattr(obj, "id", None),
        object_label=(label or getattr(obj, "name", None) or getattr(obj, "username", ""))[:255],
        changes={k: _plain(v) for k, v in changes.items()} if changes else None,
        private_to_agency_id=private_to_agency_id,
    )
    db.session.add(event)
    return event


def recent_events(*, action_prefix: str = "", page: int = 1, per_page: int = 50):
    """One page of the log, newest first, each event with its actor (loaded with the page,
    not one by one; the actors' roles are not needed to show their names)."""
    query = (select(AuditEvent).options(joinedload(AuditEvent.actor).lazyload("*"))
             .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))
    if action_prefix:
        query = query.where(AuditEvent.action.startswith(action_prefix))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def change_lines(event: AuditEvent, viewer) -> list[tuple[str, str]]:
    """(field, "before → after") lines for display; plain values for creations. The details
    of another agency's internal work are withheld."""
    if event.private_to_agency_id not in (None, viewer.agency_id):
        return [("", _("Nội dung nội bộ của đơn vị khác, không hiển thị."))]
    lines = []
    for key, value in (event.changes or {}).items():
        if isinstance(value, list) and len(value) == 2 and event.action.endswith(".updated"):
            lines.append((field_label(key), f"{_show(value[0])} → {_show(value[1])}"))
        else:
            lines.append((field_label(key), _show(value)))
    return lines


def _show(value) -> str:
    """A recorded value as a reader reads it: yes/no, lists, nested rules with their names."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {_show(v)}" for k, v in value.items()) or "∅"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "∅"
    return value_label(value) if isinstance(value, str) else str(value)
