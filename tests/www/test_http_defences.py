"""HTTP defences (issue 19): a strict Content-Security-Policy with a fresh nonce per answer,
templates without inline script, handler or style attribute, the security headers, and
`Cache-Control: no-store` on every answer that may hold personal data."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.mt import services as mt_services
from maillon.mt.factories import PatientFactory
from maillon.pathways.factories import InclusionFactory
from tests.conftest import verified_client

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(ROOT.glob("maillon/**/templates/**/*.html"))
SCRIPTS = sorted(ROOT.glob("maillon/**/static/**/*.js"))


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in filter(str.strip, policy.split(";")):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def nonce_of(response) -> str:
    sources = directives(response["Content-Security-Policy"])["script-src"]
    (nonce,) = [source for source in sources if source.startswith("'nonce-")]
    return nonce.removeprefix("'nonce-").removesuffix("'")


# --- Content-Security-Policy -----------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_carries_a_strict_policy_with_a_fresh_nonce_used_by_its_scripts(client):
    first, second = client.get(reverse("home")), client.get(reverse("home"))

    policy = directives(first["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and len(policy["script-src"]) == 2
    assert policy["style-src"][0] == "'self'" and policy["style-src"][1].startswith("'nonce-")
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]  # no tile server: the maps draw on a blank background
    for sources in policy.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(sources)
    assert nonce_of(first) != nonce_of(second)
    assert len(nonce_of(first)) >= 22  # 128 random bits
    # DSFR's scripts carry this answer's nonce.
    assert f'nonce="{nonce_of(first)}"' in first.content.decode()
    assert "Content-Security-Policy-Report-Only" not in first


@pytest.mark.django_db
def test_a_logged_in_page_and_an_error_page_carry_the_policy_too(client, coordinator, cpts):
    page = verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug]))
    missing = client.get("/nulle-part/")

    assert page.status_code == 200 and nonce_of(page)
    assert missing.status_code == 404 and "script-src" in missing["Content-Security-Policy"]


def settings_in_a_fresh_process(environment: dict, expression: str) -> str:
    """The value of `expression` (over django.conf.settings) with these environment variables."""
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "maillon.settings", **environment}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_report_only_mode_reports_the_same_policy_without_enforcing_it():
    shown = settings_in_a_fresh_process(
        {"MAILLON_CSP_REPORT_ONLY": "1", "MAILLON_CSP_REPORT_URI": "/rapports-csp/"},
        "settings.CONTENT_SECURITY_POLICY, sorted(settings.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES'])",
    )

    assert shown.startswith("None [")
    assert "'script-src'" in shown and "'report-uri'" in shown


def test_an_instance_with_a_tile_server_names_its_host_in_img_src():
    shown = settings_in_a_fresh_process(
        {"MAILLON_CSP_IMG_HOSTS": "https://tuiles.example.org"},
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']",
    )

    assert shown == "[\"'self'\", 'data:', 'https://tuiles.example.org']"


# --- Templates and scripts: nothing the policy would refuse -----------------------------------

# An attribute `on…=` (onclick, onload…) inside a tag; `javascript:` URLs; htmx's eval features.
INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
HTMX_EVAL = re.compile(r"\bhx-on\b|\bhx-on[:-]|\bhx-vars\s*=|\bhx-[a-z-]+\s*=\s*[\"']\s*(js|javascript):", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I | re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)
STYLE_TAG = re.compile(r"<style\b([^>]*)>", re.I | re.S)
NONCE = 'nonce="{{ request.csp_nonce }}"'


def findings_in(path: Path, root: Path = ROOT) -> list[str]:
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(root)
    found = [f"{name}: inline handler" for _ in INLINE_HANDLER.finditer(text)]
    found += [f"{name}: javascript: URL" for _ in JAVASCRIPT_URL.finditer(text)]
    found += [f"{name}: htmx eval feature" for _ in HTMX_EVAL.finditer(text)]
    for attributes in SCRIPT_TAG.findall(text):
        if "src=" not in attributes and 'type="application/json"' not in attributes:
            found.append(f"{name}: inline <script{attributes}>")
    found += [f"{name}: style attribute" for _ in STYLE_ATTRIBUTE.finditer(text)]
    found += [f"{name}: <style> without the nonce" for attributes in STYLE_TAG.findall(text) if NONCE not in attributes]
    return found


def test_no_template_holds_an_inline_script_handler_javascript_url_or_style_attribute():
    assert len(TEMPLATES) > 100
    findings = [finding for path in TEMPLATES for finding in findings_in(path)]

    assert not findings, "\n".join(findings)


def test_the_scan_finds_what_the_policy_would_refuse(tmp_path):
    broken = tmp_path / "maillon" / "templates" / "broken.html"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        '<button onclick="go()">x</button><a href="javascript:go()">y</a><div hx-on:click="go()"></div>'
        '<script>go()</script><script type="application/json">{}</script><script src="/s.js"></script>'
        '<span style="width: 3%"></span><style>p {}</style>',
        encoding="utf-8",
    )
    findings = [finding.split(": ", 1)[1] for finding in findings_in(broken, root=tmp_path)]

    assert findings == [
        "inline handler",
        "javascript: URL",
        "htmx eval feature",
        "inline <script>",
        "style attribute",
        "<style> without the nonce",
    ]


def test_no_script_of_the_site_evaluates_strings_or_writes_style_attributes():
    assert SCRIPTS
    forbidden = re.compile(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*[\"']|setAttribute\(\s*[\"']style")
    findings = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in SCRIPTS
        for match in forbidden.finditer(path.read_text())
    ]

    assert not findings, "\n".join(findings)


def test_htmx_is_configured_without_eval_and_without_its_injected_style(client, db):
    page = client.get(reverse("home")).content.decode()

    assert '<meta name="htmx-config"' in page
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


# --- Security headers ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_https_answers_carry_hsts_for_a_year_with_subdomains_and_the_other_headers(client):
    response = client.get(reverse("home"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


@pytest.mark.django_db
def test_plain_http_answers_carry_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get(reverse("home"))


def test_hsts_is_off_when_cookies_are_not_secure_and_the_redirect_is_a_setting():
    shown = settings_in_a_fresh_process(
        {"DJANGO_SECURE_COOKIES": "0", "DJANGO_SECURE_SSL_REDIRECT": "1"},
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT",
    )

    assert shown == "0 True"


# --- Cache-Control: no-store ------------------------------------------------------------------


def assert_no_store(response):
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.fixture
def patient(cpts):
    return PatientFactory(cpts=cpts)


@pytest.mark.django_db
def test_pages_with_patient_data_are_never_stored(cpts, coordinator, patient):
    lead = MembershipFactory(cpts=cpts, professional=ProfessionalFactory())
    inclusion = InclusionFactory(cpts=cpts, lead=lead)
    client = verified_client(coordinator)

    assert_no_store(client.get(reverse("mt_patient", args=[cpts.slug, patient.pk])))
    assert_no_store(client.get(reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk])))
    assert_no_store(client.get(reverse("cpts_dashboard", args=[cpts.slug])))


@pytest.mark.django_db
def test_api_answers_with_patient_data_are_never_stored(api_client, cpts, coordinator, patient, token_headers):
    url = f"/api/v1/cpts/{cpts.pk}/mt/patients/{patient.pk}"

    assert_no_store(api_client.get(url, **token_headers(coordinator)))
    assert_no_store(verified_client(coordinator).get(url))
    assert_no_store(api_client.get(f"/api/v1/cpts/{cpts.pk}/mt/queue", **token_headers(coordinator)))


@pytest.mark.django_db
def test_a_patients_private_link_is_never_stored(client, patient):
    response = client.get(reverse("mt_patient_status", args=[mt_services.private_link_token(patient)]))

    assert_no_store(response)


@pytest.mark.django_db
def test_public_pages_and_the_login_are_not_stored_either(client, cpts):
    # Each page carries a fresh nonce (and forms a CSRF token): a stored copy would reuse them.
    assert_no_store(client.get(reverse("home")))
    assert_no_store(client.get(reverse("login")))


@pytest.mark.django_db
def test_the_public_commune_search_may_be_cached_but_not_once_logged_in(api_client, cpts, coordinator, token_headers):
    anonymous = api_client.get("/api/v1/communes", {"q": "Versailles"})
    with_token = api_client.get("/api/v1/communes", {"q": "Versailles"}, **token_headers(coordinator))

    assert anonymous.status_code == 200
    assert "no-store" not in anonymous["Cache-Control"] and "public" in anonymous["Cache-Control"]
    assert {"Cookie", "Authorization"} <= {value.strip() for value in anonymous["Vary"].split(",")}
    assert_no_store(with_token)


@pytest.mark.django_db
def test_static_files_are_cacheable(client):
    response = client.get(settings.STATIC_URL.rstrip("/") + "/www/maillon.css")
    response.close()  # the file WhiteNoise opened

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
