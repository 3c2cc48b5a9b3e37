"""Pages of a comparison: two versions side by side with the comments behind each change,
the pairing corrected and confirmed, the comparison table and the redline downloaded."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.dates import local_today
from commentflow.core.roles import Role
from commentflow.drafts.permissions import can_edit_draft
from commentflow.drafts.redline import redline
from commentflow.drafts.services import get_draft, get_version
from commentflow.exports.comparison import (
    ComparedSection,
    ComparisonData,
    build_comparison_docx,
)
from commentflow.revisions import services
from commentflow.revisions.forms import PairForm
from commentflow.storage.services import DOCX, download_response
from commentflow.web.auth import roles_required
from commentflow.web.forms import ActionForm, run_action

bp = Blueprint("revisions", __name__,
               url_prefix="/drafts/<int:draft_id>/compare/<int:old>/<int:new>")
lead_office = roles_required(Role.LEAD_STAFF, Role.LEADER)


def _comparison(draft_id: int, old: int, new: int):
    draft = get_draft(draft_id, viewer=current_user)
    result = run_action(lambda: services.comparison_for(
        get_version(draft, old), get_version(draft, new), actor=current_user, now=now_utc()))
    if result is None:
        abort(404)
    return draft, result


@bp.route("/")
@lead_office
def show(draft_id: int, old: int, new: int):
    draft, comparison = _comparison(draft_id, old, new)
    rows = services.comparison_rows(comparison)
    only_changes = request.args.get("changes") == "1"
    shown = [row for row in rows if row.changed or not only_changes]
    editable = can_edit_draft(current_user, draft) and comparison.confirmed_at is None
    old_choices = [("", _("— (mục mới)"))] + [
        (str(s.id), f"{s.shown_key} {s.title[:60]}".strip())
        for s in comparison.old_version.sections]
    return render_template("revisions/show.html", draft=draft, comparison=comparison,
                           rows=shown, all_rows=rows, only_changes=only_changes,
                           editable=editable, old_choices=old_choices, pair_form=PairForm(),
                           confirm_form=ActionForm(),
                           changed=[row.anchor for row in rows if row.changed])


@bp.route("/pairs/<int:new_section_id>", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def pair(draft_id: int, old: int, new: int, new_section_id: int):
    _draft, comparison = _comparison(draft_id, old, new)
    form = PairForm()
    chosen = form.old_section_id.data
    run_action(lambda: services.repair(comparison, new_section_id,
                                       int(chosen) if chosen else None,
                                       actor=current_user, now=now_utc()),
               _("Đã sửa cách ghép mục."), form=form)
    return redirect(url_for(".show", draft_id=draft_id, old=old, new=new))


@bp.route("/confirm", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def confirm(draft_id: int, old: int, new: int):
    _draft, comparison = _comparison(draft_id, old, new)
    run_action(lambda: services.confirm(comparison, actor=current_user, now=now_utc()),
               _("Đã xác nhận cách ghép mục giữa hai phiên bản."), form=ActionForm())
    return redirect(url_for(".show", draft_id=draft_id, old=old, new=new))


@bp.route("/redline.docx")
@lead_office
def redline_docx(draft_id: int, old: int, new: int):
    draft, comparison = _comparison(draft_id, old, new)
    data = redline(services.pairs_for_redline(comparison),
                   title=f"{draft.title} (dự thảo lần {new})",
                   author=current_user.agency.name, when=now_utc())
    return download_response(data, f"du-thao-lan-{new}-theo-doi-thay-doi.docx", DOCX)


@bp.route("/comparison.docx")
@lead_office
def comparison_docx(draft_id: int, old: int, new: int):
    draft, comparison = _comparison(draft_id, old, new)
    agency = draft.agency
    rows = [ComparedSection(
        section=(row.pair.new_section or row.pair.old_section).citation or
        (row.pair.new_section or row.pair.old_section).shown_key,
        old_text="\n".join(row.old_lines), new_text="\n".join(row.new_lines), change=row.label,
        comments=[f"{c.agency}: {c.text}" + (f" — {c.disposition}: {c.explanation}"
                                              if c.disposition else "") for c in row.comments])
        for row in services.comparison_rows(comparison) if row.changed]
    data = ComparisonData(parent_name=agency.parent.name if agency.parent else "",
                          issuer_name=agency.name, draft_title=draft.title, old_number=old,
                          new_number=new, place=services.usual_place(agency.id),
                          day=local_today(now_utc(), configured_zone()), rows=rows)
    return download_response(build_comparison_docx(data),
                             f"ban-so-sanh-lan-{old}-lan-{new}.docx", DOCX)
