"""The compiled parser (make native, mypyc) gives exactly what the pure-Python sources give: the
samples, the other-style plans and a few hundred random documents, parsed both ways."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from services.ingest.parser import is_native, parse_plan

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = sorted((ROOT / "examples/plans").glob("*.txt")) + sorted(
    (Path(__file__).parent / "other_styles").glob("*.txt")
)
TOKENS = [
    "□ ",
    "ㅇ ",
    "- ",
    "* ",
    "Ⅳ. ",
    "1. ",
    "가. ",
    "➊ ",
    "\n",
    "\n",
    "\t",
    "  ",
    "(",
    ")",
    "'25.",
    "’26.",
    "`30년",
    "1분기",
    "3·4분기",
    "上",
    "下",
    "상반기",
    "3월",
    "7~12월",
    "~",
    "까지",
    "부터",
    "'24.3.27",
    "2025. 6. 30.",
    "올해",
    "내년",
    "연내",
    "10개",
    "50억원",
    "→",
    "및 ",
    "추진",
    "마련",
    "완료",
    "착수",
    "예타",
    "사업 ",
    "담당 부서",
    "산업기술정책과",
    "< 일정 >",
    "다.",
    ", ",
    ":",
    "「법」",
    '"계획"이라고 밝혔다',
]
PARSE_ALL = (
    "import json, sys\n"
    "from services.ingest.parser import is_native, parse_plan\n"
    "assert not is_native()\n"
    "texts = json.load(open(sys.argv[1], encoding='utf-8'))\n"
    "print(json.dumps([[m.to_json() for m in parse_plan(t).milestones] for t in texts], ensure_ascii=False))\n"
)


def _random_documents(count: int) -> list[str]:
    rng = random.Random(20251124)
    return ["".join(rng.choice(TOKENS) for _ in range(rng.randint(5, 120))) for _ in range(count)]


@pytest.mark.skipif(not is_native(), reason="the compiled parser is not built (make native)")
def test_compiled_parser_matches_the_sources(tmp_path: Path) -> None:
    texts = [path.read_text(encoding="utf-8") for path in DOCUMENTS] + _random_documents(300)
    batch = tmp_path / "texts.json"
    batch.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    pure = subprocess.run(
        [sys.executable, "-c", PARSE_ALL, str(batch)],
        env={**os.environ, "MTRACK_PURE_PARSER": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    compiled = [[m.to_json() for m in parse_plan(text).milestones] for text in texts]
    assert sum(map(len, compiled)) > 250
    assert json.loads(pure.stdout) == json.loads(json.dumps(compiled, ensure_ascii=False))
