"""Packages stand in layers and imports only go down: read from the code with `ast`.

A package may import the packages below it (and its own modules), never one above it, nor
another package's views. The table is the architecture: change it on purpose, with a reason.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "commentflow"

#: Lowest first. A package may import only packages on earlier lines.
LAYERS = [
    ("core",),  # time, text, dates, errors, roles, the database base, safe XML, uploads
    ("config", "extensions"),
    ("web",),  # HTTP plumbing only: security headers, CSRF, forms, errors, role decorators
    ("exports", "charts"),  # pure builders: data in, .docx/.xlsx bytes or SVG out
    ("audit", "storage"),
    ("signatures",),  # digital signatures on stored PDFs, checked against the trust roots
    ("directory",),  # agencies, groups, who keeps them
    ("accounts",),  # users, sessions, login
    ("notifications",),  # in-app notices and the mail outbox
    ("drafts",),
    ("rounds",),  # a round and its recipients, the request letter
    ("responses",),  # an agency's answer; the lead office's tracker of the answers
    ("reminders",),
    ("consolidation",),
    ("revisions",),  # round two: versions compared with the comments behind each change
    ("exchange",),  # edXML packages with e-office systems: requests, replies, statuses
    ("api",),  # the REST API: one more boundary over the services, like the pages
    ("home", "demo"),  # the app's shell (start page, menu) and the demo province
    ("models", "scheduler"),  # modules at the top of the package
    ("cli",),
]
RANK = {package: rank for rank, names in enumerate(LAYERS) for package in names}
VIEW_MODULES = ("views", "inbox_views", "lead_views", "admin_views", "token_views")


def _package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return parts[0] if len(parts) > 1 else parts[0]


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("commentflow."):
            yield node.lineno, node.module.split(".")[1:]
        elif isinstance(node, ast.ImportFrom) and node.module == "commentflow":
            for alias in node.names:
                yield node.lineno, [alias.name]


def _sources():
    return [p for p in ROOT.rglob("*.py") if p.name != "__init__.py" or p.parent != ROOT]


def test_every_package_has_a_layer():
    packages = {_package_of(p) for p in _sources()}
    assert packages - set(RANK) == set(), "add the new package to LAYERS"


def test_imports_only_go_down():
    upward = []
    for path in _sources():
        package = _package_of(path)
        for line, target in _imports(path):
            if target[0] != package and RANK[target[0]] >= RANK[package]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {'.'.join(target)}")
    assert upward == []


def test_no_package_imports_another_packages_views():
    found = []
    for path in _sources():
        package = _package_of(path)
        for line, target in _imports(path):
            if target[0] != package and len(target) > 1 and target[1] in VIEW_MODULES:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {'.'.join(target)}")
    assert found == []
