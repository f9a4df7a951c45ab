"""Plan documents in the formats officers have: detection by content, text decoding, extraction with
tables as rows, the same milestones from a plan's HWPX/DOCX/PDF as from its text, and clear refusals."""

from __future__ import annotations

import codecs
import shutil
from datetime import date
from pathlib import Path

import olefile
import pytest

from services.ingest.documents import DocumentError, read_document, read_document_as
from services.ingest.extract import ExtractionError, decode_text, detect, extract_isolated
from services.ingest.extract.cleanup import clean_lines
from services.ingest.extract.textdecode import UnknownCharset
from services.ingest.parser import parse_plan

from .hwp5_reader import paragraphs

ROOT = Path(__file__).resolve().parents[3]
FORMATS = ROOT / "tests" / "fixtures" / "formats"
SOURCES = {
    "sample_plan": ROOT / "examples" / "plans" / "2025_industrial_tech_innovation_plan.txt",
    "msit_ict_plan": ROOT / "tests" / "unit" / "parser" / "other_styles" / "msit_ict_plan.txt",
}
PLAN = "2025년 시행계획\nㅇ 산업기술 로드맵 개정('25.2분기)\n"


def _milestones(text: str) -> list[tuple[object, ...]]:
    # Nanum Gothic has no U+30FB (・), so LibreOffice's PDF maps it to U+00B7 (·): a font artefact.
    return [
        (m.title.replace("・", "·"), m.kind, m.starts, m.due, m.owner, m.expr.replace("・", "·"), m.target)
        for m in parse_plan(text).milestones
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sample_plan.hwpx", "hwpx"),
        ("sample_plan.docx", "docx"),
        ("sample_plan.pdf", "pdf"),
        ("2010-01-06.hwp", "hwp"),
    ],
)
def test_format_is_detected_by_content(name: str, expected: str) -> None:
    assert detect((FORMATS / name).read_bytes()) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n....", "PNG image"),
        (b"PK\x03\x04\x00\x00broken", "ZIP container is corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "OLE2"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
    ],
)
def test_other_binaries_are_named(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError, match=reason):
        detect(data)


def test_a_zip_that_is_no_document_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", FORMATS, "README.md")
    with pytest.raises(ExtractionError, match="not HWPX or DOCX"):
        detect(archive.read_bytes())


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        (PLAN.encode("utf-8"), None),
        (codecs.BOM_UTF8 + PLAN.encode("utf-8"), None),
        (codecs.BOM_UTF16_LE + PLAN.encode("utf-16-le"), None),
        (codecs.BOM_UTF16_BE + PLAN.encode("utf-16-be"), None),
        (PLAN.encode("cp949"), None),
        (PLAN.encode("euc-kr"), None),
        (PLAN.encode("euc-kr"), "EUC-KR"),
        (PLAN.encode("cp949"), "ks_c_5601-1987"),
        ("똠방각하 계획('25.2분기)".encode("cp949"), "cp949"),  # 똠: in CP949, not in EUC-KR
    ],
)
def test_text_encodings(data: bytes, charset: str | None) -> None:
    text = decode_text(data, charset)
    assert "계획" in text and not text.startswith("\ufeff")


def test_text_in_no_known_encoding_says_which_byte() -> None:
    with pytest.raises(ExtractionError, match=r"not UTF-8, UTF-16 \(with BOM\) or CP949/EUC-KR.*offset 0"):
        decode_text(b"\xff\xff\xff\xff")
    with pytest.raises(UnknownCharset, match="klingon"):
        decode_text(b"abc", "klingon")
    with pytest.raises(ExtractionError, match="not valid utf-8"):
        decode_text(PLAN.encode("cp949"), "utf-8")


@pytest.mark.parametrize("name", sorted(SOURCES))
@pytest.mark.parametrize("suffix", ["hwpx", "docx", "pdf"])
def test_same_milestones_from_each_format_as_from_text(name: str, suffix: str) -> None:
    expected = _milestones(SOURCES[name].read_text(encoding="utf-8"))
    kind, text = read_document_as((FORMATS / f"{name}.{suffix}").read_bytes(), None)
    assert kind == suffix
    assert _milestones(text) == expected
    assert len(expected) >= 17


@pytest.mark.parametrize("suffix", ["hwpx", "docx", "pdf"])
def test_tables_come_out_as_rows_and_page_numbers_are_dropped(suffix: str) -> None:
    text = read_document((FORMATS / f"msit_ict_plan.{suffix}").read_bytes(), None)
    assert "양자 종합계획 수립\t'25.2월\t양자기술과" in text.splitlines()
    sample = read_document((FORMATS / f"sample_plan.{suffix}").read_bytes(), None)
    assert not [
        line for line in sample.splitlines() if line.strip().startswith("- ") and line.strip()[-1] == "-"
    ]


