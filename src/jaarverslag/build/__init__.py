"""Build engine: parameters, execution, cache, staging, book, PDF, publish, provenance; never imports chapters or models."""
