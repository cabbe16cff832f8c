"""Pure functions over DataFrames: value segments and churn risk (docs/domain.md §9). No Django
here; money is in fen."""
