"""Checks: the verdict on each file (GX suites, domain rules, workers)."""
