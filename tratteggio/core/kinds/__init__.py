"""Intervention kinds: each kind is one module owning its studio side, its record entry, its project
encoding and its replay (base.py says what a kind provides); registry.py knows them by name."""
