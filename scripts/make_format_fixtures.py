"""Writes the HWPX, DOCX and PDF fixtures of tests/fixtures/formats/ from plain-text plans, with real
producers: python-hwpx (HWPX), python-docx (DOCX) and LibreOffice headless (PDF, from the DOCX, with
the Nanum Gothic font). Lines holding tabs become table rows; `- N -` page-number lines become a real
page footer (a PAGE field) instead of body text. Run once by hand; the outputs are committed:

    apt-get install -y libreoffice-writer-nogui fonts-nanum
    .venv/bin/python scripts/make_format_fixtures.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "formats"
SOURCES = {
    "sample_plan": ROOT / "examples" / "plans" / "2025_industrial_tech_innovation_plan.txt",
    "msit_ict_plan": ROOT / "tests" / "unit" / "parser" / "other_styles" / "msit_ict_plan.txt",
}
_PAGE_NUMBER = re.compile(r"^\s*-\s*\d+\s*-\s*$")
FONT = "NanumGothic"


def blocks(text: str) -> list[tuple[str, list[list[str]]]]:
    """("p", [[line]]) for a paragraph, ("t", rows) for consecutive lines with tabs."""
    out: list[tuple[str, list[list[str]]]] = []
    for line in text.splitlines():
        if _PAGE_NUMBER.match(line):
            continue
        if "\t" in line:
            row = line.split("\t")
            if out and out[-1][0] == "t":
                out[-1][1].append(row)
            else:
                out.append(("t", [row]))
        else:
            out.append(("p", [[line]]))
    return out


def write_docx(text: str, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(9)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    footer = section.footer.paragraphs[0]
    footer.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)
    footer.add_run(" -")
    for kind, rows in blocks(text):
        if kind == "p":
            doc.add_paragraph(rows[0][0])
            continue
        width = max(len(row) for row in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    doc.save(str(path))


def write_hwpx(text: str, path: Path) -> None:
    from hwpx import HwpxDocument

    doc = HwpxDocument.new()
    for kind, rows in blocks(text):
        if kind == "p":
            doc.add_paragraph(rows[0][0])
            continue
        width = max(len(row) for row in rows)
        table = doc.add_table(len(rows), width)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    doc.set_footer_text("- 1 -")
    doc.save_to_path(str(path))


def write_pdf(docx: Path, path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed: apt-get install -y libreoffice-writer-nogui fonts-nanum")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.move(str(Path(tmp) / docx.with_suffix(".pdf").name), path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, source in SOURCES.items():
        text = source.read_text(encoding="utf-8")
        write_docx(text, OUT / f"{name}.docx")
        write_hwpx(text, OUT / f"{name}.hwpx")
        write_pdf(OUT / f"{name}.docx", OUT / f"{name}.pdf")
        print(f"wrote {name}.docx, .hwpx, .pdf")


if __name__ == "__main__":
    main()
