"""The studio's Qt-free model: the document (master, mask, interventions), mask editing, undo."""
