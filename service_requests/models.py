"""Requests (docs/domain.md §9)."""
