"""The exchange folder an operator wires to their e-office adapter: packages dropped in
`incoming/` are applied (then moved to `done/`, or to `refused/` with the reason beside them);
what is due to go out — requests to agencies reached through the exchange, the statuses and
replies of requests that came in — is written to `outgoing/`. Commits, like scheduler jobs;
safe with two schedulers (a file is claimed by renaming it; a package out once per key)."""
import logging
import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from commentflow.accounts.models import User
from commentflow.core.errors import DomainError
from commentflow.directory.models import Agency
from commentflow.exchange import edxml, services
from commentflow.exchange.models import Direction, ExchangeMessage, PackageKind
from commentflow.extensions import db
from commentflow.responses.services import assignment_of, registration_of, submitted_response
from commentflow.rounds.models import Round, RoundRecipient, RoundState

log = logging.getLogger(__name__)

STATUS_WORDS = {edxml.RECEIVED: "Đã đến", edxml.REGISTERED: "Đã vào sổ văn bản đến",
                edxml.ASSIGNED: "Đã giao xử lý", edxml.DONE: "Đã gửi văn bản trả lời"}


def import_and_commit(data: bytes, filename: str, *, now, zone: str,
                      agency_id: int | None = None) -> tuple[ExchangeMessage, bool]:
    """Apply the package and commit; or roll everything of it back and keep it, refused, with
    the reason. Returns (the message, whether it was applied)."""
    try:
        message = services.receive_package(data, filename, now=now, zone=zone,
                                           agency_id=agency_id)
        db.session.commit()
    except IntegrityError:  # the same package, applied meanwhile by another process
        db.session.rollback()
        return services.receive_package(data, filename, now=now, zone=zone,
                                        agency_id=agency_id), True
    except (edxml.PackageRefused, DomainError) as error:
        db.session.rollback()
        message = services.record_refusal(data, filename, services.refusal_reason(error),
                                          now=now)
        db.session.commit()
        return message, False
    return message, True


def _folders(base: Path) -> dict[str, Path]:
    folders = {name: base / name for name in ("incoming", "outgoing", "done", "refused")}
    folders["claimed"] = base / "incoming" / ".claimed"
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def receive_folder(base: Path, *, now, zone: str) -> dict:
    """Every package waiting in incoming/, oldest name first."""
    folders, counts = _folders(base), {"imported": 0, "refused": 0}
    limit = current_app.config["EXCHANGE_MAX_BYTES"] * 2 + 1_000_000
    for path in sorted(folders["incoming"].glob("*.*ml")):
        claimed = folders["claimed"] / f"{uuid.uuid4().hex}-{path.name}"
        try:
            path.rename(claimed)  # atomic: another scheduler that got here first wins
        except FileNotFoundError:
            continue
        data = claimed.read_bytes() if claimed.stat().st_size <= limit else b""
        try:
            message, applied = import_and_commit(data or b"<too-big/>", path.name, now=now,
                                                 zone=zone)
        except Exception:  # a fault of ours: the file is set aside, not left claimed forever
            log.exception("edXML package %s could not be applied", path.name)
            db.session.rollback()
            message, applied = services.record_refusal(
                data, path.name, "Lỗi máy chủ khi nhận gói tin; hãy báo quản trị hệ thống.",
                now=now), False
            db.session.commit()
        target = folders["done" if applied else "refused"] / path.name
        claimed.replace(target)
        if not applied:
            target.with_name(target.name + ".ly-do.txt").write_text(message.reason + "\n")
        counts["imported" if applied else "refused"] += 1
    return counts


# ---------------------------------------------------------------- going out


def _agencies_with_people() -> set[int]:
    """Agencies someone logs in for; the others are reached through the exchange."""
    return set(db.session.scalars(select(User.agency_id).where(
        User.is_active_account.is_(True), User.is_api_client.is_(False)).distinct()))


