"""Projects: one SQLite file per master (`NAME.tratteggio`) holding the mask, every intervention and
the view, saved incrementally; and recovery journals of the same format for unsaved work."""
