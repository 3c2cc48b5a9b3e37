"""Use cases for drafts: upload a draft or a new version, read it, correct its split."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from commentflow.audit.services import record_event
from commentflow.core.db import counts_by
from commentflow.core.errors import NotFound, PermissionDenied, ValidationFailed
from commentflow.core.text import normalize
from commentflow.drafts.models import Draft, DraftPage, DraftSection, DraftVersion
from commentflow.drafts.parsing import (
    UNNUMBERED_KEYS,
    Section,
    assign_keys,
    citation,
    parse_blocks,
    recognise,
    tree_from_levels,
    walk,
)
from commentflow.drafts.permissions import (
    can_correct_sections,
    can_create_drafts,
    can_edit_draft,
    can_view_draft,
)
from commentflow.drafts.reading import Limits, Reading, place_on_pages, read_document
from commentflow.extensions import db
from commentflow.storage.services import store_file


def outline_of(reading: Reading) -> list[Section]:
    """The section tree of what was read; refuses a file with nothing to comment on."""
    top = parse_blocks(reading.blocks)
    if not any(s.commentable and (s.text or s.title) for s in walk(top)):
        raise ValidationFailed(_("Không tìm thấy nội dung nào để góp ý trong tệp."))
    if reading.recognised:
        place_on_pages(top, reading.blocks)
    return top


def create_draft(title: str, data: bytes, filename: str, *, actor, now,
                 max_bytes: int, limits: Limits | None = None) -> Draft:
    """A new draft owned by the actor's agency, with the file as version 1 (read here, in
    whatever format; the web pages hand slow formats to drafts.imports instead)."""
    if not can_create_drafts(actor):
        raise PermissionDenied(_("Chỉ chuyên viên cơ quan chủ trì được tạo dự thảo."))
    reading = read_document(data, filename, max_bytes=max_bytes, limits=limits)
    top = outline_of(reading)  # refuse before anything is stored
    stored = store_file(data, filename, uploaded_by=actor, now=now)
    return draft_from(title, top, reading, stored, actor=actor, now=now)


def draft_from(title: str, top: list[Section], reading: Reading, stored, *, actor,
               now) -> Draft:
    """The draft and its version 1 from a file already read and stored."""
    title = normalize(title) or _title_from(top) or normalize(stored.filename)
    draft = Draft(agency_id=actor.agency_id, title=title[:500], created_by_id=actor.id,
                  created_at=now, updated_at=now)
    db.session.add(draft)
    db.session.flush()
    _new_version(draft, top, reading, stored, actor=actor, now=now)
    record_event("draft.created", draft, actor=actor, now=now, label=draft.title,
                 changes={"file": stored.filename})
    return draft


def add_version(draft: Draft, data: bytes, filename: str, *, actor, now,
                max_bytes: int, limits: Limits | None = None) -> DraftVersion:
    if not can_edit_draft(actor, draft):
        raise PermissionDenied(_("Bạn không được sửa dự thảo này."))
    reading = read_document(data, filename, max_bytes=max_bytes, limits=limits)
    top = outline_of(reading)
    stored = store_file(data, filename, uploaded_by=actor, now=now)
    return version_from(draft, top, reading, stored, actor=actor, now=now)


def version_from(draft: Draft, top: list[Section], reading: Reading, stored, *, actor,
                 now) -> DraftVersion:
    """A new version of the draft from a file already read and stored."""
    version = _new_version(draft, top, reading, stored, actor=actor, now=now)
    draft.updated_at = now
    record_event("draft.version_added", draft, actor=actor, now=now, label=draft.title,
                 changes={"version": version.number, "file": stored.filename})
    return version


def _title_from(top: list[Section]) -> str:
    return next((s.title for s in top if s.kind == "title"), "")


def _new_version(draft, top, reading: Reading, stored, *, actor, now) -> DraftVersion:
    number = (db.session.scalar(select(func.max(DraftVersion.number))
                                .where(DraftVersion.draft_id == draft.id)) or 0) + 1
    version = DraftVersion(draft=draft, number=number, file_id=stored.id,
                           uploaded_by_id=actor.id, created_at=now,
                           source_format=reading.kind, reading_notes="\n".join(reading.notes),
                           needs_review=reading.recognised)
    db.session.add(version)
    db.session.flush()
    for index, image in enumerate(reading.page_images, start=1):
        page = store_file(image, f"{draft.id}-{number}-trang-{index}.png", uploaded_by=actor,
                          now=now)
        db.session.add(DraftPage(version=version, number=index, file_id=page.id))
    _store_sections(version, top)
    return version


def _store_sections(version: DraftVersion, top: list[Section]) -> None:
    position = 0

    def visit(sections, parent_row, path):
        nonlocal position
        for section in sections:
            row = DraftSection(version=version, parent=parent_row, key=section.key,
                               number=section.number, title=section.title, text=section.text,
                               kind=section.kind, level=section.level, position=position,
                               is_commentable=section.commentable,
                               fields=section.fields or None, page=section.page,
                               citation=citation(path + [section])[:255])
            db.session.add(row)
            position += 1
            visit(section.children, row, path + [section])

    visit(top, None, [])
    db.session.flush()


# ---------------------------------------------------------------- reading


def get_draft(draft_id: int, *, viewer) -> Draft:
    """The draft if this user may see it; other agencies' drafts do not exist for them."""

    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.archived_at is not None or not can_view_draft(viewer, draft):
        raise NotFound(_("Không tìm thấy dự thảo."))
    return draft