def _imported_round_ids() -> set[int]:
    return set(db.session.scalars(select(ExchangeMessage.round_id).where(
        ExchangeMessage.direction == Direction.INCOMING,
        ExchangeMessage.kind == PackageKind.REQUEST, ExchangeMessage.round_id.is_not(None))))


def _due(now, zone: str, imported: set[int]):
    """(kind, key, build, names) of every package that should have gone out and has not."""
    sent = set(db.session.scalars(select(ExchangeMessage.dedupe_key).where(
        ExchangeMessage.direction == Direction.OUTGOING)))
    people = _agencies_with_people()
    rounds = db.session.scalars(select(Round).join(Agency, Agency.id == Round.agency_id).where(
        Agency.edoc_code.is_not(None),
        or_(Round.state == RoundState.OPEN, Round.id.in_(imported or {0})))
        .options(selectinload(Round.recipients).joinedload(RoundRecipient.agency)))
    for round_ in rounds:
        for recipient in round_.recipients:
            if not recipient.agency.edoc_code:
                continue
            if round_.id in imported:
                if recipient.agency_id in people:
                    yield from _answers(recipient, sent, now, zone)
            elif f"out:request:{recipient.id}" not in sent and \
                    recipient.agency_id not in people:
                yield (PackageKind.REQUEST, f"out:request:{recipient.id}", recipient, None,
                       lambda r=round_, rr=recipient: services.request_package(r, [rr],
                                                                               zone=zone))


def _answers(recipient: RoundRecipient, sent: set[str], now, zone: str):
    """The statuses and the reply of an agency answering a request that came in."""
    done = [(edxml.RECEIVED, True), (edxml.REGISTERED, registration_of(recipient) is not None),
            (edxml.ASSIGNED, assignment_of(recipient) is not None)]
    response = submitted_response(recipient)
    for code, happened in done:
        key = f"out:status:{code}:{recipient.id}"
        if happened and key not in sent:
            yield (PackageKind.STATUS, key, recipient, code,
                   lambda c=code: services.status_package(recipient, c, STATUS_WORDS[c],
                                                          now=now, zone=zone))
    if response is not None and f"out:reply:{response.id}" not in sent:
        yield (PackageKind.REPLY, f"out:reply:{response.id}", recipient, response,
               lambda: services.reply_package(response))
    key = f"out:status:{edxml.DONE}:{recipient.id}"
    if response is not None and key not in sent:
        yield (PackageKind.STATUS, key, recipient, edxml.DONE,
               lambda: services.status_package(recipient, edxml.DONE, STATUS_WORDS[edxml.DONE],
                                               now=now, zone=zone))


def send_pending(base: Path, *, now, zone: str) -> dict:
    """Write what is due to outgoing/, one package at a time, each committed."""
    folders, counts = _folders(base), {"written": 0, "failed": 0}
    for kind, key, recipient, extra, build in list(_due(now, zone, _imported_round_ids())):
        try:
            data = build()
            message = services.exported(
                kind, key, data, f"{kind.value}.edxml", now=now, round_id=recipient.round_id,
                recipient_id=recipient.id, code=extra if kind is PackageKind.STATUS else None,
                response_id=extra.id if kind is PackageKind.REPLY else None)
            name = f"{kind.value}-{message.id}.edxml"
            temporary = folders["outgoing"] / f".{name}.tmp"
            temporary.write_bytes(data)
            temporary.replace(folders["outgoing"] / name)  # the adapter never sees half a file
            db.session.commit()
            counts["written"] += 1
        except IntegrityError:
            db.session.rollback()  # another scheduler wrote it first
        except DomainError as error:
            db.session.rollback()
            log.warning("edXML package %s not written: %s", key, error.message)
            counts["failed"] += 1
    return counts


def exchange_sweep(base: Path, *, now, zone: str) -> dict:
    return {**receive_folder(base, now=now, zone=zone), **send_pending(base, now=now, zone=zone)}
