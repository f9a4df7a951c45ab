"""Optional compiled parser: `make native` compiles the parser modules with mypyc into
`build/native/` (same output, about 1.3x faster). The package uses them only while they were
built from exactly the sources beside this file; otherwise, or with MTRACK_PURE_PARSER=1, the
pure-Python modules run. Not compiled itself."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
NATIVE_ROOT = PACKAGE_DIR.parents[2] / "build" / "native"
NATIVE_DIR = NATIVE_ROOT / "services" / "ingest" / "parser"
DIGEST_FILE = NATIVE_ROOT / "SOURCES"
NOT_COMPILED = ("__init__.py", "_accel.py")


def compiled_sources() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.glob("*.py") if p.name not in NOT_COMPILED)


def source_digest() -> str:
    digest = hashlib.sha256()
    for path in compiled_sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def native_dir() -> str | None:
    """The directory of compiled modules to search first, when they are current."""
    if os.environ.get("MTRACK_PURE_PARSER") == "1":
        return None
    try:
        current = DIGEST_FILE.read_text().strip() == source_digest()
    except OSError:
        return None
    return str(NATIVE_DIR) if current else None
