"""The roles a user may hold: the vocabulary every package checks permissions in."""
import enum


class Role(enum.Enum):
    ADMIN = "admin"  #: keeps the agency directory and the users
    LEAD_STAFF = "lead_staff"  #: staff of a lead office: creates comment rounds
    LEADER = "leader"  #: an agency's leader: assigns, approves, signs
    STAFF = "staff"  #: an agency's officer: drafts comments
    CLERK = "clerk"  #: văn thư: registers incoming requests, numbers outgoing letters
