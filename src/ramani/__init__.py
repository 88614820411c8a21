"""Ramani: monitoring artisanal mining supply chains and conflict in eastern DR Congo."""

__version__ = "0.1.0"
