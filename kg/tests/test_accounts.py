"""Accounts and permissions: sign in and out, reading behind READ_REQUIRES_LOGIN, writes need a
user, the admin needs staff, passwords are validated and sign-ins throttled."""

import hashlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from kg.tests.urlwalk import endpoints, sample_paths

PASSWORD = "Correct-Horse-42"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Sign-ins are the subject here, not key stretching: keep each hash cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("reader", "reader@example.org", PASSWORD)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_login_page_renders_a_form_with_a_token(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and 'name="password"' in html


def test_sign_in_shows_who_and_sign_out_needs_post(client, user):
    response = sign_in(client, "reader", PASSWORD)
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "reader" in html and 'action="/accounts/logout/"' in html
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert 'href="/accounts/login/' in client.get("/").content.decode()


def test_wrong_password_is_refused(client, user):
    response = sign_in(client, "reader", "nope")
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_reading_is_public_by_default(client, settings):
    settings.READ_REQUIRES_LOGIN = False
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_read_requires_login_redirects_pages_but_not_probes_or_sign_in(client, settings):
    settings.READ_REQUIRES_LOGIN = True
    response = client.get("/papers/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/papers/"
    for open_path in ("/livez", "/healthz", "/accounts/login/"):
        assert client.get(open_path).status_code == 200, open_path
    assert client.get("/static/css/site.css").status_code != 302
    htmx = client.get("/papers/", headers={"HX-Request": "true"})
    assert htmx.headers.get("HX-Redirect", "").startswith("/accounts/login/")


def test_read_requires_login_lets_signed_in_users_read(client, settings, user):
    settings.READ_REQUIRES_LOGIN = True
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get("/papers/").status_code == 200


def test_admin_needs_staff(client, user, staff):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


# Anonymous POSTs these may accept: signing in and out, password reset by mail, the language switch.
OPEN_WRITES = {"login", "logout", "password_reset", "password_reset_confirm", "set_language"}
# Rows an anonymous visit may legitimately write.
BOOKKEEPING_APPS = {"sessions", "axes", "admin"}


def library_fingerprint() -> str:
    """A hash of every row of every model that holds the library (and users)."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.app_label in BOOKKEEPING_APPS:
            continue
        digest.update(model._meta.label.encode())
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_anonymous_writes_change_nothing(client, library):
    """Every non-admin endpoint, POSTed anonymously (with a valid token), leaves the library as it was."""
    before = library_fingerprint()
    tested = []
    for endpoint in endpoints():
        if endpoint.is_admin or endpoint.name in OPEN_WRITES:
            continue
        for url in sample_paths(endpoint, library)[:4]:
            for data in ({"text": "x", "confirmed": "true", "body": "# x", "title": "x"}, {}):
                response = client.post(url, data)
                assert response.status_code < 500, f"POST {url}: {response.status_code}"
                assert library_fingerprint() == before, f"anonymous POST {url} changed the library"
                if response.status_code == 302 and "/accounts/login/" not in response["Location"]:
                    assert response["Location"].startswith("/"), response["Location"]
                tested.append(url)
    assert len(tested) > 10


def test_password_validators_refuse_weak_passwords(db):
    for weak in ("password", "12345678", "short", "reader123"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=get_user_model()(username="reader123"))
    validate_password(PASSWORD)


def test_sign_ins_are_throttled_per_username_and_address(settings, user):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        assert sign_in(client, "reader", "wrong", ip="10.1.1.1").status_code == 200
    # The third failure locks the pair out; then even the right password is refused.
    assert sign_in(client, "reader", "wrong", ip="10.1.1.1").status_code == 429
    locked = sign_in(client, "reader", PASSWORD, ip="10.1.1.1")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The same user from another address, and another user from this one, are not locked.
    assert sign_in(Client(), "reader", PASSWORD, ip="10.2.2.2").status_code == 302
    get_user_model().objects.create_user("other", "o@example.org", PASSWORD)
    assert sign_in(Client(), "other", PASSWORD, ip="10.1.1.1").status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(settings, user):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        sign_in(client, "reader", "wrong", ip="10.3.3.3")
    assert sign_in(client, "reader", PASSWORD, ip="10.3.3.3").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(2):
        sign_in(client, "reader", "wrong", ip="10.3.3.3")
    assert sign_in(client, "reader", PASSWORD, ip="10.3.3.3").status_code == 302


def test_test_client_login_still_works(client, user):
    # authenticate() without a request (shell, test client) is not throttled, and not blocked.
    assert client.login(username="reader", password=PASSWORD)
