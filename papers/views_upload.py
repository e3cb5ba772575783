"""Uploading a PDF, downloading it back, and page images with highlights.

Uploads go through the same ingest service as `manage.py ingest`: the size cap is
enforced while the body streams (papers/uploads.py), the type by magic bytes and a
successful open in the isolated parser, and the file is stored under a generated name.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from papers.isolation import MB
from papers.models import Paper
from papers.rendering import PageError, page_png, parse_highlights
from papers.services import paper_ingest_bytes
from papers.uploads import upload_too_large


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("PDF file"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))


@login_required
@require_http_methods(["GET", "POST"])
def paper_upload(request: HttpRequest) -> HttpResponse:
    """The upload form; a POST ingests the file and opens its paper page.

    With htmx the form posts in place, showing progress while the file uploads and parses;
    errors come back as the form partial (status 200, which htmx swaps), success as a
    client-side redirect. Without JavaScript it is a plain form with 400/413 on errors.
    """
    template = "papers/upload.html#upload-form" if request.htmx else "papers/upload.html"
    limit_mb = f"{settings.PDF_MAX_BYTES / MB:.3g}"
    context = {"form": UploadForm(), "limit_mb": limit_mb}
    if request.method == "GET":
        return TemplateResponse(request, template, context)
    status = 400
    if upload_too_large(request):
        context["upload_error"] = _("The file is larger than the limit of %(mb)s MB.") % {"mb": limit_mb}
        status = 413
    else:
        form = context["form"] = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            outcome = paper_ingest_bytes(data=upload.read(), filename=upload.name[:255])
            if outcome.paper is not None:
                if request.htmx:
                    return HttpResponseClientRedirect(outcome.paper.get_absolute_url())
                return redirect(outcome.paper)
            form.add_error("file", outcome.result.detail)
    return TemplateResponse(request, template, context, status=200 if request.htmx else status)


@require_GET
def paper_download(request: HttpRequest, slug: str) -> FileResponse:
    paper = get_object_or_404(Paper, slug=slug)
    if not paper.file:
        raise Http404("no stored file")
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError:
        raise Http404("stored file is missing") from None
    response = FileResponse(
        handle, as_attachment=True, filename=paper.filename or f"{paper.slug}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def paper_page_image(request: HttpRequest, slug: str, page: int) -> HttpResponse:
    paper = get_object_or_404(Paper, slug=slug)
    try:
        highlights = parse_highlights(request.GET.get("hl", ""))
        zoom = float(request.GET.get("zoom", 1.5))
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain")
    if not 1 <= page <= paper.page_count:
        raise Http404("no such page")
    try:
        png = page_png(paper=paper, page=page, highlights=highlights, zoom=zoom)
    except PageError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"  # private: reading may require sign-in
    response["X-Content-Type-Options"] = "nosniff"
    return response