def get_version(draft: Draft, number: int) -> DraftVersion:
    version = next((v for v in draft.versions if v.number == number), None)
    if version is None:
        raise NotFound(_("Không tìm thấy phiên bản dự thảo."))
    return version


def agency_drafts_page(agency_id: int, page: int, per_page: int):
    """One page of the lead office's drafts, the latest updated first (a Flask-SQLAlchemy
    Pagination) with who uploaded each, and how many versions each has."""
    pagination = db.paginate(
        select(Draft).where(Draft.agency_id == agency_id, Draft.archived_at.is_(None))
        .options(joinedload(Draft.created_by)).order_by(Draft.updated_at.desc(), Draft.id.desc()),
        page=page, per_page=per_page, error_out=False)
    return pagination, counts_by(db.session, DraftVersion.draft_id,
                                 [draft.id for draft in pagination.items])


def agency_drafts(agency_id: int) -> list[Draft]:
    return list(db.session.scalars(
        select(Draft).where(Draft.agency_id == agency_id, Draft.archived_at.is_(None))
        .order_by(Draft.updated_at.desc())))


@dataclass
class SectionView:
    """A section as a page shows it: its paragraphs and its place in the tree."""

    row: DraftSection
    paragraphs: list[str]
    heading: str

    @property
    def anchor(self) -> str:
        return "s-" + self.row.key

    @property
    def label(self) -> str:
        """What the outline shows: number and title, else the start of the text."""
        words = self.row.title or (self.paragraphs[0] if self.paragraphs else "")
        label = " ".join(part for part in (self.row.number, words) if part) or self.row.shown_key
        return label if len(label) <= 80 else label[:80].rsplit(" ", 1)[0] + "…"


def document(version: DraftVersion) -> list[SectionView]:
    views = []
    for row in version.sections:
        heading = " ".join(part for part in (row.number, row.title) if part)
        views.append(SectionView(row, [p for p in row.text.split("\n") if p], heading))
    return views


# ---------------------------------------------------------------- correcting the split


def _check_correctable(section: DraftSection, actor) -> DraftVersion:
    version = section.version
    if not can_correct_sections(actor, version):
        if version.is_frozen:
            raise ValidationFailed(_("Phiên bản này đã được gửi lấy ý kiến; không sửa được "
                                     "cách chia mục nữa."))
        raise PermissionDenied(_("Bạn không được sửa dự thảo này."))
    return version


def merge_with_previous(section: DraftSection, *, actor, now) -> DraftSection:
    """Fold this section (its number, title and text) into the one before it."""
    version = _check_correctable(section, actor)
    rows = list(version.sections)
    index = rows.index(section)
    if index == 0:
        raise ValidationFailed(_("Mục đầu tiên không có mục nào phía trên để gộp vào."))
    previous = rows[index - 1]
    own = " ".join(p for p in (section.number, section.title) if p)
    previous.text = "\n".join(p for p in (previous.text, own, section.text) if p)
    for child in rows:
        if child.parent_id == section.id:
            child.parent = previous
    db.session.delete(section)
    db.session.flush()
    _reindex(version, [r for r in rows if r is not section])
    record_event("draft.sections_merged", version.draft, actor=actor, now=now,
                 label=version.draft.title, changes={"merged": own or section.key,
                                                     "into": previous.key})
    return previous


def split_section(section: DraftSection, paragraph: int, *, actor, now) -> DraftSection:
    """Cut the section's text before paragraph N (1-based); the rest becomes a new section."""
    version = _check_correctable(section, actor)
    paragraphs = [p for p in section.text.split("\n") if p]
    if not 1 <= paragraph <= len(paragraphs):
        raise ValidationFailed(_("Hãy chọn đoạn văn để tách thành mục mới."))
    head, tail = paragraphs[:paragraph - 1], paragraphs[paragraph - 1:]
    if not head and not (section.number or section.title):
        raise ValidationFailed(_("Không thể tách ở đoạn đầu tiên của mục không có tiêu đề."))
    found = recognise(tail[0])
    number, title, first = "", "", tail[0]
    if found:
        number, rest = found[2], found[4]
        title, first = ("", rest) if rest.endswith((".", ";")) else (rest.rstrip(":"), "")
    rows = list(version.sections)
    new = DraftSection(version=version, key=f"~new{section.id}", number=number, title=title,
                       text="\n".join([first] + tail[1:] if first else tail[1:]),
                       kind=found[0] if found else section.kind, level=section.level,
                       position=section.position, is_commentable=section.is_commentable)
    section.text = "\n".join(head)
    db.session.add(new)
    rows.insert(rows.index(section) + 1, new)
    db.session.flush()
    _reindex(version, rows)
    record_event("draft.section_split", version.draft, actor=actor, now=now,
                 label=version.draft.title, changes={"section": section.key, "new": new.key})
    return new


