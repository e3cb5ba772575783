"""Uploading a PDF from the web UI, and downloading it back."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from papers.models import Paper
from papers.tests.pdf_factory import HTML, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("reader", password="a long pass phrase 42")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def upload(client, data: bytes, name: str = "tiny.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("paper_upload"), {"file": SimpleUploadedFile(name, data, "application/pdf")})


def stored(settings) -> list:
    folder = settings.MEDIA_ROOT / "papers"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_anonymous_users_are_sent_to_sign_in(client):
    assert client.get(reverse("paper_upload")).status_code == 302
    response = upload(client, make_pdf())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Paper.objects.count() == 0


def test_form_page(signed_in):
    response = signed_in.get(reverse("paper_upload"))
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_post_without_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert upload(client, make_pdf()).status_code == 403
    assert Paper.objects.count() == 0


def test_upload_ingests_and_redirects_to_the_paper(signed_in, settings):
    response = upload(signed_in, make_pdf(), name="../../etc/my report.pdf")
    paper = Paper.objects.get()
    assert response.status_code == 302
    assert response["Location"] == paper.get_absolute_url()
    assert paper.sections.exists()
    assert [p.name for p in stored(settings)] == [paper.file.name.rsplit("/", 1)[-1]]
    assert "report" not in paper.file.name and ".." not in paper.filename


def test_same_upload_twice_is_one_paper(signed_in):
    data = make_pdf()
    first, second = upload(signed_in, data), upload(signed_in, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Paper.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [(HTML, b"not a PDF: the file is an HTML page"), (make_pdf()[:400], b"truncated PDF"), (b"%PDF-1.7\n", b"PDF")],
)
def test_bad_upload_is_a_400_with_the_reason_and_stores_nothing(signed_in, settings, data, message):
    response = upload(signed_in, data, name="fake.pdf")
    assert response.status_code == 400
    assert message in response.content
    assert Paper.objects.count() == 0
    assert stored(settings) == []


def test_size_cap_is_enforced_while_streaming(signed_in, settings):
    settings.PDF_MAX_BYTES = 200 * 1024
    big = make_pdf() + b"%" + b"0" * (300 * 1024)
    response = upload(signed_in, big)
    assert response.status_code == 413
    assert b"The file is larger than the limit of 0.195 MB." in response.content
    assert Paper.objects.count() == 0
    assert stored(settings) == []


def test_size_cap_handler_stops_storing_past_the_cap(settings, rf):
    from django.core.files.uploadhandler import StopUpload

    from papers.uploads import CappedUploadHandler

    settings.PDF_MAX_BYTES = 1000
    request = rf.post("/")
    handler = CappedUploadHandler(request)
    handler.handle_raw_input(None, {}, 900, b"x")
    assert handler.receive_data_chunk(b"a" * 600, 0) == b"a" * 600
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"a" * 600, 600)
    assert handler.refused


def test_download_is_an_attachment_with_nosniff(signed_in, client):
    data = make_pdf()
    upload(signed_in, data, name="my report.pdf")
    paper = Paper.objects.get()
    response = Client().get(reverse("paper_download", kwargs={"slug": paper.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="my report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data


def test_download_of_unknown_paper_is_404(client):
    assert client.get(reverse("paper_download", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_uploads_of_one_pdf_give_one_paper_and_no_500(user, settings):
    data = make_pdf()
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(user)
        clients.append(client)
    statuses: list[int] = []
    barrier = threading.Barrier(len(clients))

    def run(client):
        try:
            barrier.wait()
            statuses.append(upload(client, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 20
    assert Paper.objects.count() == 1
    assert len(stored(settings)) == 1


def test_htmx_form_is_the_partial(signed_in):
    response = signed_in.get(reverse("paper_upload"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert response.content.lstrip().startswith(b'<form class="upload"')
    assert b"upload-progress htmx-indicator" in response.content
    full = signed_in.get(reverse("paper_upload"))
    assert b"<html" in full.content and b'hx-post="/papers/upload/"' in full.content


def test_htmx_upload_redirects_on_the_client(signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in.post(
        reverse("paper_upload"), {"file": SimpleUploadedFile("t.pdf", make_pdf())}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == Paper.objects.get().get_absolute_url()


def test_htmx_upload_error_is_the_form_partial_with_the_reason(signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in.post(
        reverse("paper_upload"), {"file": SimpleUploadedFile("t.pdf", HTML)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200  # htmx swaps 2xx only
    assert b"<html" not in response.content
    assert b"not a PDF: the file is an HTML page" in response.content
    assert Paper.objects.count() == 0
