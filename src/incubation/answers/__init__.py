"""Answers: what contacts, leaders and engineers get back (receipts, progress, alerts)."""
