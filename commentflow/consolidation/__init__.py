"""Consolidation: a disposition for every comment, grouping, approval, closing, publishing."""