def test_real_hwp_files_keep_text_and_table_rows() -> None:
    sheet = read_document((FORMATS / "2010-01-06.hwp").read_bytes(), "application/x-hwp").splitlines()
    assert "통합재정수지 (A-B)\t3,888\t△1,802\t0\t665\t△443\t2,308" in sheet
    release = read_document((FORMATS / "table-vpos-01.hwp").read_bytes(), None)
    assert "□ 행정안전부(장관 윤호중)는" in release  # hwp-hwpx-parser dropped 행정안전 here
    assert "12월 2일(화) 국무회의에 보고하고 발표했다." in release


def _hwp_with_flags(tmp_path: Path, flags: int) -> bytes:
    path = tmp_path / "flagged.hwp"
    shutil.copy(FORMATS / "2010-01-06.hwp", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        header = bytearray(ole.openstream("FileHeader").read())
        header[36:40] = (int.from_bytes(header[36:40], "little") | flags).to_bytes(4, "little")
        ole.write_stream("FileHeader", bytes(header))
    return path.read_bytes()


@pytest.mark.parametrize(("flags", "reason"), [(0b10, "password-protected"), (0b100, "배포용")])
def test_protected_hwp_is_refused_with_the_reason(tmp_path: Path, flags: int, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason) as caught:
        read_document(_hwp_with_flags(tmp_path, flags), None)
    assert caught.value.status == 422


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ((FORMATS / "encrypted.pdf").read_bytes(), "password-protected"),
        (b"%PDF-1.4\n garbage", "PDF is corrupt"),
        ((FORMATS / "msit_ict_plan.docx").read_bytes()[:4000], "corrupt"),
        ((FORMATS / "msit_ict_plan.hwpx").read_bytes()[:3000], "corrupt"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
    ],
)
def test_unreadable_documents_are_422_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason) as caught:
        read_document(data, None)
    assert caught.value.status == 422


def test_declared_type_and_charset_refusals_are_415() -> None:
    with pytest.raises(DocumentError, match="not 'image/png'") as caught:
        read_document(b"x", "image/png")
    assert caught.value.status == 415
    with pytest.raises(DocumentError, match="charset 'klingon'") as caught:
        read_document(b"x", "text/plain; charset=klingon")
    assert caught.value.status == 415
    assert "계획" in read_document(PLAN.encode("euc-kr"), "text/plain; charset=euc-kr")


def test_extraction_is_bounded_in_time_and_memory() -> None:
    data = (FORMATS / "sample_plan.pdf").read_bytes()
    with pytest.raises(ExtractionError, match="took over"):
        extract_isolated(data, "pdf", timeout=0.001)  # no Python child starts within a millisecond
    with pytest.raises(ExtractionError):
        extract_isolated(data, "pdf", memory_bytes=32 * 1024 * 1024)  # less than the interpreter needs


def test_cleanup_drops_page_numbers_and_running_headers() -> None:
    pages = []
    for number in range(1, 5):
        pages += ["2025년 시행계획(안)", f"ㅇ 과제 {number} 추진('25.{number}월)", f"- {number} -", "\f"]
    text = clean_lines(pages)
    titled = ["2025년 시행계획(안)"]  # kept once: on the cover it is the title
    assert text.splitlines() == titled + [f"ㅇ 과제 {n} 추진('25.{n}월)" for n in range(1, 5)]


REAL_HWP = sorted((ROOT / "tests" / "corpus").glob("*.hwp"))


def _flat(line: str) -> str:
    return " ".join(line.split())


@pytest.mark.parametrize("path", REAL_HWP, ids=lambda p: p.name)
def test_hwp5_body_paragraphs_match_an_independent_reader(path: Path) -> None:
    """Every body paragraph that a separate reader of the HWP 5 records finds is a line of the
    extracted text, in the same order (python-hwpx converts HWP 5 through its HWPX model)."""
    body = [_flat(text) for level, text in paragraphs(path) if level == 1 and text.strip()]
    lines = [_flat(line) for line in read_document(path.read_bytes(), None).splitlines()]
    position = -1
    for paragraph in body:  # in order: each one found after the one before
        position = lines.index(paragraph, position + 1)
    assert len(body) >= 20


@pytest.mark.parametrize("name", ["table-vpos-01.hwp", "2010-01-06.hwp", "biz_plan.hwp"])
def test_same_milestones_from_real_hwp5_files_as_from_their_paragraphs(name: str) -> None:
    """What the extraction adds to the body paragraphs (table rows, the 보도시점 box) gives no
    milestone of its own. These real files state no future step (a release about a past cabinet
    meeting, a statistics sheet, a template), so both sides are empty: no HWP 5 writer exists on
    Debian to make a plan fixture, and the HWPX/DOCX/PDF tests above cover a plan's milestones."""
    path = ROOT / "tests" / "corpus" / name
    as_of = date(2025, 11, 1)
    text = "\n".join(text for level, text in paragraphs(path) if level == 1)
    expected = [(m.title, m.kind, m.starts, m.due) for m in parse_plan(text, doc_date=as_of).milestones]
    extracted = read_document(path.read_bytes(), None)
    got = [(m.title, m.kind, m.starts, m.due) for m in parse_plan(extracted, doc_date=as_of).milestones]
    assert got == expected
