"""The PySide6 studio. Only this package imports Qt."""
