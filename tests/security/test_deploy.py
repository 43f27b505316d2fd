"""Deployment hardening: `kenes check --deploy` is clean with the documented production
environment, pages carry a Content Security Policy and need no inline script, and the API docs
load Swagger UI from our own static files (issue #10)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

REPO = Path(__file__).resolve().parents[2]
KENES = Path(sys.executable).with_name("kenes")

# The production environment of docs/security.md ("Deployment hardening").
PRODUCTION_ENV = {
    "KENES_SECRET_KEY": secrets.token_urlsafe(60),
    "KENES_ALLOWED_HOSTS": "kenes.example.kz",
    "KENES_CSRF_TRUSTED_ORIGINS": "https://kenes.example.kz",
    "KENES_SECURE_COOKIES": "1",
    "KENES_HSTS_SECONDS": "31536000",
    "KENES_HSTS_INCLUDE_SUBDOMAINS": "1",
    "KENES_HSTS_PRELOAD": "1",
    "KENES_SSL_REDIRECT": "1",
    "KENES_PROXY_SSL_HEADER": "X-Forwarded-Proto=https",
    "KENES_PROXY_COUNT": "1",
    "KENES_STAFF_OTP": "1",
    "KENES_CACHE_URL": "redis://127.0.0.1:6379/0",
}


def _check_deploy(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A production process: no KENES_ setting of the test run, and not the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE (set in tests/browser/conftest.py when they are collected).
    env = {
        k: v
        for k, v in os.environ.items()
        if (not k.startswith("KENES_") or k in ("KENES_SHARED_DIR",))
        and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update({"KENES_DATA_DIR": str(tmp_path / "data"), **extra})
    return subprocess.run(
        [str(KENES), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    done = _check_deploy(tmp_path, PRODUCTION_ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_without_it(tmp_path):
    done = _check_deploy(tmp_path, {})
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012"):
        assert warning in done.stderr + done.stdout


def test_the_documented_environment_is_in_the_docs():
    doc = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    for name in PRODUCTION_ENV:
        assert name in doc, name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/propose/demo/v2/", "/track/", "/proposals/", "/ledger/verify/", "/api/docs"]
)
def test_pages_carry_a_csp_and_no_inline_script(demo_draft, url):
    response = Client().get(url, follow=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "application/json" in tag, tag
    assert not re.search(r"<style\b", html)
    assert not re.search(r"\son[a-z]+=\"", html)  # no inline event handlers


@pytest.mark.django_db
def test_api_docs_use_our_own_swagger_ui():
    client = Client()
    html = client.get("/api/docs").content.decode()
    # the page says its language (Swagger UI's own interface is English) and fits a phone
    assert '<html lang="en">' in html and 'name="viewport"' in html
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in scripts)
    for src in scripts:
        assert src.startswith("/static/"), src
    bundle = next(s for s in scripts if "swagger-ui-bundle.js" in s)
    assert client.get(bundle).status_code == 200
    # and in Kazakh or Russian too (?lang=)
    assert client.get("/api/docs?lang=kk").status_code == 200
