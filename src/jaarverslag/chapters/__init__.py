"""Chapters layer: one module per book page, returning that page's values."""
