"""The frozen programs' entry point: one script, two executables sharing one folder.

`tratteggio` is the command line (console); `tratteggio-studio` is the studio (windowed on Windows
and macOS). Which one runs is decided by the executable's own name, as the console scripts do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tratteggio.cli import main, studio_main

if __name__ == "__main__":
    if sys.argv[1:2] == ["--diffusion-worker"]:  # the studio's worker (core/engines/worker.py)
        from tratteggio.core.engines.worker_server import main as worker_main

        raise SystemExit(worker_main(sys.argv[2:]))
    program = Path(sys.executable).stem.lower()
    raise SystemExit(studio_main() if program.endswith("studio") else main())
