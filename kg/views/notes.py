"""Note pages, the Markdown editor (live preview and [[ completion through htmx), "link it",
and the images stored with notes. Every htmx endpoint also answers a plain request."""

import mimetypes
import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kg.backlinks import backlinks_for_note
from kg.models import Attachment, Concept, Mention, Note
from kg.notes.store import render_note, resolver_from_db
from kg.notes.wikilinks import WikiLink
from kg.services import notes as note_services

COMPLETIONS_SHOWN = 12
_OPEN_LINK = re.compile(r"\[\[([^\[\]\n|#]{0,80})$")


class NoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    body = forms.CharField(label=_("Markdown"), widget=forms.Textarea(attrs={"rows": 24}), required=False,
                           strip=False)


def _page_number(value: str | None) -> int:
    return min(int(value), 10_000) if value and value.isdigit() and int(value) > 0 else 1


def _note_context(note: Note, *, expand: str = "", page: int = 1) -> dict:
    rendered = render_note(note)
    concepts = (Mention.objects.filter(note=note).select_related("concept")
                .order_by("-defines", "-explicit", "-score", "concept__name"))
    sections = (note.links.filter(target_section__isnull=False).select_related("target_section__paper")
                .order_by("position"))
    cited = list({link.target_section_id: link.target_section for link in sections}.values())
    return {"note": note, "html": rendered.html, "broken": rendered.broken, "concepts": concepts,
            "cited_sections": cited,
            # Each list is cut in SQL; `?all=<kind>&page=<n>` pages through one of them in full.
            "backlinks": backlinks_for_note(note=note, expand=expand, page=page, more_url="?all=")}


@require_GET
def note_detail(request: HttpRequest, slug: str) -> TemplateResponse:
    note = get_object_or_404(Note, slug=slug)
    template = "kg/note.html#backlinks" if getattr(request, "htmx", False) else "kg/note.html"
    context = _note_context(note, expand=request.GET.get("all", ""), page=_page_number(request.GET.get("page")))
    return TemplateResponse(request, template, context)


def _editor(request: HttpRequest, *, note: Note | None) -> HttpResponse:
    initial = {"title": note.title, "body": note.body} if note else {}
    form = NoteForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        title, body = form.cleaned_data["title"], form.cleaned_data["body"]
        if "preview" in request.POST:  # the editor's no-JS preview button
            preview = render_note(note or Note(), text=body).html
        else:
            try:
                if note is None:
                    saved = note_services.note_create(title=title, body=body, user=request.user)
                else:
                    saved = note_services.note_update(note=note, title=title, body=body, user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return HttpResponseRedirect(saved.get_absolute_url())
    status = 400 if request.method == "POST" and form.errors else 200
    return TemplateResponse(request, "kg/note_edit.html", {"form": form, "note": note, "preview": preview},
                            status=status)


@login_required
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, note=None)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _editor(request, note=get_object_or_404(Note, slug=slug))


@login_required
@require_POST
def note_preview(request: HttpRequest) -> TemplateResponse:
    """The rendered Markdown of the editor's text; a full editor page for a plain POST."""
    form = NoteForm(request.POST)
    form.is_valid()
    note = Note.objects.filter(slug=request.POST.get("slug", "")).first() or Note()
    preview = render_note(note, text=form.cleaned_data.get("body", "")).html
    template = "kg/note_edit.html#preview" if getattr(request, "htmx", False) else "kg/note_edit.html"
    return TemplateResponse(request, template, {"form": form, "note": note if note.pk else None, "preview": preview})


def completions(term: str) -> list[tuple[str, str]]:
    """(link text, label) of notes and concepts whose names start with or contain `term`."""
    term = term.strip()
    notes = Note.objects.all()
    concepts = Concept.objects.all()
    if term:
        notes = notes.filter(Q(title__icontains=term) | Q(slug__icontains=term))
        concepts = concepts.filter(Q(name__icontains=term) | Q(acronym__icontains=term) | Q(slug__icontains=term)
                                   | Q(name_zh__icontains=term))
    found = [(n.slug, f"{n.title} · {_('note')}") for n in notes.order_by("title")[:COMPLETIONS_SHOWN]]
    resolver = resolver_from_db()
    for c in concepts.order_by("name")[:COMPLETIONS_SHOWN]:
        text = c.acronym or c.slug
        if resolver.resolve(WikiLink("", text, "", "", 0, 0)).kind != "concept":  # a note of that name wins
            text = f"concept:{c.slug}|{c.acronym or c.name}"
        found.append((text, f"{c.name}" + (f" ({c.name_zh})" if c.name_zh else "") + f" · {_('concept')}"))
    return found


@require_http_methods(["GET", "POST"])
def note_complete(request: HttpRequest) -> TemplateResponse:
    """`[[` completion: from the editor's text (POSTed: the open `[[...` at its end) or a plain `q`."""
    data = request.POST if request.method == "POST" else request.GET
    term = data.get("q", "")
    if "body" in data:
        match = _OPEN_LINK.search(data["body"])
        term = match.group(1) if match else None
    items = completions(term) if term is not None else []
    template = "kg/note_complete.html#completions" if getattr(request, "htmx", False) else "kg/note_complete.html"
    return TemplateResponse(request, template, {"items": items, "q": term or ""})


@login_required
@require_POST
def note_link_it(request: HttpRequest, slug: str) -> HttpResponse:
    """Turn the first unlinked mention of `concept` in this note into a wikilink."""
    note = get_object_or_404(Note, slug=slug)
    concept = request.POST.get("concept", "")
    if not Concept.objects.filter(slug=concept).exists():
        return HttpResponse("unknown concept", status=400)
    linked = note_services.note_link_mention(note=note, concept_slug=concept, user=request.user)
    if getattr(request, "htmx", False):
        return TemplateResponse(request, "kg/_backlinks.html#linked", {"linked": linked, "note": note})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                          require_https=request.is_secure()):
        target = note.get_absolute_url()
    return HttpResponseRedirect(target)


@require_GET
def note_attachment(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("note"), pk=pk, note__slug=slug)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("attachment file missing") from None
    content_type = mimetypes.guess_type(attachment.file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response
