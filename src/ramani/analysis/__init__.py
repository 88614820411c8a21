"""Analyses: pure functions over rows that return figures with their definitions in words."""