def shift_level(section: DraftSection, delta: int, *, actor, now) -> DraftSection:
    """Move the section (with everything under it) one level deeper (+1) or higher (-1)."""
    version = _check_correctable(section, actor)
    rows = list(version.sections)
    index = rows.index(section)
    new_level = section.level + delta
    ceiling = rows[index - 1].level + 1 if index else 1
    if new_level < 1 or new_level > ceiling:
        raise ValidationFailed(_("Không thể chuyển mục này sang cấp đó."))
    end = index + 1
    while end < len(rows) and rows[end].level > section.level:
        end += 1
    for row in rows[index:end]:
        row.level += delta
    _reindex(version, rows)
    record_event("draft.section_level_changed", version.draft, actor=actor, now=now,
                 label=version.draft.title, changes={"section": section.key,
                                                     "level": new_level})
    return section


def _reindex(version: DraftVersion, rows: list[DraftSection]) -> None:
    """Recompute parents, levels, keys, citations and positions from order and levels."""
    nodes = [Section(r.key, r.number, r.title, r.text, r.kind, r.is_commentable,
                     r.fields or {}, level=r.level) for r in rows]
    by_node = dict(zip(map(id, nodes), rows, strict=True))
    top = tree_from_levels(nodes)
    assign_keys(top)
    for row in rows:  # temporary keys first: the unique (version, key) must hold at each flush
        row.key = f"~{row.id or 'n'}-{row.position}-{id(row)}"
    db.session.flush()

    def visit(sections, parent, path):
        for node in sections:
            row = by_node[id(node)]
            row.parent = by_node[id(parent)] if parent else None
            row.key, row.level = node.key, node.level
            row.citation = citation(path + [node])[:255]
            visit(node.children, node, path + [node])

    visit(top, None, [])
    for position, row in enumerate(rows):
        row.position = position
    db.session.flush()
    db.session.expire(version, ["sections"])


# ---------------------------------------------------------------- checking recognised text


def _check_reviewable(version: DraftVersion, actor) -> None:
    if not can_correct_sections(actor, version):
        raise PermissionDenied(_("Bạn không được sửa dự thảo này."))
    if not version.needs_review:
        raise ValidationFailed(_("Phiên bản này không được nhận dạng từ bản quét."))


def correct_recognised_section(section: DraftSection, *, number: str, title: str, text: str,
                               actor, now) -> DraftSection:
    """Put right what OCR misread in one section: its number, title and text."""
    version = section.version
    _check_reviewable(version, actor)
    number, title = normalize(number)[:60], normalize(title)
    text = "\n".join(line for line in (normalize(p) for p in (text or "").split("\n")) if line)
    if number and section.kind in UNNUMBERED_KEYS:
        raise ValidationFailed(_("Phần này của văn bản không có số."))
    if not (number or title or text):
        raise ValidationFailed(_("Mục phải có số, tiêu đề hoặc nội dung; muốn bỏ mục thì gộp "
                                 "nó vào mục trên."))
    changed = {name: value for name, value in (("number", number), ("title", title),
                                               ("text", text))
               if getattr(section, name) != value}
    if not changed:
        return section
    section.number, section.title, section.text = number, title, text
    db.session.flush()
    if "number" in changed:  # keys and citations follow the number as written
        _reindex(version, list(version.sections))
    record_event("draft.recognised_text_corrected", version.draft, actor=actor, now=now,
                 label=version.draft.title, changes={"section": section.key,
                                                     "fields": sorted(changed)})
    return section


def confirm_review(version: DraftVersion, *, actor, now) -> DraftVersion:
    """The officer has checked the recognised text against the pages: it may be circulated."""
    _check_reviewable(version, actor)
    version.reviewed_at, version.reviewed_by_id = now, actor.id
    record_event("draft.recognised_text_confirmed", version.draft, actor=actor, now=now,
                 label=version.draft.title, changes={"version": version.number})
    return version


def page_image(version: DraftVersion, number: int):
    page = next((p for p in version.pages if p.number == number), None)
    if page is None:
        raise NotFound(_("Không tìm thấy trang."))
    return page.file


def section_tree(version: DraftVersion) -> list[Section]:
    """The version's stored sections as the parser's tree (for finding one by citation)."""
    nodes = {row.id: Section(row.key, row.number, row.title, row.text, row.kind,
                             row.is_commentable, row.fields or {}, level=row.level)
             for row in version.sections}
    top = []
    for row in version.sections:
        parent = nodes.get(row.parent_id)
        (parent.children if parent is not None else top).append(nodes[row.id])
    return top
