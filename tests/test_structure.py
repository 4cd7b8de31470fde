"""The architecture as the code has it: packages import downward only, and one object reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("hme_rpa", "bots", "extractors", "queue_client", "queue_server", "sandbox")
# Which project packages each may import. The leaves (configuration, business days) import none; the command
# line (hme_rpa.cli, hme_rpa.demo, hme_rpa.recording: tools that drive the robots against the sandbox) is the
# top and may import any.
ALLOWED = {
    "hme_rpa.config": {"hme_rpa.business_days"},
    "hme_rpa.business_days": set(),
    "extractors": set(),
    "queue_client": {"queue_client.contract"},  # the standard library alone: a runner imports nothing of the server
    "queue_client.contract": set(),
    # The API's vocabulary (queue_client/contract.py) is one copy, the server's and the runners'.
    "queue_server": {"hme_rpa.config", "hme_rpa.business_days", "queue_client.contract"},
    "sandbox": {"hme_rpa.config"},
    # The robots reach the queue through its API client alone and never the sandbox they practise on.
    "bots": {"hme_rpa.config", "hme_rpa.business_days", "extractors", "queue_client", "queue_client.contract"},
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    package = _module(path).split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against this module's package
                base = package[: len(package) - node.level + (1 if path.name == "__init__.py" else 0)]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def _owner(module: str) -> str:
    for key in sorted(ALLOWED, key=len, reverse=True):
        if module == key or module.startswith(key + "."):
            return key
    return module.split(".")[0]


def test_no_package_imports_one_above_it() -> None:
    wrong = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            module = _module(path)
            owner = _owner(module)
            if owner not in ALLOWED:
                continue  # the command line: the top
            for imported in _imports(path):
                target = _owner(imported)
                if target != owner and target not in ALLOWED[owner] and not imported.startswith(owner):
                    wrong.append(f"{module} imports {imported}")
    assert not wrong, wrong


def test_only_the_configuration_reads_the_environment() -> None:
    readers = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if _module(path) == "hme_rpa.config":
                continue
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                # os.environ.get(...), os.environ[...] read, os.getenv(...): a setting read outside Config.
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    target = ast.unparse(node.func)
                    if target in ("os.environ.get", "os.getenv"):
                        readers.append(f"{_module(path)}:{node.lineno} {target}")
                if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" \
                        and isinstance(node.ctx, ast.Load):
                    readers.append(f"{_module(path)}:{node.lineno} os.environ[...]")
    assert readers == [], readers


def test_a_runner_loads_nothing_of_the_server() -> None:
    """A runner holds an API token and nothing else: importing the robots loads neither Flask nor SQLAlchemy
    (their runs and units are the queue server's, reached through its API)."""
    import subprocess
    import sys

    code = ("import sys, bots.runner, queue_client; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'queue_server')))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout


def test_the_item_a_runner_builds_is_the_item_the_api_validates() -> None:
    """One vocabulary on both sides (the server imports the client's enums), and the runner's `Item` names the
    fields the API's `ItemIn` takes, no more and no fewer."""
    from queue_client import contract
    from queue_server.api.schemas import ItemIn
    from queue_server.domain import kinds
    from queue_server.models import robots

    assert kinds.Kind is contract.Kind and kinds.Team is contract.Team and kinds.Status is contract.Status
    assert robots.RunStatus is contract.RunStatus and robots.UnitStatus is contract.UnitStatus
    runner_fields = set(contract.Item.__annotations__) | set(contract._ItemRequired.__annotations__)
    assert runner_fields == set(ItemIn.model_fields)
    contract.check_item({"idempotency_key": "denial:C1", "kind": "denial", "payer_type": "medicare"})
    for wrong in ({"idempotency_key": "k", "kind": "denial", "claim": "C1"}, {"idempotency_key": "k", "kind": "nope"},
                  {"kind": "denial"}):
        with pytest.raises(contract.ContractError):
            contract.check_item(wrong)
