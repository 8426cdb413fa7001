"""A page's route is declared next to its view, as the API's are with django-ninja.

Each views package holds one registry in its `__init__.py` (`page = Routes()`); a view module
declares its pages with it:

    from . import page

    @page("reunions/<int:pk>/inviter/")
    @meeting_action(policies.can_run_meeting)
    def meetings_meeting_invite(request, meeting): ...

The route's name is the view's `__name__` (kept by `functools.wraps` through the guards), or
`name=` where it differs. `@page` goes on top, above the guards: it registers the view as
they wrap it, and returns it unchanged.

The package's `urls.py` imports its view modules and lists them, in the order Django must try
them: `urlpatterns = page.urlpatterns(find, status, export, register)`; each module's routes
come in the order they are defined. The order is written there, not left to the order in which
modules happen to be imported (ruff sorts the import lines; a test or another view may import a
module first): where a fixed segment and a `<str:…>` or `<slug:…>` meet at the same place, the
module of the fixed one is listed first. Class-based views (`.as_view()`) and views a factory
builds (`ImportPage.view`, `vcard_view(…)`) stay explicit `path()`s in `urls.py`.
"""

from dataclasses import dataclass
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.urls import path


@dataclass(frozen=True)
class Page:
    route: str
    view: object
    name: str

    @property
    def module(self) -> str:
        return self.view.__module__


class Routes:
    """The page routes of one views package."""

    def __init__(self):
        self.pages: dict[str, Page] = {}

    def __call__(self, route: str, *, name: str = ""):
        def register(view):
            page = Page(route, view, name or view.__name__)
            known = self.pages.get(page.name)
            # The same module imported again replaces its own pages; any other clash is an error
            # (two modules, or two views of one module named alike, e.g. by a decorator without wraps).
            if known and (known.module != page.module or known.view.__qualname__ != view.__qualname__):
                raise ImproperlyConfigured(f"Route {page.name!r} declared twice ({known.module}, {page.module}).")
            self.pages[page.name] = page
            return view

        return register

    def urlpatterns(self, *modules: ModuleType) -> list:
        """The `path()`s of the pages of `modules`, module by module in this order."""
        patterns = []
        for module in modules:
            pages = [page for page in self.pages.values() if page.module == module.__name__]
            if not pages:
                raise ImproperlyConfigured(f"{module.__name__} declares no page route.")
            patterns += [path(page.route, page.view, name=page.name) for page in pages]
        return patterns
