"""Who may see and change drafts: the lead office's own staff and leaders."""
from commentflow.accounts.models import Role, User
from commentflow.drafts.models import Draft, DraftVersion


def can_create_drafts(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(Role.LEAD_STAFF)


def can_list_drafts(user: User | None) -> bool:
    """The lead office's staff and leaders keep drafts (the menu's "Dự thảo")."""
    return user is not None and user.is_active and (user.has_role(Role.LEAD_STAFF)
                                                    or user.has_role(Role.LEADER))


def can_view_draft(user: User | None, draft: Draft) -> bool:
    return can_list_drafts(user) and user.agency_id == draft.agency_id


def can_edit_draft(user: User | None, draft: Draft) -> bool:
    return can_create_drafts(user) and user.agency_id == draft.agency_id


def can_correct_sections(user: User | None, version: DraftVersion) -> bool:
    return can_edit_draft(user, version.draft) and not version.is_frozen
