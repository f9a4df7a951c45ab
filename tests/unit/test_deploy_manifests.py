"""Structural checks of the deployment files: docker-compose.yml, deploy/k8s and deploy/prometheus.

No Docker engine or cluster is needed: the files are read with PyYAML and the facts that matter are asserted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
COMPOSE = ROOT / "docker-compose.yml"
PROMETHEUS = ROOT / "deploy" / "prometheus" / "prometheus.yml"
SERVICES = {"ingest": 8001, "milestones": 8002, "notifier": 8003}
SECRET_NAME = "mtrack-secrets"
SENSITIVE = re.compile(r"PASSWORD|SECRET|TOKEN|DATABASE_URL", re.IGNORECASE)
# scheme://user:password@host, with the password neither a ${VAR} reference nor a placeholder
URL_CREDENTIALS = re.compile(r"[a-z][a-z0-9+.-]*://[^\s:/@]+:(?P<password>[^\s@]+)@", re.IGNORECASE)
PLACEHOLDERS = {"REPLACE_ME", "<password>"}


def _documents(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def _k8s_files() -> list[Path]:
    return sorted(K8S.glob("*.yaml"))


def _k8s_objects() -> list[dict[str, Any]]:
    kustomization = _documents(K8S / "kustomization.yaml")[0]
    return [doc for name in kustomization["resources"] for doc in _documents(K8S / name)]


def _of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in _k8s_objects() if doc["kind"] == kind}


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def _compose() -> dict[str, Any]:
    return _documents(COMPOSE)[0]


@pytest.mark.parametrize("path", [COMPOSE, PROMETHEUS, *_k8s_files()], ids=lambda p: p.name)
def test_every_file_is_valid_yaml(path: Path) -> None:
    assert _documents(path), f"{path} holds no YAML document"


def test_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    resources = _documents(K8S / "kustomization.yaml")[0]["resources"]
    expected = {p.name for p in _k8s_files()} - {"kustomization.yaml", "secret.example.yaml"}
    assert set(resources) == expected
    assert all(doc["kind"] != "Secret" for doc in _k8s_objects()), "no Secret may be applied from the repo"


def test_every_object_lives_in_the_mtrack_namespace() -> None:
    for doc in _k8s_objects():
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == "mtrack", doc["metadata"]["name"]


@pytest.mark.parametrize("name", SERVICES)
def test_deployment_serves_its_service_with_probes_and_secret(name: str) -> None:
    deployment = _of_kind("Deployment")[name]
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    port = SERVICES[name]

    assert container["args"][:2] == ["serve", name]
    assert container["args"][container["args"].index("--port") + 1] == str(port)
    assert [p["containerPort"] for p in container["ports"]] == [port]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["envFrom"] == [{"configMapRef": {"name": "mtrack-config"}}]

    database_url = _env(container)["DATABASE_URL"]
    assert "value" not in database_url
    assert database_url["valueFrom"]["secretKeyRef"] == {"name": SECRET_NAME, "key": "DATABASE_URL"}

    resources = container["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) and {"cpu", "memory"} <= set(resources["limits"])
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False

    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"


def test_replicas() -> None:
    deployments = _of_kind("Deployment")
    assert set(deployments) == set(SERVICES)
    assert deployments["notifier"]["spec"]["replicas"] == 1
    assert deployments["ingest"]["spec"]["replicas"] <= 2
    assert deployments["milestones"]["spec"]["replicas"] <= 2


def _old_owner_layout() -> bool:
    """deploy/ still mounts the retired owners.json (helper i11 moves it to the directory YAML)."""
    return "MTRACK_OWNER_DIRECTORY" in _of_kind("ConfigMap")["mtrack-config"]["data"]


def test_notifier_reads_smtp_password_from_secret_and_directory_from_configmap() -> None:
    pod = _of_kind("Deployment")["notifier"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert _env(container)["SMTP_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == SECRET_NAME
    if _old_owner_layout():
        pytest.skip(
            "deploy/ still mounts owners.json; the directory ConfigMap comes with helper i11's deploy/"
        )
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert volumes["directory"]["configMap"]["name"] == "mtrack-directory"
    config = _of_kind("ConfigMap")["mtrack-config"]["data"]
    assert config["MTRACK_DIRECTORY_FILE"] == f"{mounts['directory']}/directory.yaml"


def test_directory_configmap_matches_the_repository_copy() -> None:
    if _old_owner_layout():
        pytest.skip(
            "deploy/ still mounts owners.json; the directory ConfigMap comes with helper i11's deploy/"
        )
    shipped = yaml.safe_load(_of_kind("ConfigMap")["mtrack-directory"]["data"]["directory.yaml"])
    assert shipped == yaml.safe_load((ROOT / "config" / "directory.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SERVICES)
def test_service_is_clusterip_and_selects_its_deployment(name: str) -> None:
    service = _of_kind("Service")[name]["spec"]
    labels = _of_kind("Deployment")[name]["spec"]["template"]["metadata"]["labels"]
    assert service.get("type", "ClusterIP") == "ClusterIP"
    assert service["selector"].items() <= labels.items()
    assert [p["port"] for p in service["ports"]] == [SERVICES[name]]


def test_migrate_job_runs_migrate_with_the_secret() -> None:
    job = _of_kind("Job")["mtrack-migrate"]
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["migrate"]
    assert _env(container)["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == SECRET_NAME


def test_no_k8s_manifest_carries_a_secret_value() -> None:
    for doc in _k8s_objects():
        if doc["kind"] == "ConfigMap":
            leaked = [key for key in doc["data"] if SENSITIVE.search(key)]
            assert not leaked, f"ConfigMap {doc['metadata']['name']} holds {leaked}"
        spec = doc.get("spec", {})
        pod = spec.get("template", {}).get("spec", {})
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            for name, item in _env(container).items():
                if SENSITIVE.search(name):
                    assert "value" not in item, f"{doc['metadata']['name']}: {name} has a literal value"
    example = _documents(K8S / "secret.example.yaml")[0]
    assert all("REPLACE_ME" in value for value in example["stringData"].values())


@pytest.mark.parametrize(
    "path",
    [COMPOSE, PROMETHEUS, ROOT / "deploy" / "env.example", ROOT / "Dockerfile", *_k8s_files()],
    ids=lambda p: p.name,
)
def test_no_file_contains_a_literal_password(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for match in URL_CREDENTIALS.finditer(text):
        password = match["password"]
        assert password.startswith("${") or password in PLACEHOLDERS, f"{path.name}: {match[0]}"


def test_compose_passwords_come_from_the_environment() -> None:
    for name, service in _compose()["services"].items():
        environment = service.get("environment") or {}
        assert isinstance(environment, dict), f"{name}: use the mapping form for environment"
        for key, value in environment.items():
            if "PASSWORD" in key:
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", str(value)), (
                    f"{name}: {key} is not required from env"
                )


@pytest.mark.parametrize("name", SERVICES)
def test_compose_service_waits_for_migrate_and_healthy_backends(name: str) -> None:
    service = _compose()["services"][name]
    assert service["command"] == ["serve", name, "--host", "0.0.0.0"]
    depends = service["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["kafka"]["condition"] == "service_healthy"
    assert "${POSTGRES_PASSWORD:?" in service["environment"]["DATABASE_URL"]


def test_compose_backends_and_migrate() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["postgres"]["image"].startswith("postgres:15")
    for name in ("postgres", "kafka"):
        assert services[name]["healthcheck"]["test"], f"{name} needs a healthcheck"
    assert services["notifier"]["environment"]["SMTP_HOST"] == "mailpit"


def test_compose_publishes_on_loopback_only() -> None:
    for name, service in _compose()["services"].items():
        for port in service.get("ports", []):
            host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).split(":")[0]
            assert host_ip == "127.0.0.1", f"{name} publishes {port} beyond loopback"
    published = {
        str(p).rsplit(":", 1)[-1] for s in _compose()["services"].values() for p in s.get("ports", [])
    }
    assert {str(port) for port in SERVICES.values()} <= published


def test_prometheus_scrapes_the_three_services() -> None:
    config = _documents(PROMETHEUS)[0]
    targets = {t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    assert targets >= {f"{name}:{port}" for name, port in SERVICES.items()}
    mounts = _compose()["services"]["prometheus"]["volumes"]
    assert any(m.startswith("./deploy/prometheus/prometheus.yml:") for m in mounts)
