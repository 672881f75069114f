"""The accessibility statement at /accessibility/ and its feedback form, which reaches the admins by email.

Feedback is not stored: it is mailed (by a Celery task enqueued on commit) to
settings.ACCESSIBILITY_FEEDBACK_EMAIL when set, otherwise to settings.ADMINS, otherwise to the
active superusers. Each visitor (signed-in person or IP address) may send a few messages an
hour; more are refused with a clear message and nothing typed is lost.
"""

from .tasks import SENT_MARK_SECONDS, accessibility_feedback_send, feedback_recipients
from .views import (
    FEEDBACK_LIMIT,
    FEEDBACK_WINDOW,
    STATEMENT_REVIEWED,
    FeedbackForm,
    _visitor_key,
    feedback_allowed,
    statement,
)

__all__ = [
    "FEEDBACK_LIMIT",
    "FEEDBACK_WINDOW",
    "SENT_MARK_SECONDS",
    "STATEMENT_REVIEWED",
    "FeedbackForm",
    "_visitor_key",
    "accessibility_feedback_send",
    "feedback_allowed",
    "feedback_recipients",
    "statement",
]
