"""The people of a space, seen by its readers: their role and state; for its moderators and
those who manage it, mute, unmute, remove, reinstate (each with its reason, kept in the moderation register);
appointing moderators and the pilot team of a regional group and adding someone by e-mail
(the managers).

One scheme for the acts on a person: `POST /discussions/participants/<id>/<action>/` with
`action` one of mute | unmute | remove | reinstate (any other: 404). In a CPTS-wide space a
member may have no participant row yet: their buttons post to the people page
(`action=moderate`, the person and the act), which makes the row
(`services.place_for_moderation`) and acts the same way.

404 for someone who does not read the space; 403 for a reader who posts an act they may not
take: a participant, a moderator acting on another moderator, a host or themselves
(`can_moderate_participant`), a moderator adding people or changing roles (the managers do).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core import journal
from maillon.core.models import CptsRole
from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.discussions import policies, services
from maillon.discussions.models import Participant, ParticipantStatus
from maillon.organisations.models import OrganisationPerson, OrganisationRole

from ..space import add_errors, allow, posted_id
from . import page
from .common import space_context, visible_space
from .forms import AddPersonForm, ModerationForm, NoteForm, RoleForm

# action → (service, what the page says once done, a reason is required)
ACTS = {
    "mute": (services.mute, "réduit au silence", True),
    "unmute": (services.unmute, "de nouveau autorisé à écrire", False),
    "remove": (services.remove, "retiré de l'espace", True),
    "reinstate": (services.reinstate, "réintégré dans l'espace", False),
}
# The acts a person's state allows, as buttons.
ACTS_OF_STATE = {
    ParticipantStatus.ACTIVE: ("mute", "remove"),
    ParticipantStatus.MUTED: ("unmute", "remove"),
    ParticipantStatus.REMOVED: ("reinstate",),
}
ACT_LABELS = {
    "mute": "Réduire au silence",
    "unmute": "Lever le silence",
    "remove": "Retirer de l'espace",
    "reinstate": "Réintégrer",
}


def prime_hosts(space, users):
    """Tell each user object whether it hosts the space (a coordinator of its CPTS, a manager of
    its organisation), read in one query for all: the policies then ask nobody per row."""
    users = list(users)
    ids = [user.pk for user in users]
    if space.cpts_id:
        roles = dict(CptsRole.objects.filter(cpts_id=space.cpts_id, user_id__in=ids).values_list("user_id", "role"))
        for user in users:
            cache = getattr(user, "_maillon_cpts_roles", None)
            if cache is None:
                cache = user._maillon_cpts_roles = {}
            cache.setdefault(space.cpts_id, roles.get(user.pk))
    else:
        managers = set(
            OrganisationPerson.objects.filter(
                organisation_id=space.organisation_id, role=OrganisationRole.MANAGER, user_id__in=ids
            ).values_list("user_id", flat=True)
        )
        for user in users:
            if getattr(user, "_maillon_managed_organisations", None) is None:
                user._maillon_managed_organisations = {space.organisation_id} if user.pk in managers else set()


def people_rows(request, space) -> list[dict]:
    """Every person of the space: its participant rows (removed ones included), and for a
    CPTS-wide space the readers who have none yet."""
    participants = list(
        space.participants.filter(is_member=True).select_related("user").order_by("user__last_name", "user__first_name")
    )
    for participant in participants:
        participant.space = space
    rows = [{"user": participant.user, "participant": participant} for participant in participants]
    if space.is_cpts_wide:
        placed = {participant.user_id for participant in participants}
        rows += [
            {"user": user, "participant": Participant(space=space, user=user)}
            for user in services.readers(space).order_by("last_name", "first_name", "pk")
            if user.pk not in placed
        ]
        rows.sort(key=lambda row: (row["user"].last_name.lower(), row["user"].first_name.lower(), row["user"].pk))
    prime_hosts(space, [row["user"] for row in rows])
    for row in rows:
        participant = row["participant"]
        acts = ACTS_OF_STATE[participant.status] if policies.can_moderate_participant(request.user, participant) else ()
        row["acts"] = [{"name": act, "label": ACT_LABELS[act], "needs_reason": ACTS[act][2]} for act in acts]
        row["placed"] = participant.pk is not None
    return rows


def people_page(request, space, *, errors=(), add_form=None, status=200):
    manage = policies.can_manage_space(request.user, space)
    rows = people_rows(request, space)
    journal.record(
        journal.Action.READ,
        object_type="discussions.Participant",
        object_id=f"space:{space.pk}",
        cpts_id=space.cpts_id,
        fields=["user", "role", "status"],
        note=f"{len(rows)} personne{'s' if len(rows) > 1 else ''}",
    )
    regional_manager = manage and space.is_regional
    context = space_context(
        request,
        space,
        "Participants",
        rows=rows,
        errors=list(errors),
        manage=manage,
        can_moderate=policies.can_moderate(request.user, space),
        roles=RoleForm.base_fields["role"].choices,
        add_form=(add_form or AddPersonForm()) if regional_manager else None,
        can_set_roles=regional_manager,
    )
    return render(request, "organisations/people.html", context, status=status)


def act(request, space, participant, action):
    """Check the right and the reason, act; the people page with the refusal otherwise."""
    ensure_allowed(policies.can_moderate_participant(request.user, participant))
    service, done, needs_reason = ACTS[action]
    form = (ModerationForm if needs_reason else NoteForm)(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return people_page(request, space, errors=errors, status=400)
    try:
        if participant.pk is None:
            participant = services.place_for_moderation(space, participant.user)
        service(participant, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        return people_page(request, space, errors=error.messages, status=400)
    name = participant.user.get_full_name() or participant.user.email
    messages.success(request, f"{name} : {done}.")
    return redirect("discussions_space_people", space_id=space.pk)


@page("<int:space_id>/participants/")
@allow("GET", "POST", check=visible_space)
def discussions_space_people(request, space_id):
    space = request.discussion_space
    if request.method != "POST":
        return people_page(request, space)
    action = request.POST.get("action", "")
    if action == "moderate":
        return moderate_rowless(request, space)
    if action not in ("add", "role"):
        raise Http404
    ensure_allowed(policies.can_manage_space(request.user, space) and space.is_regional)
    if action == "add":
        form = AddPersonForm(request.POST)
        if form.is_valid():
            try:
                place = services.add_participant(
                    space, email=form.cleaned_data["email"], role=form.cleaned_data["role"], by=request.user
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"{place.user.get_full_name() or place.user.email} participe au groupe.")
                return redirect("discussions_space_people", space_id=space.pk)
        return people_page(request, space, add_form=form, status=400)
    participant = get_object_or_404(
        space.participants.select_related("user"), pk=posted_id(request.POST.get("participant"))
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return people_page(request, space, errors=errors, status=400)
    services.set_role(participant, role=form.cleaned_data["role"], by=request.user)
    policies.forget_place(participant.user, space)
    name = participant.user.get_full_name() or participant.user.email
    messages.success(request, f"{name} : {participant.get_role_display().lower()}.")
    return redirect("discussions_space_people", space_id=space.pk)


def moderate_rowless(request, space):
    """A reader of a CPTS-wide space without a participant row yet."""
    if not space.is_cpts_wide:
        raise Http404
    action = request.POST.get("act", "")
    if action not in ("mute", "remove"):
        raise Http404
    user = get_object_or_404(services.readers(space), pk=posted_id(request.POST.get("user")))
    placed = space.participants.filter(user=user).first()
    return act(request, space, placed or Participant(space=space, user=user), action)


def visible_participant(request):
    """A `check` for `allow`: 404 unless the user reads the space of the person of the address
    (kept on the request as `discussion_participant`)."""
    participant = get_object_or_404(
        Participant.objects.select_related("user", "space__cpts", "space__organisation", "space__visio"),
        pk=request.resolver_match.kwargs["participant_id"],
    )
    ensure_visible(policies.can_read(request.user, participant.space))
    request.discussion_participant = participant


@page("participants/<int:participant_id>/<str:action>/")
@allow("POST", check=visible_participant)
def discussions_participant_action(request, participant_id, action):
    if action not in ACTS:
        raise Http404
    participant = request.discussion_participant
    return act(request, participant.space, participant, action)
