"""Helpers of the CPTS members' space (/cpts/<slug>/…), shared by its page modules."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from maillon.core import journal, policies

from .toolkit.navigation import breadcrumb


def require_member(request):
    """404, as for a CPTS that does not exist, unless the user has a role in this CPTS
    (`core.policies.has_cpts_role`: a platform admin without a role there has none)."""
    policies.ensure_visible(policies.has_cpts_role(request.user, getattr(request, "cpts", None)))


def require_coordinator(request):
    """404, as for a CPTS that does not exist, unless the user coordinates this CPTS."""
    policies.ensure_visible(policies.is_coordinator(request.user, getattr(request, "cpts", None)))


def is_coordinator(request) -> bool:
    """The user coordinates this CPTS (`core.policies.is_coordinator`; a platform admin does not)."""
    return policies.is_coordinator(request.user, getattr(request, "cpts", None))


def allow(*methods: str, check, role: bool = False):
    """A view's door: `check(request)` first (404 for a user who may not see these pages, as for
    a CPTS that does not exist; None for a public page), then 405 for a method other than
    `methods`. With `role=True` the view gets what `check` returned (the user's role) as `role`."""

    def decorator(view):
        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            found = check(request) if check else None
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            if role:
                kwargs["role"] = found
            return view(request, *args, **kwargs)

        return guarded

    return decorator


def visible_if(policy):
    """A `check` for `allow`: 404 unless `policy(user, cpts)`, as for a CPTS that does not exist."""

    def check(request):
        policies.ensure_visible(policy(request.user, getattr(request, "cpts", None)))

    return check


def action_view(*, check, find, page, back):
    """Decorate `act(request, obj)`, one action of a page posted to its own address: `check` and
    405 as `allow`; `find(request, **url)` the object (404 if unseen, 403 if the action is not the
    user's). `act` returns nothing once done, then `back(request, obj)` (a redirect to the page), or
    a response to show; a refusal of the domain shows `page(request, obj, errors=its messages)`."""

    def decorator(act):
        @allow("POST", check=check)
        @functools.wraps(act)
        def view(request, **url):
            obj = find(request, **url)
            try:
                shown = act(request, obj)
            except ValidationError as error:
                return page(request, obj, errors=error.messages)
            return shown or back(request, obj)

        return view

    return decorator


def posted_form(request, allowed: bool, form_class, **kwargs):
    """The page's form for a user `allowed` to post it (None for others), bound to a POST,
    which needs that right (403, `core.policies.ensure_allowed`)."""
    if request.method == "POST":
        policies.ensure_allowed(allowed)
    return form_class(request.POST or None, **kwargs) if allowed else None


def posted_action(request, allowed: bool, actions) -> str:
    """The `action` a POST names, "" for a GET: 403 unless `allowed`, 404 for one not in `actions`."""
    if request.method != "POST":
        return ""
    policies.ensure_allowed(allowed)
    action = request.POST.get("action", "")
    if action not in actions:
        raise Http404
    return action


def space_breadcrumb(cpts, current: str, *links: tuple[str, str]) -> dict:
    """CPTS › Espace membres › … › current page."""
    return breadcrumb(
        current,
        (cpts.name, reverse("cpts_detail", args=[cpts.slug])),
        ("Espace membres", reverse("cpts_dashboard", args=[cpts.slug])),
        *links,
    )


def journal_summary(cpts, object_type, fields, note, *, object_id="list", action=journal.Action.READ):
    """ONE journal entry for a list of the CPTS shown or exported: the field names and a
    count in `note`, never a name (`journal.record_reads` writes one entry per row instead)."""
    journal.record(action, object_type=object_type, object_id=object_id, cpts_id=cpts.pk, fields=fields, note=note)


def posted_id(value) -> int:
    """A posted primary key; 0 (found nowhere, so 404) when it is not an ASCII number."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() else 0


def posted_back(request, default: str, *, within: str) -> str:
    """Where a form posted from a list or a page returns: the posted `retour` when it is a local
    path under `within` (e.g. the quality pages of this CPTS), else `default`."""
    wanted = str(request.POST.get("retour", ""))
    local = wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=False
    )
    return wanted if local and wanted.startswith(within) else default


def save_form(request, form, write, done) -> bool:
    """Write a valid `form` by calling `write()` (a service call that reads form.cleaned_data):
    True once written, with `done` — or `done(what write returned)` — said as a success; False
    when the form is invalid or the service refused (its ValidationError put on the form)."""
    if not form.is_valid():
        return False
    try:
        written = write()
    except ValidationError as error:
        add_errors(form, error)
        return False
    messages.success(request, done(written) if callable(done) else done)
    return True


def add_errors(form, error):
    """Put a model's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
