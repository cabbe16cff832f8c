"""Production settings (issue 18, part 8): `check --deploy` is clean with the production environment;
HTTPS settings come from it; a Content-Security-Policy on every page; Swagger UI from our own static
files and the schema behind a login; an inspection photo must really be a picture of bounded size."""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
import subprocess
import sys
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from compliance.inspections import PHOTO_MAX_BYTES, inspection_record
from compliance.models import Inspection, InspectionLine
from core.exceptions import InvalidInput
from pricing.models import Product, ProductPrice
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "distribution.settings",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "guide.example.cn",
    "DJANGO_HTTPS": "1",
}


def _check_deploy(**overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(PRODUCTION)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_the_production_environment():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_https_settings_check_deploy_names_what_is_missing():
    result = _check_deploy(DJANGO_HTTPS=None)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, warning


def _settings_under(environment: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(environment)
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({n: getattr(s, n, None) "
        "for n in ['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'CSRF_TRUSTED_ORIGINS']}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)  # noqa: S603
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_settings_come_from_the_environment():
    off = _settings_under({"DJANGO_SETTINGS_MODULE": "distribution.settings"})
    assert off["SECURE_SSL_REDIRECT"] is False
    assert off["SECURE_HSTS_SECONDS"] == 0
    on = _settings_under({**PRODUCTION, "DJANGO_SECURE_PROXY_SSL_HEADER": "1", "DJANGO_CSRF_TRUSTED_ORIGINS": "https://guide.example.cn"})
    assert on == {
        "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "CSRF_TRUSTED_ORIGINS": ["https://guide.example.cn"],
    }  # fmt: skip
    # each can be set on its own (a site whose other subdomains are not on HTTPS yet)
    partial = _settings_under({**PRODUCTION, "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "0"})
    assert partial["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert partial["SECURE_SSL_REDIRECT"] is True


def test_plain_http_is_sent_to_https_but_the_health_probe_is_not(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # (SecurityMiddleware reads these when the client first asks)
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("portal:login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/m/login/"
    assert client.get("/healthz").status_code == 200
    secure = client.get(reverse("portal:login"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_secure_cookies_when_set(client, settings, supervisor):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    page = client.get(reverse("admin:login"), secure=True)
    assert page.cookies["csrftoken"]["secure"] is True
    login = client.post(
        reverse("admin:login"), {"username": "boss", "password": "pw-12345", "next": "/admin/"}, secure=True
    )
    assert login.status_code == 302
    assert login.cookies["sessionid"]["secure"] is True
    assert login.cookies["sessionid"]["httponly"] is True


def test_every_page_carries_a_content_security_policy(client, supervisor):
    for url in (reverse("portal:login"), reverse("admin:login")):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"].startswith("'self'")
        assert "'unsafe-inline'" not in directives["script-src"]  # no inline script runs
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["base-uri"] == "'self'"


def test_the_policy_is_django_csps_built_once_and_its_decorators_still_apply(rf, settings):
    from csp.decorators import csp_exempt, csp_update
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    from core.middleware import ContentSecurityPolicyMiddleware

    def page(request):
        return HttpResponse("ok")

    ours = ContentSecurityPolicyMiddleware(page)
    assert ours(rf.get("/"))["Content-Security-Policy"] == CSPMiddleware(page)(rf.get("/"))["Content-Security-Policy"]
    assert "Content-Security-Policy" not in ContentSecurityPolicyMiddleware(csp_exempt()(page))(rf.get("/"))
    updated = ContentSecurityPolicyMiddleware(csp_update({"img-src": "https://tiles.example.cn"})(page))(rf.get("/"))
    assert "img-src 'self' data: https://tiles.example.cn" in updated["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}  # settings changed: rebuilt
    assert ours(rf.get("/"))["Content-Security-Policy"] == "default-src 'none'"


# --- the API's schema and docs -------------------------------------------------------------------


def test_the_schema_and_the_docs_need_a_login(client):
    assert client.get(reverse("schema")).status_code in (401, 403)
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 302
    assert docs["Location"].startswith(reverse("admin:login"))


def test_swagger_ui_comes_from_our_static_files(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower()
    scripts = [part.split('"', 1)[0] for part in html.split('<script src="')[1:]]
    assets = [part.split('"', 1)[0] for part in html.split('<link rel="stylesheet" href="')[1:]]
    assert len(scripts) == 3  # the bundle, the standalone preset and our own init script
    for url in scripts[:2] + assets:
        assert not urlparse(url).netloc, url  # same site, no CDN
        assert url.startswith("/static/drf_spectacular_sidecar/swagger-ui-dist/"), url
        assert finders.find(url.removeprefix("/static/")), url  # shipped in the package: works offline
    init = client.get(scripts[2].replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert reverse("schema") in init.content.decode()
    schema = client.get(reverse("schema"))
    assert schema.status_code == 200
    assert b"Retail distribution API" in schema.content


def test_a_retailer_token_may_read_the_schema(client, retailer_of_a):
    from retailers.logins import retailer_login_reset

    password = retailer_login_reset(retailer=retailer_of_a, actor=retailer_of_a.manager)
    retailer_of_a.refresh_from_db()
    token = client.post(reverse("api-token"), {"username": retailer_of_a.license_no, "password": password}).json()["token"]
    assert client.get(reverse("schema"), HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


# --- the inspection photo ----------------------------------------------------------------------


@pytest.fixture
def product(db):
    made = Product.objects.create(code="P1", name="长河(硬红)", wholesale_price=176, retail_price=200)
    ProductPrice.objects.create(product=made, effective_from=dt.date(2026, 1, 1), wholesale_price=176, retail_price=200)
    return made


def _picture(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), "white").save(out, kind)
    return out.getvalue()


def _record(manager, retailer, photo):
    return inspection_record(
        inspector=manager, retailer=retailer, visited_on=dt.date(2026, 11, 20), kind="open",
        lines=[{"product": "P1", "tag_present": True, "tag_price": "200", "photo": photo}],
    )  # fmt: skip


HTML = b"<!doctype html><html><body><script>fetch('/api/v1/me/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


@pytest.mark.parametrize(
    ("name", "data", "declared", "reason"),
    [
        ("tag.html", HTML, "image/jpeg", "This file is not a picture."),
        ("tag.svg", SVG, "image/svg+xml", "This file is not a picture."),
        ("tag.jpg", SVG, "image/jpeg", "This file is not a picture."),  # an SVG given a picture's name
        ("tag.png", _picture("PNG")[:40], "image/png", "This file is not a picture."),  # cut short
        ("tag.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (PHOTO_MAX_BYTES - 3), "image/jpeg", "The photo is larger than 8 MB."),
    ],
    ids=["html-as-jpeg", "svg", "svg-named-jpg", "truncated-png", "oversize"],
)
def test_a_photo_that_is_not_a_real_picture_is_refused_and_nothing_stored(
    manager_a, retailer_of_a, product, settings, tmp_path, name, data, declared, reason
):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        _record(manager_a, retailer_of_a, SimpleUploadedFile(name, data, content_type=declared))
    assert [(e.row, e.column, e.reason) for e in refused.value.errors] == [(1, "photo", reason)]
    assert not Inspection.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


@pytest.mark.parametrize(("kind", "suffix"), [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp")])
def test_a_real_picture_is_kept_under_its_own_kind_whatever_its_name(
    manager_a, retailer_of_a, product, settings, tmp_path, kind, suffix
):
    settings.MEDIA_ROOT = tmp_path
    data = _picture(kind)
    inspection = _record(manager_a, retailer_of_a, SimpleUploadedFile("tag.html", data, content_type="text/html"))
    line = InspectionLine.objects.get(inspection=inspection)
    assert line.photo.name.startswith("inspections/")
    assert line.photo.name.endswith(f"/tag{suffix}")  # never served back as a page
    assert (tmp_path / line.photo.name).read_bytes() == data


def test_the_phone_inspection_page_names_a_fake_photo(client, manager_a, retailer_of_a, product, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(manager_a)
    form = {
        "kind": "open", "notes": "", f"tag_{product.pk}": "present", f"tag_price_{product.pk}": "200",
        f"photo_{product.pk}": SimpleUploadedFile("tag.svg", SVG, content_type="image/png"),
    }  # fmt: skip
    response = client.post(reverse("inspections:inspect", args=[retailer_of_a.pk]), form)
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "这个文件不是图片。" in page
    assert not Inspection.objects.exists()
    assert not list(tmp_path.rglob("*.*"))
