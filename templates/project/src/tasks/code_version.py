"""Cache versions that follow the code, so that nobody has to bump one by hand.

A task's version is a hash of its function and of every function, class and constant of
this project that the function uses, directly or through others, read from the source
files. Editing a task or a helper it calls misses its cache; editing anything else
(another task, a docstring, a comment, the layout, a test) does not."""

import ast
import hashlib
import importlib.util
import inspect
from functools import lru_cache
from pathlib import Path
from typing import Optional

from flytekit.core.cache import VersionParameters

# The folder holding the `tasks` and `workflows` packages: what counts as project code.
SOURCE_ROOT = Path(__file__).resolve().parent.parent


class CodeVersion:
    """A flytekit CachePolicy, for `Cache(policies=CodeVersion())`."""

    def get_version(self, salt: str, params: VersionParameters) -> str:
        function = inspect.unwrap(params.func)
        module, name = function.__module__, function.__qualname__
        if module_file(module) is not None and name in definitions(module):
            parts = code_used_by(module, name)
        else:  # a task defined outside src/ or inside a function: its own source
            parts = {inspect.getsource(function)}
        digest = hashlib.sha256(salt.encode())
        for part in sorted(parts):
            digest.update(part.encode())
        return digest.hexdigest()


def code_hash(function: object) -> str:
    """A hash of a project function and the project code it uses, as get_version
    computes it."""
    digest = hashlib.sha256()
    for part in sorted(code_used_by(function.__module__, function.__qualname__)):
        digest.update(part.encode())
    return digest.hexdigest()


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
