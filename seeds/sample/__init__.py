"""Deterministic generator of the offline demo corpus (synthetic sample data, not real articles)."""
