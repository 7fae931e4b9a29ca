"""Print the newest GLIBC symbol version any ELF file under a folder needs (the .deb's libc6 floor)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

VERSION = re.compile(rb"GLIBC_(2\.\d+)(?:\.\d+)?\x00")


def floor(folder: Path) -> str:
    newest = (2, 17)
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
            data = f.read()
        for found in VERSION.findall(data):
            major, minor = (int(x) for x in found.decode().split("."))
            newest = max(newest, (major, minor))
    return f"{newest[0]}.{newest[1]}"


if __name__ == "__main__":
    print(floor(Path(sys.argv[1])))
