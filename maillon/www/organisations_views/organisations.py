"""Organisations (an ARS, the Assurance Maladie, a URPS, a federation): the list, the
platform admin's creation of one and its managers (granted and withdrawn by e-mail), an
organisation's page (its people for its managers and the admin, the groups it hosts and their
pending sign-ups), and a manager's creation of a regional group.

- Any signed-in person sees the list and an organisation's public groups; its people are
  shown to its managers and to the platform admin only (`organisations.policies`).
- Creating an organisation and granting or withdrawing a manager: the platform admin (404
  for anyone else, as the administration's pages).
- Creating a regional group: the organisation's managers (403 for others who see the page).
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.core import journal
from maillon.core.policies import ensure_allowed, is_platform_admin
from maillon.discussions import policies as discussion_policies
from maillon.discussions import services as discussion_services
from maillon.discussions.models import DiscussionSpace, SignupStatus, SpaceKind
from maillon.organisations import policies, services
from maillon.organisations.models import Organisation, OrganisationPerson, OrganisationRole

from ..space import allow, save_form
from ..toolkit.navigation import breadcrumb
from . import page
from .common import organisation_links, organisation_or_404, require_admin, require_login
from .forms import EmailForm, OrganisationForm, RegionalGroupForm

INDEX_TITLE = "Organisations"


@page("")
@allow("GET", check=require_login)
def organisations_index(request):
    user = request.user
    organisations = policies.visible_organisations(user).annotate(
        groups=Count("discussion_spaces", filter=Q(discussion_spaces__archived_at__isnull=True), distinct=True)
    )
    managed = set(policies.managed_organisations(user).values_list("pk", flat=True))
    rows = list(organisations)
    context = {
        "mine": [organisation for organisation in rows if organisation.pk in managed],
        "organisations": rows,
        "managed": managed,
        "can_create": policies.can_manage_organisations(user),
        "title": INDEX_TITLE,
        "breadcrumb_data": breadcrumb(INDEX_TITLE),
    }
    return render(request, "organisations/index.html", context)


@page("nouvelle/")
@allow("GET", "POST", check=require_admin)
def organisations_new(request):
    form = OrganisationForm(request.POST or None)
    created = []

    def write():
        with journal.acting_as(request.user):
            created.append(Organisation.objects.create(**form.cleaned_data))
        return created[0]

    if request.method == "POST" and save_form(
        request, form, write, "Organisation créée. Nommez maintenant ses gestionnaires."
    ):
        return redirect("organisations_organisation", organisation_id=created[0].pk)
    title = "Nouvelle organisation"
    context = {
        "form": form,
        "title": title,
        "breadcrumb_data": breadcrumb(title, *organisation_links(request)),
    }
    return render(request, "organisations/organisation_form.html", context, status=400 if form.errors else 200)


def hosted_groups(organisation):
    """The organisation's regional groups, with their participants and pending sign-ups counted."""
    return (
        DiscussionSpace.objects.filter(organisation=organisation, kind=SpaceKind.REGIONAL_GROUP)
        .annotate(
            pending=Count("signup_requests", filter=Q(signup_requests__status=SignupStatus.PENDING), distinct=True),
            people=Count("participants", filter=Q(participants__status__in=["active", "muted"]), distinct=True),
        )
        .order_by("archived_at", "name", "pk")
    )


def organisation_page(request, organisation, *, grant_form=None, status=200):
    user = request.user
    manager = policies.is_manager(user, organisation)
    see_people = policies.can_see_people(user, organisation)
    people = []
    if see_people:
        people = list(organisation.people.select_related("user").order_by("-role", "user__last_name", "pk"))
        journal.record(
            journal.Action.READ,
            object_type="organisations.OrganisationPerson",
            object_id=f"organisation:{organisation.pk}",
            fields=["user", "role"],
            note=f"{len(people)} personne{'s' if len(people) > 1 else ''}",
        )
    groups = list(hosted_groups(organisation))
    if not (manager or is_platform_admin(user)):
        groups = [group for group in groups if group.signup_open and not group.is_archived]
    admin = policies.can_manage_organisations(user)
    context = {
        "organisation": organisation,
        "manager": manager,
        "see_people": see_people,
        "people": people,
        "managers": [person for person in people if person.is_manager],
        "groups": groups,
        "pending": sum(group.pending for group in groups) if manager else 0,
        "can_create_group": discussion_policies.can_create_regional_group(user, organisation),
        "admin": admin,
        "grant_form": (grant_form or EmailForm()) if admin else None,
        "title": organisation.name,
        "breadcrumb_data": breadcrumb(organisation.name, *organisation_links(request)),
    }
    return render(request, "organisations/organisation.html", context, status=status)


@page("<int:organisation_id>/")
@allow("GET", check=require_login)
def organisations_organisation(request, organisation_id):
    return organisation_page(request, organisation_or_404(request, organisation_id))


@page("<int:organisation_id>/gestionnaires/")
@allow("POST", check=require_admin)
def organisations_manager_grant(request, organisation_id):
    organisation = organisation_or_404(request, organisation_id)
    form = EmailForm(request.POST)

    def write():
        return services.grant_manager(organisation, email=form.cleaned_data["email"], by=request.user)

    if not save_form(
        request, form, write, lambda place: f"{place.user.get_full_name() or place.user.email} est gestionnaire."
    ):
        return organisation_page(request, organisation, grant_form=form, status=400)
    return redirect("organisations_organisation", organisation_id=organisation.pk)


@page("personnes/<int:person_id>/retirer/")
@allow("POST", check=require_admin)
def organisations_manager_withdraw(request, person_id):
    place = get_object_or_404(
        OrganisationPerson.objects.select_related("user", "organisation"), pk=person_id, role=OrganisationRole.MANAGER
    )
    services.withdraw_manager(place, by=request.user)
    messages.success(request, f"{place.user.get_full_name() or place.user.email} n'est plus gestionnaire.")
    return redirect("organisations_organisation", organisation_id=place.organisation_id)


@page("<int:organisation_id>/groupes/nouveau/")
@allow("GET", "POST", check=require_login)
def discussions_regional_group_new(request, organisation_id):
    organisation = organisation_or_404(request, organisation_id)
    ensure_allowed(discussion_policies.can_create_regional_group(request.user, organisation))
    form = RegionalGroupForm(request.POST or None)
    created = []

    def write():
        data = form.cleaned_data
        created.append(
            discussion_services.create_regional_group(
                organisation,
                name=data["name"],
                description=data["description"],
                questions=data["questions"],
                by=request.user,
            )
        )
        return created[0]

    done = "Groupe créé, inscriptions ouvertes. Vous êtes dans son équipe pilote : nommez la modération et la visio."
    if request.method == "POST" and save_form(request, form, write, done):
        return redirect("discussions_space_people", space_id=created[0].pk)
    title = "Nouveau groupe régional"
    context = {
        "organisation": organisation,
        "form": form,
        "cancel_url": reverse("organisations_organisation", args=[organisation.pk]),
        "title": f"{title} — {organisation.name}",
        "heading": title,
        "breadcrumb_data": breadcrumb(title, *organisation_links(request, organisation)),
    }
    return render(request, "organisations/group_form.html", context, status=400 if form.errors else 200)
