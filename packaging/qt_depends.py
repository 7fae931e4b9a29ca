"""Print the .deb's Depends for the Qt runtime: the same list as the README and the doctor
(tratteggio.core.support.libcheck), so the three never disagree."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tratteggio.core.support.libcheck import DEBIAN, XCB_LIBRARIES  # noqa: E402

print(", ".join(dict.fromkeys(packages[DEBIAN] for packages in XCB_LIBRARIES.values())))
