"""Drafts, their versions and the commentable sections each version is split into."""
