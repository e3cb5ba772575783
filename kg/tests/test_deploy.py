"""Deployment: the Docker image's settings pass `check --deploy`, hosts are validated,
the Content-Security-Policy forbids inline and eval scripts, and every setting is documented."""

import re
import secrets
from pathlib import Path

import pytest

from kg.tests.test_settings import run_manage

ROOT = Path(__file__).resolve().parents[2]
ENV_READ = re.compile(
    r"""(?:env_bool|env_int|env_list|os\.environ\.get|os\.getenv|os\.environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def dockerfile_env() -> dict[str, str]:
    """The ENV block(s) of the Dockerfile, as the image sets them."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", line))
    return env


def settings_read_from_environment() -> set[str]:
    return set(ENV_READ.findall((ROOT / "kg" / "settings.py").read_text()))


def test_image_settings_pass_check_deploy(tmp_path):
    env = dockerfile_env()
    assert env["DEBUG"] == "false" and env["SECURE_SSL_REDIRECT"] == "true"
    # What the operator adds through .env: a real key and the host name.
    env |= {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "mianjing.example.org"}
    env.pop("DATA_DIR", None), env.pop("MEDIA_ROOT", None), env.pop("PAPERS_DIR", None)
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_the_image_settings_check_deploy_warns(tmp_path):
    # The check can fail: a plain production environment without the HTTPS settings warns.
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "mianjing.example.org"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


@pytest.mark.django_db
def test_unknown_host_gets_400(client, settings):
    settings.ALLOWED_HOSTS = ["mianjing.example.org"]
    assert client.get("/livez", HTTP_HOST="mianjing.example.org").status_code == 200
    assert client.get("/", HTTP_HOST="evil.example.com").status_code == 400
    assert client.get("/healthz", HTTP_HOST="evil.example.com").status_code == 400


@pytest.mark.django_db
def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/livez").status_code == 200
    response = client.get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_and_eval_scripts(client):
    response = client.get("/")
    directives = csp_directives(response["Content-Security-Policy"])
    scripts = directives.get("script-src", directives["default-src"])
    assert scripts == ["'self'"]
    assert "'unsafe-inline'" not in directives.get("script-src-elem", []) + directives.get("script-src-attr", [])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    # Style sheets come only from us; only style attributes (KaTeX layout) may be inline.
    assert directives["style-src-elem"] == ["'self'"]


@pytest.mark.django_db
def test_pages_carry_the_htmx_csp_config_and_no_inline_script(client):
    html = client.get("/").content.decode()
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_every_setting_is_in_env_example_and_readme():
    names = settings_read_from_environment()
    assert {"SECRET_KEY", "DATABASE_URL", "READ_REQUIRES_LOGIN"} <= names
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    readme = (ROOT / "README.md").read_text()
    assert not names - listed, f"settings missing from .env.example (add NAME=default): {sorted(names - listed)}"
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert not undocumented, f"settings missing from README.md's Settings table: {undocumented}"


def test_compose_passes_every_setting_to_the_app():
    compose = (ROOT / "docker-compose.yml").read_text()
    # Paths are fixed inside the image (/data/...); everything else is configurable.
    fixed_in_image = {"DATA_DIR", "MEDIA_ROOT", "PAPERS_DIR"}
    missing = sorted(n for n in settings_read_from_environment() - fixed_in_image if f"{n}:" not in compose)
    assert not missing, f"settings docker-compose.yml does not pass on: {missing}"
