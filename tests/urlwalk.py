"""Walk the URL configuration: every named route with its full pattern."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str
    namespace: str
    pattern: str
    converters: tuple

    @property
    def qualified_name(self):
        return f"{self.namespace}:{self.name}" if self.namespace else self.name


def walk(resolver=None, prefix="", namespace="", converters=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        found = converters + tuple(getattr(entry.pattern, "converters", {}).keys())
        if isinstance(entry, URLResolver):
            child_namespace = ":".join(filter(None, [namespace, entry.namespace]))
            yield from walk(entry, pattern, child_namespace, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(entry.name, namespace, pattern, found)


def site_routes():
    """Routes of the site itself: not the admin, not the API (which checks its own auth)."""
    return [
        route for route in walk() if not route.namespace.startswith("admin") and not route.namespace.startswith("api-")
    ]


def api_operations():
    """(method, path, operation) of every django-ninja operation of /api/v1/, paths as the
    schema writes them (`{int:cpts_id}` in a route is `{cpts_id}` here)."""
    from maillon.api.urls import api

    api.urls
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = f"/{prefix.strip('/')}/{path.strip('/')}".replace("//", "/")
                    yield method, re.sub(r"\{\w+:(\w+)\}", r"{\1}", full), operation
