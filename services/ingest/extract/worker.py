"""The child process that extracts one document: `python -m services.ingest.extract.worker FORMAT`
reads the file from stdin and writes one JSON object to stdout, {"text": …} or {"error": …}.
It limits its own address space and CPU time first (`resource.setrlimit`), so a hostile or broken
file can exhaust only this process; the parent also kills it on a wall-clock timeout."""

from __future__ import annotations

import json
import resource
import sys

from .errors import ExtractionError

MAX_PDF_PAGES = 2_000


def extract(kind: str, data: bytes) -> str:
    from .cleanup import clean_lines

    if kind in ("hwp", "hwpx"):
        from .hancom import hancom_text

        return clean_lines(hancom_text(data).split("\n"))
    if kind == "docx":
        from .office import docx_text

        return clean_lines(docx_text(data).split("\n"))
    if kind == "pdf":
        from .pdf import pdf_text

        lines, _pages = pdf_text(data, max_pages=MAX_PDF_PAGES)
        return clean_lines(lines)
    raise ExtractionError(f"no extractor for {kind!r}")


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def main(argv: list[str]) -> int:
    kind, memory_bytes, cpu_seconds = argv[0], int(argv[1]), int(argv[2])
    _limit(memory_bytes, cpu_seconds)
    data = sys.stdin.buffer.read()
    try:
        result = {"text": extract(kind, data)}
    except ExtractionError as err:
        result = {"error": str(err)}
    except MemoryError:
        result = {"error": "extraction ran out of its memory bound; the file is too complex"}
    except RecursionError:
        result = {"error": "the document nests too deeply to read"}
    except Exception as err:  # a library's own error on a malformed file: report it, do not crash
        result = {"error": f"the {kind.upper()} file could not be read ({type(err).__name__}: {err})"[:500]}
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
