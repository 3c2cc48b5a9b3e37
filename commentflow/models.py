"""Imports every model module so the metadata (and Alembic) sees the whole schema."""
from commentflow.accounts.models import (  # noqa: F401
    ApiToken,
    LoginAttempt,
    User,
    UserRole,
    UserSession,
)
from commentflow.audit.models import AuditEvent  # noqa: F401
from commentflow.consolidation import revision  # noqa: F401  (its triggers join the schema)
from commentflow.consolidation.models import Disposition  # noqa: F401
from commentflow.directory.models import Agency, AgencyGroup, AgencyGroupMembership  # noqa: F401
from commentflow.drafts.comparisons import SectionPair, VersionComparison  # noqa: F401
from commentflow.drafts.models import Draft, DraftSection, DraftVersion  # noqa: F401
from commentflow.exchange.models import ExchangeMessage  # noqa: F401
from commentflow.notifications.models import (  # noqa: F401
    Notification,
    OutboxAttempt,
    OutboxMessage,
)
from commentflow.reminders.models import Reminder  # noqa: F401
from commentflow.responses.models import (  # noqa: F401
    Assignment,
    Comment,
    PreviousCommentAnswer,
    Registration,
    Response,
)
from commentflow.rounds.models import Round, RoundRecipient  # noqa: F401
from commentflow.signatures.models import SignatureCheck  # noqa: F401
from commentflow.storage.models import StoredFile  # noqa: F401
