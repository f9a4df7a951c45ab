"""Compile the parser modules with mypyc into build/native/ (see services/ingest/parser/_accel.py).

Run by `make native`; needs a C compiler and the Python headers. The digest of the sources is written
last, so a failed build leaves the pure-Python parser in use."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mypyc.build import mypycify
from setuptools import setup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.ingest.parser import _accel  # noqa: E402


def main() -> None:
    sources = [str(path) for path in _accel.compiled_sources()]
    digest = _accel.source_digest()
    if _accel.DIGEST_FILE.exists() and _accel.DIGEST_FILE.read_text().strip() == digest:
        _accel.DIGEST_FILE.touch()  # sources touched but unchanged: nothing to compile
        return
    _accel.DIGEST_FILE.unlink(missing_ok=True)
    work = ROOT / "build" / "native-temp"
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(work)  # away from pyproject.toml: this setup() builds only the extensions
    setup(
        name="mtrack-native-parser",
        ext_modules=mypycify(sources, group_name="services.ingest.parser._compiled", opt_level="3"),
        script_args=[
            "--quiet",
            "build_ext",
            "--build-lib",
            str(_accel.NATIVE_ROOT),
            "--build-temp",
            str(work),
        ],
    )
    if _accel.source_digest() != digest:  # edited while compiling: the build may mix old and new code
        sys.exit("parser sources changed during the build: run `make native` again")
    _accel.DIGEST_FILE.write_text(digest + "\n")
    print(f"compiled {len(sources)} parser modules into {_accel.NATIVE_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
