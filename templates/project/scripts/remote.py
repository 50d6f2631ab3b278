"""The remote loop behind `./run --remote` and `make build push`: build and push the
task image only when its inputs changed, register the code (fast registration), launch.

    python scripts/remote.py image-tag      the image tag: a hash of the image's inputs
    python scripts/remote.py code-dir       where a pod unpacks the registered code
    python scripts/remote.py version        the version to register: commit + changes
    python scripts/remote.py raw-data       the raw data src/dataset.py declares
    python scripts/remote.py image-in-ecr   exit 0: ECR has the tag; 10: it has not
    python scripts/remote.py ecr-login-password
    python scripts/remote.py run [--dry-run] [--wait] [--json] WORKFLOW [inputs...]

Settings come from the environment, which the Makefile exports (see `make remote-env`):
AWS_ACCOUNT_ID, AWS_REGION, ECR_REPOSITORY, FLYTE_PROJECT, FLYTE_DOMAIN and
FLYTECTL_CONFIG; REGISTRY, when set to another registry than the ECR one, skips the ECR
steps (its check for the tag, its login).
"""

import base64
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional, get_args, get_origin

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Code under src/ reaches the cluster by fast registration: not part of the image tag.
FAST_REGISTERED = ("src",)


class RemoteError(Exception):
    """A failure the user can fix: printed as a cause and a fix, exit code 1."""

    def __init__(self, cause: str, fix: str):
        super().__init__(cause)
        self.fix = fix


# --- The image tag ------------------------------------------------------------------


def dockerfile_sources(dockerfile: str) -> list[str]:
    """The local paths COPY and ADD read from the build context, without src/."""
    text = re.sub(r"\\\n", " ", dockerfile)
    sources: list[str] = []
    for line in text.splitlines():
        words = line.strip().split(None, 1)
        if len(words) < 2 or words[0].upper() not in ("COPY", "ADD"):
            continue
        body = words[1].strip()
        parts = json.loads(body) if body.startswith("[") else shlex.split(body)
        if any(part.startswith("--from") for part in parts):
            continue  # copies from another build stage, not from the context
        paths = [part for part in parts if not part.startswith("--")][:-1]
        sources += [
            path
            for path in paths
            if path.strip("/").split("/")[0] not in FAST_REGISTERED
        ]
    return sources


def image_inputs(project_dir: Path) -> list[Path]:
    """Every file that goes into the image: the Dockerfile and what it copies."""
    dockerfile = project_dir / "Dockerfile"
    files = {dockerfile}
    for source in dockerfile_sources(dockerfile.read_text(encoding="utf-8")):
        path = project_dir / source
        if path.is_dir():
            files.update(child for child in path.rglob("*") if child.is_file())
        elif path.exists():
            files.add(path)
        else:
            raise RemoteError(
                f"the Dockerfile copies {source}, which does not exist",
                "create it (a lock file: make it with pipenv lock or uv lock)",
            )
    return sorted(files)


def image_tag(project_dir: Path = PROJECT_DIR) -> str:
    """SHA-256 over the image's input files (path and bytes): same inputs, same tag."""
    digest = hashlib.sha256()
    for path in image_inputs(project_dir):
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def code_dir(project_dir: Path = PROJECT_DIR) -> str:
    """Where a task's pod unpacks the fast-registered code: the image's WORKDIR, a
    folder the Dockerfile makes for the task user (flytekit's default, /root, is not
    writable by it). No other copy of the code is in the image to shadow this one."""
    dockerfile = (project_dir / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", dockerfile)
    workdirs = [
        line.split(None, 1)[1].strip()
        for line in text.splitlines()
        if line.strip().upper().startswith("WORKDIR ")
    ]
    if not workdirs or not workdirs[-1].startswith("/"):
        raise RemoteError(
            "the Dockerfile sets no absolute WORKDIR for the registered code",
            "end it with WORKDIR /home/flyte/app, a folder owned by the task user",
        )
    return workdirs[-1]


# --- The registered version -----------------------------------------------------------


def git(*args: str, project_dir: Path = PROJECT_DIR) -> Optional[str]:
    try:
        result = subprocess.run(
            ["git", *args], cwd=project_dir, capture_output=True, check=False
        )
    except FileNotFoundError:
        return None
    return result.stdout.decode() if result.returncode == 0 else None


def tree_hash(project_dir: Path) -> str:
    """A hash of everything under src/, for a project that is not a git repository."""
    digest = hashlib.sha256()
    for path in sorted((project_dir / "src").rglob("*.py")):
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:8]


