"""The layout the project promises (docs/architecture.md): the runtime imports no tooling, one
module reads the environment, and the deployment files only use variables that module knows."""
import ast
import re
from pathlib import Path

import pytest

from spasm_aid import settings
from tests.conftest import ROOT

RUNTIME = ["spasm_aid", "actions"]
# Test, measurement and supervisor code: never imported by what runs for a user.
TOOLING = {"tools", "tests", "pytest", "hypothesis", "pexpect", "locust", "matplotlib", "playwright"}
# Variables other programs read from the deployment files: Rasa and its Helm chart (the chart's
# PostgreSQL and Redis connection), and Python/TensorFlow switches.
READ_BY_OTHERS = {
    "RASA_TELEMETRY_ENABLED", "DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_DATABASE",
    "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "ACTION_SERVER_SANIC_WORKERS",
}


def python_files(*packages):
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.parametrize("path", list(python_files(*RUNTIME)), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_runtime_imports_no_tooling(path):
    tooling = [m for m in imported_modules(path) if m.split(".")[0] in TOOLING]
    assert not tooling, f"{path.relative_to(ROOT)} imports {tooling}: move that code to tools/ or pass it in"


def environment_reads(path: Path):
    """Lines that read configuration from the environment: os.environ.get / [...] / os.getenv."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "get" and ast.unparse(node.func.value) == "os.environ":
                target = node
            elif ast.unparse(node.func) == "os.getenv":
                target = node
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and ast.unparse(node.value) == "os.environ":
            target = node
        if target is not None:
            yield target.lineno


# The settings module, and Locust's file, which runs in the load generator's own environment
# without the project (its one variable is the run's record file, passed by tools/loadtest/run.py).
OWN_READERS = {"spasm_aid/settings.py", "tools/loadtest/locustfile.py"}


def test_only_the_settings_module_reads_the_environment():
    readers = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in python_files("spasm_aid", "actions", "tools")
        if path.relative_to(ROOT).as_posix() not in OWN_READERS
        for line in environment_reads(path)
    ]
    assert not readers, f"read these through spasm_aid.settings instead: {readers}"


def test_the_reader_finds_a_planted_read(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("import os\nA = os.environ.get('X')\nB = os.environ['Y']\nC = os.getenv('Z')\nD = dict(os.environ)\n")
    assert list(environment_reads(planted)) == [2, 3, 4]


DEPLOY_FILES = ["deploy/Dockerfile", "deploy/kubernetes/rasa-values.yml", "deploy/kubernetes/action-server.yml",
                "deploy/endpoints.production.yml", "endpoints.yml", "credentials.yml"]


def variables_in(text: str):
    names = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)\}", text))  # Rasa's ${VAR} in endpoints/credentials
    names |= set(re.findall(r"\bname:\s*([A-Z][A-Z0-9_]{3,})\b", text))  # Kubernetes env entries
    for line in re.findall(r"^ENV (.+)$", text, flags=re.M):  # Dockerfile
        names |= set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", line))
    return names


@pytest.mark.parametrize("name", DEPLOY_FILES)
def test_deployment_files_use_only_variables_the_settings_know(name):
    found = variables_in((ROOT / name).read_text())
    unknown = found - set(settings.VARIABLES) - READ_BY_OTHERS
    assert not unknown, f"{name} sets {sorted(unknown)}, which nothing reads: add it to spasm_aid.settings.VARIABLES or fix the name"


def test_the_deployment_check_sees_the_kubernetes_variables():
    found = variables_in((ROOT / "deploy/kubernetes/rasa-values.yml").read_text())
    assert {"SPASM_AID_EMERGENCY_NUMBER", "SPASM_AID_DB_URL", "DB_PASSWORD"} <= found


def test_every_setting_is_documented():
    docs = "".join(p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    undocumented = [name for name in settings.VARIABLES if name not in docs]
    assert not undocumented, f"document these in README.md or docs/: {undocumented}"


# Where the project's own words reach a person: the runtime, the web page, nginx's pages, the
# production profile that writes them. Only the renderer (and domain.yml, which it reads) may
# spell out where to call; settings.py names the numbers in its error message.
EMERGENCY_TEXT = re.compile(r"""help now|\bcall \{|\bcall \$|\bcall " \+|["'>:]\s*(911|999|112)\b|\bCall [0-9]{3}\b""", re.I)
RENDERER = {"spasm_aid/replies.py", "spasm_aid/settings.py"}


def user_facing_files():
    for pattern in ("spasm_aid/**/*.py", "actions/**/*.py", "web/*.html", "web/*.js", "deploy/*.template", "tools/production.py"):
        yield from sorted(ROOT.glob(pattern))


def test_no_emergency_text_is_written_outside_the_renderer():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in user_facing_files()
        if path.relative_to(ROOT).as_posix() not in RENDERER
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if EMERGENCY_TEXT.search(line)
    ]
    assert not found, "render these with spasm_aid.replies (words in domain.yml):\n" + "\n".join(found)


@pytest.mark.parametrize("line", [
    'TEXT = "If you need help now, call {number}."', 'f"Call {number} now"', '<a href="tel:911">',
    '"Can\'t reach the assistant. Call " + number', "return 503 '{\"text\": \"call $emergency_number\"}'",
])
def test_the_emergency_text_check_sees_each_way_of_writing_it(line):
    assert EMERGENCY_TEXT.search(line)


def test_the_clinical_basis_is_in_the_repository_and_the_readme_links_it():
    # issue 27: someone who clones the project sees why the assistant says what it says,
    # without a file outside the repository
    readme = (ROOT / "README.md").read_text()
    assert "docs/clinical-basis.md" in readme and "../shared" not in readme
    basis = (ROOT / "docs" / "clinical-basis.md").read_text()
    for source in ("NICE NG59", "NHS", "Drug Facts"):
        assert source in basis, source
