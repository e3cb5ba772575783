"""Site-wide access rule: with READ_REQUIRES_LOGIN on, every page needs a signed-in user.

Writes need a signed-in user whatever this setting says (views carry @login_required);
this middleware only decides whether *reading* is public.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect

# Paths anyone may reach: signing in, probes, static files, the language switch, and the
# admin (which has its own staff-only login).
OPEN_PREFIXES = ("/accounts/", "/livez", "/healthz", "/i18n/", "/admin/", "/favicon.ico")


class ReadRequiresLoginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.READ_REQUIRES_LOGIN and not request.user.is_authenticated and not self.is_open(request.path):
            login = redirect_to_login(request.get_full_path())
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(login.url)
            return login
        return self.get_response(request)

    @staticmethod
    def is_open(path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path.startswith((static, *OPEN_PREFIXES))
