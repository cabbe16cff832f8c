"""Customer value (docs/domain.md §9)."""
