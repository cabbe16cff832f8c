"""Pure functions over DataFrames: figures per retailer and period, alerts, the budget planner
and opportunities. No Django here; money is in fen (int64)."""
