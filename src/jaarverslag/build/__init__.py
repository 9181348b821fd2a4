"""Build engine: parameters, execution, cache, staging, book, PDF, publish, provenance.

It never imports chapters or models.
"""
