"""Whole pages kept for signed-out readers, per content version.

A page carries a CSRF token (the language form, htmx's headers) that must never be shared:
it is rendered with a stand-in, stored, and every response gets the reader's own token in
its place. A hit renders nothing. The key holds the version of the data the page was drawn
from, so an edit shows on the next request, and only parameters the page accepts, so
strangers cannot fill the cache with variants (Django's cache culls the oldest anyway).
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

# Derived from SECRET_KEY: no note can contain it by chance and every process agrees on it.
CSRF_STAND_IN = "csrf-" + salted_hmac("kg.pagecache", "csrf stand-in").hexdigest()
PAGE_SECONDS = 3600  # the version in the key retires a page; this only frees memory


def page_key(request: HttpRequest, name: str, *, accepted: set[str], versions: tuple) -> str:
    """The key of a signed-out request for page `name`, or "" when it must not be kept:
    a signed-in reader, or a parameter the page does not read (or given twice)."""
    params = request.GET
    if request.user.is_authenticated or not set(params) <= accepted:
        return ""
    if any(len(params.getlist(key)) > 1 for key in params):
        return ""
    htmx = bool(getattr(request, "htmx", False))
    raw = f"{versions}|{get_language()}|{htmx}|{request.get_full_path()}"
    return f"kg:page:{name}:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_page(request: HttpRequest, key: str) -> HttpResponse | None:
    content = cache.get(key) if key else None
    return HttpResponse(with_own_token(request, content)) if content is not None else None


def keep_page(request: HttpRequest, response: TemplateResponse, key: str) -> TemplateResponse:
    """Render `response` with the stand-in token and keep it under `key` when it is a 200."""
    if not key:
        return response
    response.context_data["csrf_token"] = CSRF_STAND_IN  # the view's context wins over the context processor

    def keep(rendered: TemplateResponse) -> None:
        if rendered.status_code == 200:
            cache.set(key, rendered.content, PAGE_SECONDS)
        rendered.content = with_own_token(request, rendered.content)

    response.add_post_render_callback(keep)
    return response


def with_own_token(request: HttpRequest, content: bytes) -> bytes:
    return content.replace(CSRF_STAND_IN.encode(), get_token(request).encode())
