"""In-app notifications (and, later, the e-mail outbox)."""
