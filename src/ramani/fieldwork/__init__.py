"""Field research: settlements (for sampling frames) and field surveys."""