def version(project_dir: Path = PROJECT_DIR) -> str:
    """The commit, plus a hash of uncommitted and untracked changes when there are any,
    so two different trees never share a version."""
    commit = git("rev-parse", "--short=12", "HEAD", project_dir=project_dir)
    if commit is None:
        return f"dev-{tree_hash(project_dir)}"
    untracked = git(
        "ls-files", "--others", "--exclude-standard", "-z", project_dir=project_dir
    )
    diff = git("diff", "HEAD", "--binary", project_dir=project_dir) or ""
    if not diff and not untracked:
        return commit.strip()
    digest = hashlib.sha256(diff.encode())
    for name in sorted(filter(None, (untracked or "").split("\0"))):
        path = project_dir / name
        # A link (to a folder, say) counts as where it points, not what it holds.
        content = (
            os.fsencode(os.readlink(path)) if path.is_symlink() else path.read_bytes()
        )
        digest.update(name.encode() + b"\0" + content)
    return f"{commit.strip()}-{digest.hexdigest()[:8]}"


# --- Settings and ECR ---------------------------------------------------------------


@dataclass
class Settings:
    account_id: str
    region: str
    repository: str
    project: str
    domain: str
    flyte_config: str
    registry_override: str = ""

    @property
    def ecr_registry(self) -> str:
        # China's regions are a partition of their own, under another domain.
        china = self.region.startswith("cn-")
        domain = "amazonaws.com.cn" if china else "amazonaws.com"
        return f"{self.account_id}.dkr.ecr.{self.region}.{domain}"

    @property
    def registry(self) -> str:
        return self.registry_override or self.ecr_registry

    @property
    def is_ecr(self) -> bool:
        return self.registry == self.ecr_registry

    @classmethod
    def from_env(cls) -> "Settings":
        names = {
            "account_id": "AWS_ACCOUNT_ID",
            "region": "AWS_REGION",
            "repository": "ECR_REPOSITORY",
            "project": "FLYTE_PROJECT",
            "domain": "FLYTE_DOMAIN",
            "flyte_config": "FLYTECTL_CONFIG",
        }
        missing = [env for env in names.values() if not os.environ.get(env)]
        if missing:
            raise RemoteError(
                f"{', '.join(missing)} not set",
                "run through ./run or make, which export the project's settings",
            )
        settings = {key: os.environ[env] for key, env in names.items()}
        return cls(**settings, registry_override=os.environ.get("REGISTRY", ""))


def ecr_client(settings: Settings):
    import botocore.session  # only the ECR commands need it

    return botocore.session.get_session().create_client(
        "ecr", region_name=settings.region
    )


def explain_aws_error(error: Exception, settings: Settings) -> RemoteError:
    name = type(error).__name__
    code = getattr(error, "response", {}).get("Error", {}).get("Code", name)
    if code == "RepositoryNotFoundException":
        return RemoteError(
            f"ECR repository {settings.repository} does not exist in {settings.region}",
            "create it with `make init`",
        )
    if name in ("NoCredentialsError", "PartialCredentialsError") or code in (
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "InvalidSignatureException",
    ):
        return RemoteError(
            f"AWS credentials are missing or rejected ({code})",
            "log in (aws sso login) or set AWS_PROFILE / AWS_ACCESS_KEY_ID",
        )
    if code == "AccessDeniedException":
        return RemoteError(
            f"AWS denied access to ECR: {error}",
            "use credentials allowed ecr:DescribeImages and ecr:GetAuthorizationToken",
        )
    return RemoteError(f"ECR request failed: {error}", "check the network and region")


def image_in_ecr(settings: Settings, tag: str) -> bool:
    """Whether ECR holds an image with this tag (DescribeImages)."""
    client = ecr_client(settings)
    try:
        client.describe_images(
            repositoryName=settings.repository, imageIds=[{"imageTag": tag}]
        )
        return True
    except Exception as error:  # botocore raises per-service error classes
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        if code == "ImageNotFoundException":
            return False
        raise explain_aws_error(error, settings) from error


def ecr_login_password(settings: Settings) -> str:
    client = ecr_client(settings)
    try:
        token = client.get_authorization_token()["authorizationData"][0]
    except Exception as error:
        raise explain_aws_error(error, settings) from error
    return base64.b64decode(token["authorizationToken"]).decode().split(":", 1)[1]


