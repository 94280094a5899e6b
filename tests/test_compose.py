"""docker-compose.yml and the Dockerfile agree with the code (config.Settings, pyproject.toml).

Plain parsing: no Docker needed. Compose's `${VAR:-default}` / `${VAR:?message}` interpolation is
emulated by `interpolate` so the environment the app services would get can be fed to Settings.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import config  # noqa: E402

APP_SERVICES = ("api", "worker", "migrate")
SERVICES = {"postgres", "temporal", "temporal-ui", "register-search-attributes", *APP_SERVICES}
# shared/CONVENTIONS.md: the search attributes the workflows upsert.
SEARCH_ATTRIBUTES = {
    "VenueId": "Keyword",
    "BookingId": "Keyword",
    "CheckNumbers": "KeywordList",
    "SyncStatus": "Keyword",
}
# A floor for the derivation below, so a broken derivation cannot pass by finding nothing.
KNOWN_REQUIRED = {"DATABASE_URL", "TEMPORAL_ADDRESS", "MOZREST_WEBHOOK_TOKEN", "RMS_API_TOKEN", "MOZREST_API_KEY"}
FIELDS = config.Settings.model_fields


@cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # safe_load resolves `<<` merges


def service(name: str) -> dict:
    return compose()["services"][name]


def env_of(name: str) -> dict[str, str]:
    env = service(name).get("environment", {})
    assert isinstance(env, dict), f"{name}: use the mapping form of `environment`"
    return {k: str(v) for k, v in env.items()}


def command_text(name: str) -> str:
    svc = service(name)
    parts = []
    for key in ("entrypoint", "command"):
        value = svc.get(key) or []
        parts += [value] if isinstance(value, str) else value
    return " ".join(parts)


_VAR = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str, shell: dict[str, str]) -> str:
    """Compose-style interpolation; a missing `${VAR:?msg}` raises LookupError like compose refuses."""

    def sub(m: re.Match) -> str:
        name, op, arg = m["name"], m["op"], m["arg"]
        val = shell.get(name)
        if op in (":?", "?") and (val is None or (op == ":?" and not val)):
            raise LookupError(f"{name}: {arg}")
        if op in (":-", "-") and (val is None or (op == ":-" and not val)):
            return arg
        return val or ""

    return _VAR.sub(sub, value.replace("$$", "\0")).replace("\0", "$")


@pytest.fixture
def clean_env(monkeypatch):
    """No Settings value may leak in from the process environment (CI may set DATABASE_URL...)."""
    for key in list(os.environ):
        if key.lower() in FIELDS:
            monkeypatch.delenv(key)


def required_in_production() -> list[str]:
    """The variables Settings.check_secrets demands in production, found one ConfigError at a time."""
    given: dict[str, str] = {}
    for _ in range(len(FIELDS) + 1):
        try:
            config.Settings(_env_file=None, environment="production", **given).check_secrets()
        except config.ConfigError as exc:
            m = re.match(r"([A-Z][A-Z0-9_]*) is required", str(exc))
            assert m, f"unexpected ConfigError while only adding required values: {exc}"
            assert m[1].lower() in FIELDS and m[1].lower() not in given, m[1]
            given[m[1].lower()] = f"test-{m[1].lower()}"  # distinct, non-dev values
        else:
            return [name.upper() for name in given]
    pytest.fail("check_secrets never passed")


def test_services_exist():
    assert SERVICES <= set(compose()["services"]), SERVICES - set(compose()["services"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_are_built_from_the_repo_dockerfile(name):
    build = service(name).get("build")
    assert build, f"{name} has no build"
    context, dockerfile = (
        (build, "Dockerfile")
        if isinstance(build, str)
        else (build.get("context", "."), build.get("dockerfile", "Dockerfile"))
    )
    assert (ROOT / context / dockerfile).resolve() == (ROOT / "Dockerfile").resolve()


def test_required_variables_are_derived_from_settings(clean_env):
    required = set(required_in_production())
    assert KNOWN_REQUIRED <= required, KNOWN_REQUIRED - required


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_every_production_variable(clean_env, name):
    env = env_of(name)
    required = required_in_production()
    assert env.get("ENVIRONMENT") == "production"
    missing = [var for var in required if not env.get(var)]
    assert not missing, f"{name} lacks {missing}"
    # Secrets use ${VAR:?...}: compose must refuse to start without them.
    for var in required:
        if SecretStr in getattr(FIELDS[var.lower()].annotation, "__args__", ()):
            with pytest.raises(LookupError):
                interpolate(env[var], {})


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_passes_check_secrets(clean_env, name):
    shell = {"POSTGRES_PASSWORD": "pw", "MOZREST_WEBHOOK_TOKEN": "wh", "RMS_API_TOKEN": "rms", "MOZREST_API_KEY": "key"}
    env = {k.lower(): interpolate(v, shell) for k, v in env_of(name).items()}
    settings = config.Settings(_env_file=None, **{k: v for k, v in env.items() if k in FIELDS})
    settings.check_secrets()
    assert settings.environment == "production"
    assert settings.temporal_address == "temporal:7233"
    assert settings.database_url.startswith("postgresql://") and settings.database_url.endswith(
        "@postgres:5432/mozrest_sync"
    )


def test_app_services_share_one_environment():
    assert env_of("api") == env_of("worker") == env_of("migrate")


def test_commands():
    assert "worker.py" in command_text("worker")
    assert "migrate.py" in command_text("migrate")
    api = command_text("api") or dockerfile_cmd()
    assert "api.main:app" in api
    assert any(p.split(":")[-1] == "8000" for p in service("api").get("ports", []))


def test_start_order():
    for name in ("api", "worker"):
        deps = service(name)["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully", name
        assert deps["temporal"]["condition"] in ("service_healthy", "service_started"), name
    assert service("migrate")["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in json.dumps(service("postgres")["healthcheck"]["test"])
    assert any(v.split(":")[1] == "/var/lib/postgresql/data" for v in service("postgres")["volumes"])


def test_temporal_uses_postgres_persistence():
    t, pg = env_of("temporal"), env_of("postgres")
    assert service("temporal")["image"].startswith("temporalio/auto-setup:")
    assert t["DB"] == "postgres12" and t["DB_PORT"] == "5432" and t["POSTGRES_SEEDS"] == "postgres"
    assert t["POSTGRES_USER"] == pg["POSTGRES_USER"] and t["POSTGRES_PWD"] == pg["POSTGRES_PASSWORD"]
    # auto-setup skips creating its database when it has the role's name: it would then be missing.
    role = interpolate(pg["POSTGRES_USER"], {})
    assert role not in (t.get("DBNAME", "temporal"), t.get("VISIBILITY_DBNAME", "temporal_visibility"))
    assert pg.get("POSTGRES_DB") == "mozrest_sync"
    assert env_of("temporal-ui")["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert "8233:8080" in service("temporal-ui")["ports"]


def test_search_attributes_are_registered_in_the_app_namespace():
    reg = service("register-search-attributes")
    assert reg["image"].startswith("temporalio/admin-tools:")
    pairs = dict(re.findall(r"--name\s+(\w+)\s+--type\s+(\w+)", command_text("register-search-attributes")))
    assert {k: pairs.get(k) for k in SEARCH_ATTRIBUTES} == SEARCH_ATTRIBUTES
    namespace = env_of("api")["TEMPORAL_NAMESPACE"]
    assert env_of("register-search-attributes")["TEMPORAL_NAMESPACE"] == namespace
    assert env_of("temporal").get("DEFAULT_NAMESPACE") == namespace  # auto-setup creates that namespace


# --- Dockerfile ---------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines if line and not line.startswith("#")
    ]


def dockerfile_cmd() -> str:
    cmds = [args for instr, args in dockerfile() if instr == "CMD"]
    assert cmds, "the Dockerfile has no CMD"
    return " ".join(json.loads(cmds[-1])) if cmds[-1].startswith("[") else cmds[-1]


def copied_sources() -> set[str]:
    sources: set[str] = set()
    for instr, args in dockerfile():
        if instr in ("COPY", "ADD"):
            parts = json.loads(args) if args.startswith("[") else shlex.split(args)
            if any(p.startswith("--from") for p in parts):
                continue  # from another stage, not the repo
            parts = [p for p in parts if not p.startswith("--")]
            sources |= {p.removeprefix("./").rstrip("/") or "." for p in parts[:-1]}
    return sources


def test_dockerfile_copies_every_packaged_path():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    st = pyproject["tool"]["setuptools"]
    needed = {p.replace(".", "/") for p in st["packages"]} | {f"{m}.py" for m in st["py-modules"]}
    needed |= {"migrations", "pyproject.toml", pyproject["project"]["readme"]}
    sources = copied_sources()

    def covered(path: str) -> bool:
        return any(src in (".", path) or path.startswith(src + "/") for src in sources)

    missing = [p for p in sorted(needed) if not covered(p)]
    assert not missing, f"pyproject.toml packages these but the Dockerfile does not COPY them: {missing}"
    # COPY of a path that does not exist fails the build.
    absent = [s for s in sorted(sources) if not any(ROOT.glob(s))]
    assert not absent, f"the Dockerfile COPYs paths the repo lacks: {absent}"


def test_dockerfile_image_shape():
    instructions = dockerfile()
    assert instructions[0][0] == "FROM" and instructions[0][1].startswith("python:3.11-slim")
    assert any(i == "RUN" and re.search(r"pip install \.(\s|$)", a) for i, a in instructions)
    users = [a for i, a in instructions if i == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image must not run as root"
    assert dockerfile_cmd().split()[:2] == ["uvicorn", "api.main:app"]
    assert "--host 0.0.0.0" in dockerfile_cmd() and "--port 8000" in dockerfile_cmd()
