"""Satisfaction surveys (docs/domain.md §9)."""