def local_image_exists(image: str) -> bool:
    try:
        result = subprocess.run(
            ["docker", "image", "inspect", image], capture_output=True, check=False
        )
    except FileNotFoundError:
        return False
    return result.returncode == 0


def require_docker() -> None:
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, check=False)
    except FileNotFoundError:
        raise RemoteError(
            "docker is not installed, and the image must be built",
            "install Docker, then re-run",
        ) from None
    if result.returncode != 0:
        raise RemoteError(
            "the Docker daemon is not running, and the image must be built",
            "start Docker (Docker Desktop, or: systemctl start docker), then re-run",
        )


# --- The plan -------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    run: bool
    reason: str
    command: list[str] = field(default_factory=list)


@dataclass
class Plan:
    workflow: str
    image: str
    tag: str
    version: str
    steps: list[Step]
    inputs: dict[str, str]

    def text(self, dry_run: bool) -> str:
        lines = [
            f"{'Dry run: ' if dry_run else ''}{self.workflow} on Flyte",
            f"  image     {self.image}",
            f"  version   {self.version}",
        ]
        for step in self.steps:
            lines.append(
                f"  {step.name:<9} {'run' if step.run else 'skip':<5} {step.reason}"
            )
            if step.command:
                lines.append(f"            $ {shlex.join(step.command)}")
        return "\n".join(lines)


def parse_inputs(arguments: list[str]) -> dict[str, str]:
    """`--name value` pairs, as `pyflyte run` takes them."""
    inputs: dict[str, str] = {}
    rest = list(arguments)
    while rest:
        name = rest.pop(0)
        if not name.startswith("--") or not rest:
            raise RemoteError(
                f"cannot read workflow input {name!r}",
                "pass inputs as --name value pairs",
            )
        inputs[name[2:].replace("-", "_")] = rest.pop(0)
    return inputs


def make_plan(
    settings: Settings,
    workflow: str,
    inputs: dict[str, str],
    *,
    tag: str,
    this_version: str,
    in_ecr: Optional[bool],
    unchecked: Optional[dict[str, str]] = None,
) -> Plan:
    """Each step, run or skipped and why, given the image tag, version and ECR state.

    A dry run plans what it could not check too: `in_ecr` is None when ECR could not be
    asked, and `unchecked` says, per step, what could not be checked and why."""
    unchecked = unchecked or {}
    image = f"{settings.registry}/{settings.repository}:{tag}"
    if not settings.is_ecr:
        in_ecr = False  # another registry: pushed every time, docker skips known layers
    build_command = [
        "docker",
        "build",
        "--platform",
        "linux/amd64",
        "--tag",
        image,
        ".",
    ]
    push_command = ["docker", "push", image]
    if in_ecr is None:
        missing = f"unless ECR has the tag {tag}: not checked, {unchecked.get('ecr')}"
        push = Step("push", True, missing, push_command)
    elif in_ecr:
        missing = ""
        push = Step("push", False, f"ECR already has the image tagged {tag}")
    elif settings.is_ecr:
        missing = "no image with this tag in ECR or locally"
        push = Step("push", True, f"ECR has no image tagged {tag}", push_command)
    else:
        missing = "no image with this tag in ECR or locally"
        other = f"{settings.registry} is not ECR: docker push sends only missing layers"
        push = Step("push", True, other, push_command)
    if in_ecr:
        build = Step("build", False, f"ECR already has the image tagged {tag}")
    elif local_image_exists(image):
        build = Step("build", False, "the image is already built locally")
    else:
        build = Step("build", True, missing, build_command)
    admin = unchecked.get("flyteadmin")
    register = Step(
        "register",
        True,
        f"fast registration of src/workflows as version {this_version}"
        + (f"; not checked: {admin}" if admin else ""),
        [
            "pyflyte",
            "register",
            "--project",
            settings.project,
            "--domain",
            settings.domain,
            "--image",
            image,
            "--version",
            this_version,
            "--copy",
            "auto",
            "--destination-dir",
            code_dir(),
            "src/workflows",
        ],
    )
    launch = Step(
        "launch",
        True,
        f"launch plan workflows.{workflow}.{workflow} @ {this_version}"
        + (f" with {json.dumps(inputs)}" if inputs else "")
        + (f"; not checked: {admin}" if admin else ""),
    )
    return Plan(
        workflow, image, tag, this_version, [build, push, register, launch], inputs
    )


# --- Running it -----------------------------------------------------------------------


