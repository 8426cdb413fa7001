"""Every page of the site is someone's: on the list of pages a role must reach from its home
(tests/www/navigation.py, crawled over the demo by tests/demo/test_demo_load.py), or reached
only from a message, in the course of logging in, or by a machine — each with its reason."""

import inspect

from django.urls import URLPattern, URLResolver, get_resolver

from .navigation import LOGIN_FLOW, MACHINE, PAGES, POSTED_BY_HAND, STATE_BOUND, TOKEN_LINKS


def methods_of(view) -> set[str] | None:
    """The methods a view's door lets through (`www.space.allow`, Django's `require_POST`…), None
    when it takes any; read from the decorators' closures, down the `__wrapped__` chain."""
    while view is not None:
        view_class = getattr(view, "view_class", None)
        if view_class is not None:
            return {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
        try:
            nonlocals = inspect.getclosurevars(view).nonlocals
        except TypeError:
            nonlocals = {}
        for key in ("methods", "request_method_list"):
            if key in nonlocals:
                return {method.upper() for method in nonlocals[key]}
        view = getattr(view, "__wrapped__", None)
    return None


def site_views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver) and not entry.namespace:
            yield from site_views(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, entry.callback


def page_routes() -> set[str]:
    """Routes that answer a GET with a page or a file (not the actions a page's form posts)."""
    pages = set()
    for name, view in site_views():
        methods = methods_of(view)
        if (methods is None or "GET" in methods) and name not in POSTED_BY_HAND:
            pages.add(name)
    return pages


def test_every_page_is_reached_by_a_role_or_has_its_reason():
    owned = set().union(*PAGES.values()) | set(TOKEN_LINKS) | LOGIN_FLOW | set(MACHINE) | set(STATE_BOUND)
    orphans = page_routes() - owned
    assert not orphans, f"pages qu'aucun rôle n'atteint et sans raison écrite : {sorted(orphans)}"


def test_the_lists_name_only_pages_that_exist():
    pages = page_routes()
    for role, names in PAGES.items():
        assert names <= pages, f"{role} : {sorted(names - pages)}"


def test_the_actions_are_told_apart_from_the_pages():
    pages = page_routes()
    assert {"cpts_dashboard", "members_list", "home_admin"} <= pages
    assert not {"meetings_time_validate", "home_admin_cpts_new", "snp_slot_cancel", "logout"} & pages
