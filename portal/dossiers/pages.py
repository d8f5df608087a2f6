"""Dossier pages (being written)."""
