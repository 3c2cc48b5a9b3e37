"""Cross-cutting pieces shared by every domain package (database, time, text, errors)."""
