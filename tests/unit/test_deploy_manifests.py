"""Structural checks of the deployment files: docker-compose.yml, deploy/k8s and deploy/prometheus.

No Docker engine or cluster is needed: deploy/k8s is rendered like `kubectl kustomize` (deploy/k8s/render.py,
compared with kubectl where installed), validated with kubernetes-validate (strict) and read against the
restricted Pod Security Standard; the facts that matter are asserted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
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


sys.path.insert(0, str(K8S))
import render  # noqa: E402

RENDERED = render.render()
KUBERNETES_VERSIONS = ("1.30.0", "1.32.0")
HASHED = re.compile(r"^(mtrack-config|mtrack-organisation)-[a-z0-9]{10}$")


def _k8s_objects() -> list[dict[str, Any]]:
    return RENDERED


def _generated(base: str) -> str:
    (name,) = (
        o["metadata"]["name"]
        for o in RENDERED
        if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith(base + "-")
    )
    return name


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
    assert container["envFrom"] == [{"configMapRef": {"name": _generated("mtrack-config")}}]

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
    assert deployments["milestones"]["spec"]["replicas"] == 2
    assert "replicas" not in deployments["ingest"]["spec"], "the HPA sets ingest's replicas"


def test_notifier_reads_smtp_password_from_secret() -> None:
    pod = _of_kind("Deployment")["notifier"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert _env(container)["SMTP_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == SECRET_NAME


@pytest.mark.parametrize("name", SERVICES)
def test_organisation_files_are_mounted_from_the_generated_configmap(name: str) -> None:
    pod = _of_kind("Deployment")[name]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert volumes["organisation"]["configMap"]["name"] == _generated("mtrack-organisation")
    config = _of_kind("ConfigMap")[_generated("mtrack-config")]["data"]
    assert config["MTRACK_DIRECTORY_FILE"] == f"{mounts['organisation']}/directory.yaml"
    assert config["MTRACK_CALENDAR_FILE"] == f"{mounts['organisation']}/calendar.json"


def test_organisation_configmap_is_the_repository_copy() -> None:
    data = _of_kind("ConfigMap")[_generated("mtrack-organisation")]["data"]
    for name in ("directory.yaml", "calendar.json"):
        assert data[name] == (ROOT / "config" / name).read_text(encoding="utf-8"), (
            f"run `make k8s-config` ({name})"
        )
    assert "owners.json" not in str(RENDERED), (
        "the old owners.json ConfigMap is gone (the directory replaces it)"
    )


def test_a_setting_change_renames_the_configmap_so_pods_roll(tmp_path: Path) -> None:
    copy = tmp_path / "k8s"
    shutil.copytree(K8S, copy)
    env = copy / "config.env"
    env.write_text(
        env.read_text(encoding="utf-8").replace("LOG_LEVEL=INFO", "LOG_LEVEL=DEBUG"), encoding="utf-8"
    )
    changed = render.render(copy)
    before = _of_kind("Deployment")["ingest"]["spec"]["template"]
    after = next(o for o in changed if o["kind"] == "Deployment" and o["metadata"]["name"] == "ingest")[
        "spec"
    ]["template"]
    assert before != after


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl not installed (render.py is used instead)")
def test_renderer_matches_kubectl_kustomize() -> None:
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, check=True
    ).stdout

    def normal(objects: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
        text = {(o["kind"], o["metadata"]["name"]): yaml.safe_dump(o, sort_keys=True) for o in objects}
        return {
            (k, HASHED.sub(r"\1-HASH", n)): re.sub(
                r"(mtrack-config|mtrack-organisation)-[a-z0-9]{10}", r"\1-HASH", v
            )
            for (k, n), v in text.items()
        }

    assert normal(RENDERED) == normal([d for d in yaml.safe_load_all(rendered) if d])


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_kubernetes_validate_strict(version: str) -> None:
    for doc in RENDERED:
        kubernetes_validate.validate(doc, version, strict=True)


def _pod_specs() -> list[tuple[str, dict[str, Any]]]:
    return [
        (doc["metadata"]["name"], doc["spec"]["template"]["spec"])
        for doc in RENDERED
        if doc["kind"] in {"Deployment", "Job", "StatefulSet", "DaemonSet"}
    ]


@pytest.mark.parametrize(("name", "pod"), _pod_specs(), ids=lambda v: v if isinstance(v, str) else "")
def test_pod_meets_the_restricted_pod_security_standard(name: str, pod: dict[str, Any]) -> None:
    """The checks of the `restricted` profile (Pod Security Standards, v1.30), as the admission plugin reads them."""
    pod_ctx = pod.get("securityContext", {})
    assert not (pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC")), name
    for volume in pod.get("volumes", []):
        allowed = {
            "configMap",
            "csi",
            "downwardAPI",
            "emptyDir",
            "ephemeral",
            "persistentVolumeClaim",
            "projected",
            "secret",
        }
        assert set(volume) - {"name"} <= allowed, f"{name}: volume {volume['name']} has a restricted type"
    for container in pod["containers"] + pod.get("initContainers", []):
        ctx = container.get("securityContext", {})
        assert ctx.get("privileged") is not True, name
        assert ctx.get("allowPrivilegeEscalation") is False, name
        assert (ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot"))) is True, name
        assert ctx.get("runAsUser", pod_ctx.get("runAsUser", 1)) != 0, name
        seccomp = ctx.get("seccompProfile", pod_ctx.get("seccompProfile", {})).get("type")
        assert seccomp in {"RuntimeDefault", "Localhost"}, name
        capabilities = ctx.get("capabilities", {})
        assert "ALL" in capabilities.get("drop", []), name
        assert set(capabilities.get("add", [])) <= {"NET_BIND_SERVICE"}, name
        assert not any(p.get("hostPort") for p in container.get("ports", [])), name
        assert ctx.get("readOnlyRootFilesystem") is True, name
        image = container["image"]
        assert re.fullmatch(r"[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?", image) and ":" in image, image
        assert not image.endswith(":latest"), f"{name}: image {image} is not pinned"


def test_namespace_enforces_the_restricted_profile() -> None:
    (namespace,) = (d for d in RENDERED if d["kind"] == "Namespace")
    labels = namespace["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_has_a_disruption_budget(name: str) -> None:
    budget = _of_kind("PodDisruptionBudget")[name]["spec"]
    labels = _of_kind("Deployment")[name]["spec"]["template"]["metadata"]["labels"]
    assert budget["selector"]["matchLabels"].items() <= labels.items()
    replicas = _of_kind("Deployment")[name]["spec"].get("replicas", 2)
    if replicas == 1:
        assert budget.get("maxUnavailable") == 1, (
            "a budget that forbids evicting a single replica blocks drains"
        )
    else:
        assert budget.get("minAvailable") == 1


def test_ingest_scales_on_cpu() -> None:
    hpa = _of_kind("HorizontalPodAutoscaler")["ingest"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "ingest"}
    assert hpa["minReplicas"] >= 2
    assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]


def _policies_for(component: str, direction: str) -> list[dict[str, Any]]:
    labels = {"app.kubernetes.io/name": "mtrack", "app.kubernetes.io/component": component}
    return [
        p["spec"]
        for p in _of_kind("NetworkPolicy").values()
        if direction in p["spec"]["policyTypes"]
        and p["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()
    ]


def _egress_ports(component: str) -> set[int]:
    return {
        port["port"]
        for p in _policies_for(component, "Egress")
        for rule in p.get("egress", [])
        for port in rule.get("ports", [])
    }


def test_network_policies_deny_by_default_and_allow_only_what_is_needed() -> None:
    deny = _of_kind("NetworkPolicy")["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for component in SERVICES:
        assert {53, 5432, 9092} <= _egress_ports(component), component
    assert {25, 587, 443} <= _egress_ports("notifier")
    assert not {25, 465, 587, 443} & (_egress_ports("ingest") | _egress_ports("milestones"))
    from_ingress = {
        component
        for component in SERVICES
        for p in _policies_for(component, "Ingress")
        for rule in p.get("ingress", [])
        for peer in rule.get("from", [])
        if peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
        == "ingress-nginx"
    }
    assert from_ingress == {"ingest", "milestones"}


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
