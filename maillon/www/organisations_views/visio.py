"""A space's recurring visio (`meetings.MeetingSeries`): its rule, chosen in words (« chaque
semaine », « toutes les deux semaines », « chaque mois le 2e mardi », « chaque trimestre le 2e
mardi ») and translated to an RRULE, or written as an RRULE (checked by
`meetings.models.validate_series_rule`, French messages); its link; its next four dates; and each
session held with its replay link and short minutes.

Every reader of the space sees the page (404 otherwise); those who manage the space set the
series and record the sessions (403 for the others' POST)."""

import datetime

from django.shortcuts import redirect, render
from django.utils import timezone

from maillon.discussions import policies, services
from maillon.meetings import services as meeting_services

from ..space import allow, posted_action, save_form
from . import page
from .common import space_context, visible_space
from .forms import SeriesForm, SessionRecordForm, frequency_of

NEXT = 4


def series_initial(space) -> dict:
    series = space.visio
    if series is None:
        return {"title": f"Visio — {space.name}"[:200], "duration_minutes": 60}
    frequency, custom = frequency_of(series.rule)
    return {
        "title": series.title,
        "first_starts_at": timezone.localtime(series.first_starts_at),
        "frequency": frequency,
        "rule": custom,
        "duration_minutes": series.duration_minutes,
        "visio_url": series.visio_url,
    }


@page("<int:space_id>/visio/")
@allow("GET", "POST", check=visible_space)
def discussions_space_visio(request, space_id):
    space = request.discussion_space
    manage = policies.can_manage_space(request.user, space)
    action = posted_action(request, manage, {"series", "session"})
    series = space.visio
    past = meeting_services.past_starts(series) if series else []
    series_form = SeriesForm(request.POST if action == "series" else None, initial=series_initial(space))
    session_form = (
        SessionRecordForm(request.POST if action == "session" else None, past_starts=past) if series else None
    )

    def write_series():
        data = series_form.cleaned_data
        fields = {name: data[name] for name in ("title", "rule", "first_starts_at", "duration_minutes", "visio_url")}
        return services.set_visio(space, by=request.user, **fields)

    def write_session():
        data = session_form.cleaned_data
        return meeting_services.record_series_session(
            series,
            starts_at=datetime.datetime.fromisoformat(data["starts_at"]),
            replay_url=data["replay_url"],
            minutes=data["minutes"],
            by=request.user,
        )

    if action == "series" and save_form(request, series_form, write_series, "Visio récurrente enregistrée."):
        return redirect("discussions_space_visio", space_id=space.pk)
    if action == "session" and save_form(request, session_form, write_session, "Séance enregistrée."):
        return redirect("discussions_space_visio", space_id=space.pk)
    invalid = (action == "series" and series_form.errors) or (action == "session" and session_form.errors)
    context = space_context(
        request,
        space,
        "Visio récurrente",
        series=series,
        next_starts=series.next_starts(NEXT) if series else [],
        sessions=list(series.sessions.select_related("recorded_by")) if series else [],
        manage=manage,
        series_form=series_form if manage else None,
        session_form=session_form if manage and past else None,
    )
    return render(request, "organisations/visio.html", context, status=400 if invalid else 200)
