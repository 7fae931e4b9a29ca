"""Controllers: each drives a few widgets for one task (files, restoration runs, detection, aging)
through the session."""
