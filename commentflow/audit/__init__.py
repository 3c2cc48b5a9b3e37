"""The audit log: who changed what, when, with before and after values."""
