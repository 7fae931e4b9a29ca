"""`python -m tratteggio` is the same program as the `tratteggio` command."""

from tratteggio.cli import main

raise SystemExit(main())
