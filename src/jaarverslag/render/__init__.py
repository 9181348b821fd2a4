"""Rendering layer: number formatting, tables, charts and every Dutch sentence helper."""
