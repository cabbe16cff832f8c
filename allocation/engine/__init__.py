"""Allocation maths: pure numpy, no Django."""
