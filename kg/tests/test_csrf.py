"""CSRF everywhere: no view is csrf_exempt, and every state-changing request without a token
is refused with 403 — forms, htmx and JSON alike."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kg.tests.urlwalk import endpoints, reachable_path, sample_paths

UNSAFE = ("post", "put", "patch", "delete")


def test_no_view_is_csrf_exempt():
    found = endpoints()
    assert len(found) > 20
    exempt = [e.route for e in found if getattr(e.callback, "csrf_exempt", False)]
    assert not exempt, f"csrf_exempt views: {exempt}"


@pytest.fixture
def signed_in_client(db) -> Client:
    """A superuser, so neither sign-in nor staff checks stand in front of the CSRF check."""
    user = get_user_model().objects.create_superuser("root", "root@example.org", "Secret-Passw0rd!")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_requests_without_a_token_get_403(signed_in_client, library):
    tested = 0
    for endpoint in endpoints():
        if endpoint.is_admin:
            urls = sample_paths(endpoint, library)[:1]
        else:
            urls = [reachable_path(signed_in_client, endpoint, library)]
        for url in filter(None, urls):
            for method in UNSAFE:
                for headers in ({}, {"HX-Request": "true"}):
                    response = getattr(signed_in_client, method)(
                        url, data="{}", content_type="application/json", headers=headers
                    )
                    assert response.status_code == 403, f"{method.upper()} {url} {headers}: {response.status_code}"
                    assert b"CSRF" in response.content, f"{method.upper()} {url}: 403 but not from the CSRF check"
                    tested += 1
    assert tested > 100


def test_the_same_request_with_a_token_passes_the_csrf_check(signed_in_client):
    # The control: the 403s above come from the missing token, not from the endpoints.
    signed_in_client.get("/accounts/login/")
    token = signed_in_client.cookies["csrftoken"].value
    data = {"language": "zh-hans", "next": "/"}
    response = signed_in_client.post("/i18n/setlang/", data, headers={"X-CSRFToken": token})
    assert response.status_code == 302
    response = signed_in_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_pages_send_the_token_for_htmx(client):
    html = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
