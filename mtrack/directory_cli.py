"""`mtrack directory draft PLAN_FILE`: a draft organisation directory (YAML) from a plan's contact table —
departments, the manager (책임자/담당과장) and officers (담당자) with names and phones. E-mail addresses
are left empty for a person to fill in (they never come from a document), department codes are
placeholders to rename; the draft does not load as a directory until both are done."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from services.ingest.documents import DocumentError, read_document
from services.ingest.parser.owners import _near_hints, department, find_contacts

_DEPT = re.compile(r"(?<![가-힣])([가-힣]{2,14}(?:과|팀|담당관|센터))(?![가-힣])")
_PHONE = re.compile(r"0\d{1,2}-\d{3,4}-\d{4}")
_MANAGER = re.compile(r"책임자|담당\s?과장|과\s?장|팀\s?장")
_OFFICER = re.compile(r"담당자|실무자")
_TITLES = re.compile(
    r"^(?:과\s?장|팀\s?장|사무관|서기관|주무관|연구관|연구사|행정관|전문관|전문위원|책임자|담당자|담당과장|실무자|"
    r"담당|부서|연락처|전화|총괄|국장|실장|정책관|[가-힣]+정책관|[가-힣]+실|[가-힣]+국|[가-힣]+부)$"
)
_NAME = re.compile(r"(?<![가-힣])([가-힣]{2,4})(?![가-힣])")


@dataclass
class Person:
    name: str
    phone: str | None = None


@dataclass
class Dept:
    name: str
    aliases: list[str] = field(default_factory=list)
    manager: Person | None = None
    officers: list[Person] = field(default_factory=list)


def _person_name(text: str, dept: str | None) -> str | None:
    for match in _NAME.finditer(text):
        word = match.group(1)
        if word == dept or _TITLES.match(word) or department(word) or word.endswith(("과", "관", "부")):
            continue
        return word
    return None


def draft(text: str) -> dict[str, object]:
    """The directory draft for a plan's text (pure): only lines in the contact blocks the parser finds."""
    lines = text.splitlines()
    contacts = find_contacts(lines)
    near = _near_hints(lines)
    depts: dict[str, Dept] = {}
    current: Dept | None = None
    last: Person | None = None
    for index, line in enumerate(lines):
        if index not in near:
            continue
        found = next((m for m in _DEPT.finditer(line) if department(m.group(1))), None)
        rest = line
        if found is not None:
            name = found.group(1)
            current = depts.setdefault(name, Dept(name))
            cell_start = line.rfind("\t", 0, found.start()) + 1
            prefix = line[cell_start : found.start()].strip()
            if re.fullmatch(r"[가-힣]+(?:정책관|실|국|본부)", prefix):
                alias = f"{prefix} {name}"
                if alias not in current.aliases:
                    current.aliases.append(alias)
            rest = line[found.end() :]
        if current is None:
            continue
        phone = _PHONE.search(line)
        role = _OFFICER.search(rest) or _MANAGER.search(rest)
        who = _person_name(_PHONE.sub(" ", rest[role.end() :]), current.name) if role else None
        if role and who:
            last = Person(who, phone.group(0) if phone else None)
            if _OFFICER.match(role.group(0)):
                if all(p.name != who for p in current.officers):
                    current.officers.append(last)
            elif current.manager is None:
                current.manager = last
            continue
        if phone and last is not None and last.phone is None:
            last.phone = phone.group(0)
    depts = {k: d for k, d in depts.items() if d.manager or d.officers or k == contacts.default}
    if contacts.default and contacts.default not in depts:
        depts[contacts.default] = Dept(contacts.default)

    def person(p: Person) -> dict[str, object]:
        out: dict[str, object] = {"name": p.name, "email": ""}
        if p.phone:
            out["phone"] = p.phone
        return out

    return {
        "fallback": {"name": "mtrack 운영 데스크", "desk": ""},
        "departments": [
            {
                "code": f"dept-{i}",
                "name": d.name,
                **({"aliases": d.aliases} if d.aliases else {}),
                "desk": "",
                **({"manager": person(d.manager)} if d.manager else {}),
                "officers": [person(p) for p in d.officers],
            }
            for i, d in enumerate(depts.values(), start=1)
        ],
    }


HEADER = """\
# 조직 명부 초안 (mtrack directory draft {source})
# 문서의 연락처 표에서 부서·이름·전화만 옮겼습니다. 사람이 확인해 채워야 할 것:
#   - email / desk: 각 주소 (문서나 이벤트에서 주소를 가져오지 않습니다)
#   - code: 부서마다 영문 소문자 코드 (지표 라벨, 예: tech-policy)
#   - fallback.desk: 부서를 알 수 없는 알림을 받을 창구
#   - delivery: immediate (즉시 메일을 원하는 사람만; 기본은 하루 한 번 요약)
# 채운 뒤 config/directory.yaml 또는 MTRACK_DIRECTORY_FILE 로 지정하십시오.
"""


def main_draft(plan: Path, output: Path | None) -> int:
    try:
        text = read_document(plan.read_bytes(), "text/plain")
    except (OSError, DocumentError) as err:
        print(f"mtrack directory draft: {plan}: {err}", file=sys.stderr)
        return 2
    body = yaml.safe_dump(draft(text), allow_unicode=True, sort_keys=False, width=200)
    document = HEADER.format(source=plan.name) + body
    if output is None:
        sys.stdout.write(document)
    else:
        output.write_text(document, encoding="utf-8")
        print(f"draft written to {output}; fill in the addresses and codes before using it")
    return 0
