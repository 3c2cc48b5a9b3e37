"""Reminders that chase agencies which have not answered, sent exactly once each."""
