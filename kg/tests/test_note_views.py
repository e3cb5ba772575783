"""Note pages, editor, preview, completion, "link it" and attachments: full pages, htmx partials, login, CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from kg.models import Attachment, Note
from kg.services.notes import note_create
from kg.tests.notes_factories import ingest_vault, note_text, standard_concepts, write_files

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("writer", password="pw-123456-x")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def notes(tmp_path):
    standard_concepts()
    vault = write_files(tmp_path / "vault", {
        "mla.md": note_text("MLA 笔记", "# 推导\n\n[[MLA]] 压缩 KV cache $d_c$。[[nowhere]]\n\n![f](img/f.png)\n"
                            "<script>alert(1)</script>"),
        "img/f.png": PNG,
        "other.md": note_text("Other", "See [[MLA 笔记]]. GRPO here unlinked."),
    })
    ingest_vault(vault)
    return vault


def test_note_page_renders_markdown_backlinks_and_broken_links(client, notes):
    response = client.get(reverse("note", kwargs={"slug": "mla"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="推导">' in html and 'class="wikilink concept"' in html
    assert '<span class="math inline">\\(d_c\\)</span>' in html
    assert "<script>alert(1)</script>" not in html
    assert "Broken links" in html and "nowhere" in html
    assert 'id="backlinks-panel"' in html and "Other" in html
    assert "vendor/katex/katex.min.js" in html and "js/math.js" in html
    attachment = Attachment.objects.get()
    assert reverse("note_attachment", kwargs={"slug": "mla", "pk": attachment.pk}) in html


def test_note_page_htmx_partial_is_the_backlinks(client, notes):
    response = client.get(reverse("note", kwargs={"slug": "mla"}), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="backlinks-panel"' in html and "<html" not in html


def test_missing_note_is_404(client, db):
    assert client.get(reverse("note", kwargs={"slug": "nope"})).status_code == 404


def test_attachment_is_served_with_safe_headers(client, notes):
    attachment = Attachment.objects.get()
    response = client.get(reverse("note_attachment", kwargs={"slug": "mla", "pk": attachment.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG
    assert client.get(reverse("note_attachment", kwargs={"slug": "other", "pk": attachment.pk})).status_code == 404


@pytest.mark.parametrize("name, kwargs", [("note_new", {}), ("note_edit", {"slug": "mla"})])
def test_editor_needs_login(client, notes, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302 and "login" in response["Location"]


def test_create_note_in_the_editor(signed_in):
    standard_concepts()
    page = signed_in.get(reverse("note_new"))
    assert page.status_code == 200 and "hx-post" in page.content.decode()
    response = signed_in.post(reverse("note_new"), {"title": "新笔记", "body": "讲 [[MLA]]。"})
    assert response.status_code == 302 and response["Location"] == reverse("note", kwargs={"slug": "新笔记"})
    assert Note.objects.get(slug="新笔记").links.get().target_concept.slug == "mla"


def test_edit_with_bad_front_matter_is_400_and_keeps_the_note(signed_in, notes):
    response = signed_in.post(reverse("note_edit", kwargs={"slug": "mla"}), {"title": "x", "body": "---\na: [\n---\n"})
    assert response.status_code == 400 and "malformed front matter" in response.content.decode()
    assert Note.objects.get(slug="mla").title == "MLA 笔记"


def test_preview_full_page_and_partial(signed_in, notes):
    data = {"title": "t", "body": "**bold** [[MLA]] <img src=x onerror=alert(1)>"}
    partial = signed_in.post(reverse("note_preview"), data, **HTMX).content.decode()
    assert 'id="preview"' in partial and "<strong>bold</strong>" in partial and "<html" not in partial
    assert "onerror" not in partial
    full = signed_in.post(reverse("note_preview"), data).content.decode()
    assert "<html" in full and "<strong>bold</strong>" in full
    button = signed_in.post(reverse("note_new"), {**data, "preview": "1"})
    assert button.status_code == 200 and "<strong>bold</strong>" in button.content.decode()
    assert not Note.objects.filter(title="t").exists()


def test_completion_full_page_and_partial(client, notes):
    partial = client.post(reverse("note_complete"), {"body": "text [[ML"}, **HTMX).content.decode()
    assert 'id="completions"' in partial and "[[mla]]" in partial and "<html" not in partial
    assert "[[concept:mla|MLA]]" in partial  # the concept, since the note mla.md would take [[MLA]]
    nothing = client.post(reverse("note_complete"), {"body": "closed [[MLA]] text"}, **HTMX).content.decode()
    assert "<li>" not in nothing
    full = client.get(reverse("note_complete"), {"q": "GRPO"}).content.decode()
    assert "<html" in full and "[[GRPO]]" in full
    Note.objects.create(slug="grpo", title="GRPO 笔记", source_path="vault/grpo.md")  # a note named like it
    named = client.get(reverse("note_complete"), {"q": "GRPO"}).content.decode()
    assert "[[concept:grpo|GRPO]]" in named


def test_link_it_plain_and_htmx(signed_in, notes):
    url = reverse("note_link_it", kwargs={"slug": "other"})
    response = signed_in.post(url, {"concept": "grpo", "next": "/notes/mla/"})
    assert response.status_code == 302 and response["Location"] == "/notes/mla/"
    assert "[[GRPO]] here unlinked" in Note.objects.get(slug="other").body
    again = signed_in.post(url, {"concept": "grpo"}, **HTMX)
    assert again.status_code == 200 and "No unlinked mention left" in again.content.decode()
    evil = signed_in.post(url, {"concept": "grpo", "next": "https://evil.example/"})
    assert evil["Location"] == reverse("note", kwargs={"slug": "other"})
    assert signed_in.post(url, {"concept": "nope"}).status_code == 400


def test_link_it_needs_login(client, notes):
    response = client.post(reverse("note_link_it", kwargs={"slug": "other"}), {"concept": "grpo"})
    assert response.status_code == 302 and "GRPO here unlinked" in Note.objects.get(slug="other").body


@pytest.mark.parametrize("name, kwargs, data", [
    ("note_new", {}, {"title": "x", "body": "y"}),
    ("note_edit", {"slug": "mla"}, {"title": "x", "body": "y"}),
    ("note_preview", {}, {"body": "y"}),
    ("note_link_it", {"slug": "other"}, {"concept": "grpo"}),
])
def test_posts_without_csrf_token_are_403(notes, user, name, kwargs, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse(name, kwargs=kwargs), data).status_code == 403
    assert client.post(reverse(name, kwargs=kwargs), data, **HTMX).status_code == 403


def test_web_note_shows_edit_link_to_signed_in_users(signed_in, user):
    note = note_create(title="Mine", body="text", user=user)
    assert reverse("note_edit", kwargs={"slug": note.slug}) in signed_in.get(note.get_absolute_url()).content.decode()
