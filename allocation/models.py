"""Allocation models arrive with the weekly allocation issue."""
