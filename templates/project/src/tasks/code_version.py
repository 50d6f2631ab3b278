"""Cache versions that follow the code, so that nobody has to bump one by hand.

A task's version is a hash of its function and of every function, class and constant of
this project that the function uses, directly or through others, read from the source
files. Editing a task or a helper it calls misses its cache; editing anything else
(another task, a docstring, a comment, the layout, a test) does not.

Reading the sources takes a quarter of a second, at every run's start: the hashes are
kept in a file (under ~/.cache/flyte-pipeline) with a hash of the source files they were
read from, and read again only when a source file has changed."""

import ast
import hashlib
import importlib.util
import inspect
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

from flytekit.core.cache import VersionParameters

# The folder holding the `tasks` and `workflows` packages: what counts as project code.
SOURCE_ROOT = Path(__file__).resolve().parent.parent
# Where the hashes are kept, a file per project (remembered); none without a home.
CACHE_HOME = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
MEMO_DIR = Path(CACHE_HOME, "flyte-pipeline")


class CodeVersion:
    """A flytekit CachePolicy, for `Cache(policies=CodeVersion())`."""

    def get_version(self, salt: str, params: VersionParameters) -> str:
        return code_hash(inspect.unwrap(params.func), salt)


def code_hash(function: Callable, salt: str = "") -> str:
    """A hash of a project function and the project code it uses (salted: a task's
    cache version). A function defined outside src/ or inside another: its own
    source."""
    module, name = function.__module__, function.__qualname__
    if module_file(module) is None or "<locals>" in name:
        return digest(salt, {inspect.getsource(function)})

    def computed() -> str:
        if name in definitions(module):
            return digest(salt, code_used_by(module, name))
        return digest(salt, {inspect.getsource(function)})

    return remembered(f"{salt} {module}.{name}", computed)


def digest(salt: str, parts: set[str]) -> str:
    hashed = hashlib.sha256(salt.encode())
    for part in sorted(parts):
        hashed.update(part.encode())
    return hashed.hexdigest()


def remembered(key: str, compute: Callable[[], str]) -> str:
    """What compute() gave for `key` when the project's source files were as they are
    now, kept in a file; compute() if they have changed since, or it never ran."""
    if not MEMO_DIR.is_absolute():
        return compute()
    sources = hashlib.sha256()
    for path in sorted(SOURCE_ROOT.rglob("*.py")):
        sources.update(f"{path.relative_to(SOURCE_ROOT)}\0".encode())
        sources.update(path.read_bytes())
    project = hashlib.sha256(str(SOURCE_ROOT).encode()).hexdigest()[:16]
    file = MEMO_DIR / f"code-hashes-{project}.json"
    try:
        memo = json.loads(file.read_text())
    except (OSError, ValueError):
        memo = {}
    if not isinstance(memo, dict) or memo.get("sources") != sources.hexdigest():
        memo = {"sources": sources.hexdigest(), "hashes": {}}
    if key not in memo["hashes"]:
        memo["hashes"][key] = compute()
        try:  # whole or not at all: runs at once each read a complete file
            MEMO_DIR.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=MEMO_DIR, delete=False) as out:
                json.dump(memo, out)
            os.replace(out.name, file)
        except OSError:  # a read-only home (a pod): computed again next time
            pass
    return memo["hashes"][key]


def code_used_by(module: str, name: str) -> set[str]:
    """The task `module.name` and every project definition it reaches, as text. The
    task's decorator is left out: the resources it asks for do not change results."""
    root = definition(module, name, with_decorators=False)
    parts = {root[0]}
    pending = list(root[1])
    seen = set(pending)
    while pending:
        text, used = definition(*pending.pop())
        parts.add(text)
        for reached in used:
            if reached not in seen:
                seen.add(reached)
                pending.append(reached)
    return parts


@lru_cache(maxsize=None)
def definition(
    module: str, name: str, with_decorators: bool = True
) -> tuple[str, list[tuple[str, str]]]:
    """What `name` means in `module`, as text (its syntax tree without docstrings),
    and the names it uses in turn, as (module, name) pairs."""
    module, name, node = resolve(module, name)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return f"{module}.{name}={imported(node, name)}", []
    if not with_decorators and isinstance(node, ast.FunctionDef):
        node = ast.FunctionDef(**{**dict(ast.iter_fields(node)), "decorator_list": []})
    names = {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}
    used = sorted((module, used) for used in names if used in definitions(module))
    return f"{module}.{name}={dump(node)}", used


def resolve(module: str, name: str) -> tuple[str, str, ast.AST]:
    """Where `name`, as `module` uses it, is defined: following the imports between
    project modules, or stopping at the statement that imports it from a library
    (whose code is the locked dependencies' business)."""
    node = definitions(module)[name]
    while isinstance(node, ast.ImportFrom):
        package = module.rpartition(".")[0]
        relative = "." * node.level + (node.module or "")
        source = importlib.util.resolve_name(relative, package)
        original = next(a.name for a in node.names if (a.asname or a.name) == name)
        submodule = f"{source}.{original}"
        if module_file(submodule) is not None:  # from tasks import layers: all of it
            return submodule, "*", module_tree(submodule)
        if module_file(source) is None or original not in definitions(source):
            break
        module, name, node = source, original, definitions(source)[original]
    return module, name, node


def imported(statement: ast.Import | ast.ImportFrom, name: str) -> str:
    """What an import statement binds to `name`: `from pandas import DataFrame`."""
    alias = next(
        a for a in statement.names if (a.asname or a.name.split(".")[0]) == name
    )
    if isinstance(statement, ast.Import):
        return f"import {alias.name}"
    return f"from {'.' * statement.level}{statement.module or ''} import {alias.name}"


def module_file(module: str) -> Optional[Path]:
    """The source file of a project module, found without importing anything."""
    base = SOURCE_ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=None)
def module_tree(module: str) -> ast.Module:
    path = module_file(module)
    if path is None:
        raise ValueError(f"{module} is not a module of this project")
    return ast.parse(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def definitions(module: str) -> dict[str, ast.AST]:
    """Each name a module defines or imports at its top level, with its statement."""
    found: dict[str, ast.AST] = {}
    statements = list(module_tree(module).body)
    while statements:
        node = statements.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        found[leaf.id] = node
        elif isinstance(node, (ast.If, ast.Try)):  # if TYPE_CHECKING: ..., try: import
            handlers = [h.body for h in getattr(node, "handlers", [])]
            statements[:0] = [
                *node.body,
                *(statement for body in handlers for statement in body),
                *node.orelse,
                *getattr(node, "finalbody", []),
            ]
    return found


def dump(value: object) -> str:
    """A syntax tree as text, without docstrings (and, as in ast.dump, without line
    numbers): what changes only when the code does."""
    if isinstance(value, list):
        return "[" + ", ".join(map(dump, value)) + "]"
    if not isinstance(value, ast.AST):
        return repr(value)
    fields = dict(ast.iter_fields(value))
    body = fields.get("body")
    if (
        isinstance(value, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        fields["body"] = body[1:]
    text = ", ".join(f"{field}={dump(part)}" for field, part in fields.items())
    return f"{type(value).__name__}({text})"
