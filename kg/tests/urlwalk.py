"""Every URL pattern of the site, with sample arguments that reach real rows where they can.

Shared by the CSRF, permission and crawl tests, so a view added by anyone is covered.
"""

import itertools
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, converters, get_resolver
from django.urls.resolvers import RoutePattern


@dataclass
class Endpoint:
    route: str  # the pattern, e.g. "concepts/<slug:slug>/"
    name: str
    pattern: URLPattern

    @property
    def callback(self):
        return self.pattern.callback

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def endpoints() -> list[Endpoint]:
    def walk(patterns, prefix=""):
        for item in patterns:
            if isinstance(item, URLResolver):
                yield from walk(item.url_patterns, prefix + str(item.pattern))
            else:
                yield Endpoint(prefix + str(item.pattern), item.name or "", item)

    return list(walk(get_resolver().url_patterns))


def candidate_values(library: dict | None) -> dict[type, list[str]]:
    rows = list((library or {}).values())
    slugs = [str(getattr(row, "slug", "")) for row in rows if getattr(row, "slug", "")]
    keys = [str(getattr(row, "key", "")) for row in rows if getattr(row, "key", "")]
    pks = [str(row.pk) for row in rows if getattr(row, "pk", None)]
    words = ["json", "graphml", "csv", "1"]
    return {
        converters.IntConverter: sorted(set(pks), key=int)[:8] or ["1"],
        converters.SlugConverter: slugs[:10] or ["x"],
        converters.StringConverter: (slugs + keys + [f"concept:{s}" for s in slugs[:3]] + words)[:16] or ["x"],
        converters.PathConverter: ["x"],
        converters.UUIDConverter: [str(uuid.uuid4())],
    }


def sample_paths(endpoint: Endpoint, library: dict | None = None, limit: int = 40) -> list[str]:
    """Concrete paths for an endpoint (all combinations of candidate values, up to `limit`).

    Regex patterns (the admin's) are only used when they take no arguments.
    """
    pattern = endpoint.pattern.pattern
    if not isinstance(pattern, RoutePattern):
        raw = str(pattern).lstrip("^").rstrip("$")
        return ["/" + endpoint.route.replace(str(pattern), raw)] if "(" not in raw and "\\" not in raw else []
    if not pattern.converters:
        return ["/" + endpoint.route]
    values = candidate_values(library)
    names = list(pattern.converters)
    pools = [values.get(type(pattern.converters[name]), ["x"]) for name in names]
    paths = []
    for combo in itertools.islice(itertools.product(*pools), limit):
        route = endpoint.route
        for name, value in zip(names, combo, strict=True):
            route = _replace_param(route, name, value)
        paths.append("/" + route)
    return paths


def _replace_param(route: str, name: str, value: str) -> str:
    start = route.index("<")
    while True:
        end = route.index(">", start)
        inner = route[start + 1 : end]
        if inner.split(":")[-1] == name:
            return route[:start] + value + route[end + 1 :]
        start = route.index("<", end)


def reachable_path(client, endpoint: Endpoint, library: dict | None = None) -> str | None:
    """The first sample path that a GET (by `client`) does not answer with 404."""
    for path in sample_paths(endpoint, library):
        if client.get(path).status_code != 404:
            return path
    paths = sample_paths(endpoint, library)
    return paths[0] if paths else None
