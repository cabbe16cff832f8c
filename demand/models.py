"""Demand reports (docs/domain.md §9)."""
