"""The deployment files are consistent with the code: every class they name exists, the nginx
configuration is accepted by nginx, and the Kubernetes files are valid YAML."""
from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tools.production import Profile, ProfileConfig

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def class_paths(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "type" and isinstance(value, str) and value.startswith("spasm_aid."):
                yield value
            if isinstance(key, str) and key.startswith("spasm_aid."):
                yield key
            yield from class_paths(value)
    elif isinstance(node, list):
        for item in node:
            yield from class_paths(item)


@pytest.mark.parametrize("path", ["endpoints.production.yml", "kubernetes/rasa-values.yml"])
def test_every_class_named_in_the_deployment_exists(path):
    names = list(class_paths(yaml.safe_load((DEPLOY / path).read_text())))
    assert names
    for name in names:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), name


def test_kubernetes_manifests_are_valid_yaml_with_kinds():
    documents = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "action-server.yml").read_text()))
    assert [d["kind"] for d in documents] == ["Deployment", "Service"]


def test_kubernetes_manifests_validate_against_the_kubernetes_schemas():
    """kubernetes-validate (PyPI, the schemas bundled: nothing downloaded), strict: an unknown
    field fails too."""
    import kubernetes_validate

    for document in yaml.safe_load_all((DEPLOY / "kubernetes" / "action-server.yml").read_text()):
        kubernetes_validate.validate(document, "1.28.0", strict=True)


def test_the_schema_check_catches_a_misspelt_field():
    import kubernetes_validate

    document = next(yaml.safe_load_all((DEPLOY / "kubernetes" / "action-server.yml").read_text()))
    document["spec"]["replica"] = document["spec"].pop("replicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(document, "1.28.0", strict=True)


def test_the_helm_values_enable_every_channel_of_credentials_yml_as_configured():
    values = yaml.safe_load((DEPLOY / "kubernetes" / "rasa-values.yml").read_text())
    deployed = values["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    local = yaml.safe_load((ROOT / "credentials.yml").read_text())
    assert set(deployed) == set(local)
    for channel, settings in local.items():
        assert (deployed[channel] or {}) == (settings or {}), channel


def test_the_deployment_references_only_files_the_image_has():
    from tests.deploy_image import image_paths, in_image

    values = yaml.safe_load((DEPLOY / "kubernetes" / "rasa-values.yml").read_text())
    model = values["args"][values["args"].index("-m") + 1]
    cmd = (DEPLOY / "Dockerfile").read_text().split("CMD", 1)[1]
    referenced = [model, *re.findall(r'"((?:models|deploy|data|web)/[^"]+)"', cmd), "web/index.html",
                  "data/nlu/red_flags.yml", "spasm_aid/triage_table.yml", "domain.yml", "credentials.yml"]
    missing = [path for path in referenced if not in_image(path)]
    assert not missing, f"the image lacks {missing} (COPY lines: {image_paths()})"
    assert not in_image("tools/servers.py")  # the runtime only: no test or measurement code


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(), reason="nginx not installed (make installs it)")
def test_the_generated_nginx_configuration_is_accepted_by_nginx(tmp_path):
    profile = Profile(ProfileConfig(var_dir=tmp_path, rasa_servers=3, action_servers=2))
    conf = profile.write_nginx_conf()
    text = conf.read_text()
    assert "$" not in text.replace("$http_upgrade", "").replace("$connection_upgrade", "").replace("$proxy_add_x_forwarded_for", "").replace("$host", "").replace("$request_length", "").replace("$status", "").replace("$request_time", "")
    assert text.count("server 127.0.0.1:501") == 6  # three Rasa servers, in both upstreams
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_make_serve_listens_on_loopback_unless_told_otherwise():
    # platforms and browsers reach the assistant through nginx, never Sanic directly (issue 14)
    def serve_command(*extra):
        dry = subprocess.run(["make", "-n", "serve", *extra], capture_output=True, text=True, cwd=DEPLOY.parent)
        return next(line for line in dry.stdout.splitlines() if " run -m " in line)

    assert serve_command().endswith("--interface 127.0.0.1")
    assert serve_command("SERVE_INTERFACE=0.0.0.0").endswith("--interface 0.0.0.0")


def test_the_image_holds_what_the_servers_read_at_start():
    copied = {line.split()[1] for line in (DEPLOY / "Dockerfile").read_text().splitlines() if line.startswith("COPY ")}
    for needed in ("actions", "spasm_aid", "models", "web", "requirements.lock"):
        assert needed in copied, f"deploy/Dockerfile does not COPY {needed}"