def run_step(step: Step, stdin: Optional[bytes] = None) -> subprocess.CompletedProcess:
    print(f"$ {shlex.join(step.command)}", flush=True)
    return subprocess.run(step.command, cwd=PROJECT_DIR, input=stdin, check=False)


def push_image(settings: Settings, step: Step) -> None:
    if not settings.is_ecr:  # another registry: docker login to it is the user's
        if run_step(step).returncode != 0:
            raise RemoteError(
                f"docker push failed for {step.command[-1]}",
                f"see above; docker login {settings.registry} if it needs a login",
            )
        return
    password = ecr_login_password(settings).encode()
    login = Step(
        "login",
        True,
        "",
        ["docker", "login", "--username", "AWS", "--password-stdin", settings.registry],
    )
    if run_step(login, stdin=password).returncode != 0:
        raise RemoteError(
            f"docker could not log in to {settings.registry}",
            "check the AWS credentials (aws sts get-caller-identity) and the region",
        )
    if run_step(step).returncode != 0:
        raise RemoteError(f"docker push failed for {step.command[-1]}", "see above")


def register(settings: Settings, step: Step) -> None:
    result = subprocess.run(
        step.command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    print(f"$ {shlex.join(step.command)}", flush=True)
    output = result.stdout + result.stderr
    if result.returncode == 0 and "Failed" not in output:
        return
    if re.search(
        r"UNAVAILABLE|Unavailable|failed to connect|Connection refused", output
    ):
        raise RemoteError(
            "FlyteAdmin is unreachable (pyflyte register could not connect)",
            f"check admin.endpoint in {settings.flyte_config}, and that Flyte is up",
        )
    sys.stderr.write(output)
    raise RemoteError("pyflyte register failed (its output is above)", "fix, re-run")


def launch(settings: Settings, plan: Plan, wait: bool) -> int:
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import importlib

    local = getattr(
        importlib.import_module(f"workflows.{plan.workflow}"), plan.workflow
    )
    types = local.python_interface.inputs
    remote = FlyteRemote(
        Config.auto(config_file=settings.flyte_config),
        default_project=settings.project,
        default_domain=settings.domain,
    )
    launch_plan = remote.fetch_launch_plan(
        name=f"workflows.{plan.workflow}.{plan.workflow}", version=plan.version
    )
    inputs = {
        name: typed_input(name, value, types) for name, value in plan.inputs.items()
    }
    execution = remote.execute(launch_plan, inputs=inputs, type_hints=types)
    print(f"execution {execution.id.name}: {remote.generate_console_url(execution)}")
    if not wait:
        return 0
    execution = remote.wait(execution)
    phase = execution.closure.phase
    print(f"execution {execution.id.name} finished: phase {phase}")
    if execution.is_successful:
        return 0
    if "OOMKilled" in error_message(execution):
        execution = remote.sync_execution(execution, sync_nodes=True)
        print(killed_for_memory(execution), file=sys.stderr)
    return 1


def error_message(execution: Any) -> str:
    error = execution.closure.error
    return "" if error is None else error.message or ""


def killed_for_memory(execution: Any) -> str:
    """How an execution ends when Kubernetes killed one of its tasks for memory: which
    task (among its node executions, sub-workflows included), and the fix."""
    from tasks.errors import MEMORY_FIX

    def task_executions(nodes: dict) -> Iterator[Any]:
        for node in nodes.values():
            yield from node.task_executions
            yield from task_executions(node.subworkflow_node_executions)

    killed = [
        attempt.id.task_id.name
        for attempt in task_executions(execution.node_executions)
        if "OOMKilled" in error_message(attempt)
    ]
    task = f"the task {killed[-1]}" if killed else "a task"
    return (
        f"error: {task} was killed for memory on Flyte (OOMKilled)\n"
        f"  fix: {MEMORY_FIX}, then ./run --remote again"
    )


def typed_input(name: str, value: str, types: dict):
    """A command-line string as the workflow's input type, as pyflyte run reads it."""
    from flytekit.types.file import FlyteFile

    python_type = types.get(name)
    if python_type is None:
        raise RemoteError(f"the workflow has no input {name}", f"inputs: {list(types)}")
    if get_origin(python_type) is Annotated:  # a HashedFile: a FlyteFile, hashed
        python_type = get_args(python_type)[0]
    if python_type is bool:
        return value.lower() in ("1", "true", "yes")
    if python_type in (int, float, str):
        return python_type(value)
    if python_type is FlyteFile:
        return FlyteFile(value)
    return json.loads(value)


def declared_raw_data() -> str:
    """The raw data src/dataset.py declares, checked to exist when it is a file."""
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    from dataset import DATASET

    if not DATASET.is_remote and not (PROJECT_DIR / DATASET.raw_data).is_file():
        raise RemoteError(
            f"{DATASET.raw_data} (raw_data in src/dataset.py) does not exist",
            "put the file there, or point raw_data at another file or an s3:// URI",
        )
    return DATASET.raw_data


def flyte_admin_problem(settings: Settings, timeout: float = 2.0) -> str:
    """Why FlyteAdmin cannot be reached from here ("" when it answers a connection)."""
    import socket
    from urllib.parse import urlparse

    try:
        text = Path(settings.flyte_config).read_text(encoding="utf-8")
    except OSError:
        return f"no Flyte config at {settings.flyte_config}"
    found = re.search(r"^\s*endpoint:\s*['\"]?([^'\"\s#]+)", text, re.M)
    if not found:
        return f"no admin endpoint in {settings.flyte_config}"
    endpoint = found[1]
    address = urlparse(endpoint if "://" in endpoint else f"dns://{endpoint}")
    host = (address.netloc or address.path).lstrip("/")
    host, _, port = host.partition(":")
    port_number = int(port) if port.isdigit() else 443
    try:
        socket.create_connection((host, port_number), timeout=timeout).close()
    except OSError as error:
        why = error.strerror or str(error) or type(error).__name__
        return (
            f"FlyteAdmin at {host}:{port_number} is unreachable ({why});"
            f" fix: check admin.endpoint in {settings.flyte_config}"
        )
    return ""


def run(arguments: list[str]) -> int:
    flags = {"--dry-run", "--wait", "--json"}
    options = {arg for arg in arguments if arg in flags}
    positional = [arg for arg in arguments if arg not in flags]
    if not positional:
        raise RemoteError("no workflow named", "usage: remote.py run [--dry-run] WF")
    workflow, inputs = positional[0], parse_inputs(positional[1:])
    if workflow in ("full", "process_raw_data") and "raw_data" not in inputs:
        # A local file is uploaded by FlyteRemote at launch; an s3:// URI passes as is.
        inputs["raw_data"] = declared_raw_data()
    settings = Settings.from_env()
    dry_run = "--dry-run" in options
    unchecked: dict[str, str] = {}
    try:
        tag = image_tag()
    except RemoteError as error:
        if not dry_run:
            raise
        tag, unchecked["ecr"] = "<no tag yet>", f"{error} (fix: {error.fix})"
    # A real run stops at the first step it cannot do; a dry run plans them all, saying
    # in each step's line what it could not check.
    in_ecr: Optional[bool] = None if unchecked else False
    if settings.is_ecr and not unchecked:
        try:
            in_ecr = image_in_ecr(settings, tag)
        except RemoteError as error:
            if not dry_run:
                raise
            in_ecr, unchecked["ecr"] = None, f"{error} (fix: {error.fix})"
    if dry_run:
        problem = flyte_admin_problem(settings)
        if problem:
            unchecked["flyteadmin"] = problem
    plan = make_plan(
        settings,
        workflow,
        inputs,
        tag=tag,
        this_version=version(),
        in_ecr=in_ecr,
        unchecked=unchecked,
    )
    if "--json" in options:
        print(json.dumps({"dry_run": dry_run, **asdict(plan)}, indent=2))
    else:
        print(plan.text(dry_run), flush=True)
    if dry_run:
        return 0
    build, push, register_step, _ = plan.steps
    if build.run or push.run:
        require_docker()
    if build.run and run_step(build).returncode != 0:
        raise RemoteError("docker build failed (its output is above)", "fix, re-run")
    if push.run:
        push_image(settings, push)
    register(settings, register_step)
    return launch(settings, plan, wait="--wait" in options)


def main(arguments: list[str]) -> int:
    command, rest = (arguments[0], arguments[1:]) if arguments else ("", [])
    try:
        if command == "image-tag":
            print(image_tag())
        elif command == "code-dir":
            print(code_dir())
        elif command == "version":
            print(version())
        elif command == "raw-data":
            print(declared_raw_data())
        elif command == "image-in-ecr":
            return 0 if image_in_ecr(Settings.from_env(), image_tag()) else 10
        elif command == "ecr-login-password":
            print(ecr_login_password(Settings.from_env()))
        elif command == "run":
            return run(rest)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except RemoteError as error:
        print(f"error: {error}\n  fix: {error.fix}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
