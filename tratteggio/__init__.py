"""Tratteggio: restore photographs of cultural artifacts and document every intervention."""

__version__ = "0.1.0"
