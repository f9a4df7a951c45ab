"""Renders deploy/k8s like `kubectl kustomize deploy/k8s`, for machines without kubectl/kustomize.

Only the kustomize features this folder uses: resources, namespace, labels (metadata only), images, and
configMapGenerator (envs, files) with a content-hash name suffix and the references to the generated
ConfigMaps rewritten (envFrom, env valueFrom, volumes). The suffix is computed like kustomize's api/hasher
but is not guaranteed to be the same string; tests/unit/test_deploy_manifests.py checks the output equals
`kubectl kustomize` but for the suffix where kubectl is installed. `python deploy/k8s/render.py` prints it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}


def _go_json(value: Any) -> str:
    """encoding/json.Marshal: sorted keys, no spaces, HTML characters escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def config_map_hash(name: str, data: dict[str, str]) -> str:
    """kustomize's api/hasher: sha256 of the encoded ConfigMap, first 10 hex digits with look-alikes swapped."""
    digest = hashlib.sha256(_go_json({"kind": "ConfigMap", "name": name, "data": data}).encode()).hexdigest()
    return digest[:10].translate(str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"}))


def _env_file(path: Path) -> dict[str, str]:
    data = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            data[key.strip()] = value
    return data


def _generate(spec: dict[str, Any], root: Path) -> dict[str, Any]:
    data: dict[str, str] = {}
    for env in spec.get("envs", []):
        data |= _env_file(root / env)
    for item in spec.get("files", []):
        key, _, source = item.rpartition("=") if "=" in item else ("", "", item)
        data[key or Path(source).name] = (root / source).read_text(encoding="utf-8")
    name = f"{spec['name']}-{config_map_hash(spec['name'], data)}"
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def _rename_references(pod: dict[str, Any], names: dict[str, str]) -> None:
    for container in pod.get("containers", []) + pod.get("initContainers", []):
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                ref = source["configMapRef"]
                ref["name"] = names.get(ref["name"], ref["name"])
        for item in container.get("env", []):
            ref = item.get("valueFrom", {}).get("configMapKeyRef")
            if ref:
                ref["name"] = names.get(ref["name"], ref["name"])
    for volume in pod.get("volumes", []):
        if "configMap" in volume:
            volume["configMap"]["name"] = names.get(volume["configMap"]["name"], volume["configMap"]["name"])


def render(root: Path = HERE) -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((root / "kustomization.yaml").read_text(encoding="utf-8"))
    objects = [
        doc
        for name in kustomization["resources"]
        for doc in yaml.safe_load_all((root / name).read_text(encoding="utf-8"))
        if doc
    ]
    generated = [_generate(spec, root) for spec in kustomization.get("configMapGenerator", [])]
    names = {
        spec["name"]: cm["metadata"]["name"]
        for spec, cm in zip(kustomization.get("configMapGenerator", []), generated, strict=True)
    }
    images = {image["name"]: image for image in kustomization.get("images", [])}
    labels = {k: v for entry in kustomization.get("labels", []) for k, v in entry["pairs"].items()}
    for doc in [*generated, *objects]:
        metadata = doc.setdefault("metadata", {})
        if doc["kind"] not in CLUSTER_SCOPED and kustomization.get("namespace"):
            metadata["namespace"] = kustomization["namespace"]
        if labels:
            metadata["labels"] = {**metadata.get("labels", {}), **labels}
        pod = doc.get("spec", {}).get("template", {}).get("spec")
        if pod:
            _rename_references(pod, names)
            for container in pod.get("containers", []) + pod.get("initContainers", []):
                image = images.get(container["image"].split(":")[0])
                if image:
                    container["image"] = f"{image.get('newName', container['image'])}:{image['newTag']}"
    return [*generated, *objects]


if __name__ == "__main__":
    yaml.safe_dump_all(render(), sys.stdout, allow_unicode=True, sort_keys=False)
