"""Uploaded files, kept in the database so every app server sees the same files."""
