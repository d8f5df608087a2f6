"""Follow-up planning pages (being written)."""
