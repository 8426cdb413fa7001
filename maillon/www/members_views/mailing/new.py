"""Write a message to members (coordinators): form, preview of the number of recipients, send.

The preview shows a count, not addresses; « voir les destinataires » lists names and
is journaled as a read. Sending needs a preview of the same selection just before.
"""

import secrets

from django.contrib import messages
from django.shortcuts import redirect, render

from maillon.members.mailing import AlreadySent, select_recipients, send_mailing
from maillon.members.models import College

from ...space import allow, posted_action
from .. import page
from .common import journal_summary, mailings_link, require_coordinator, space_breadcrumb
from .forms import MailingForm, describe_criteria

SHOWN_FIELDS = ["first_name", "last_name", "name", "profession", "college"]
STALE_PREVIEW = "La sélection a changé depuis l'aperçu : vérifiez le nombre de destinataires avant d'envoyer."
NOBODY = "Aucun destinataire : aucun adhérent inscrit aux messages ne correspond à cette sélection."
DISSOLVED = "Cette CPTS est dissoute : elle n'envoie plus de messages."


@page("messages/nouveau/")
@allow("GET", "POST", check=require_coordinator)
def members_mailing_new(request, cpts_slug):
    cpts = request.cpts
    action = posted_action(request, True, {"preview", "recipients", "send"})
    form = MailingForm(request.POST if action else None, cpts=cpts)
    context = {
        "cpts": cpts,
        "form": form,
        "title": f"Nouveau message — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Nouveau message", mailings_link(cpts)),
    }
    if not action or not form.is_valid():
        return render(request, "members/mailing/new.html", context)
    criteria = form.criteria()
    recipients = select_recipients(cpts, criteria)
    count = recipients.count()
    if action == "send":
        if cpts.is_dissolved:
            form.add_error(None, DISSOLVED)
        elif form.cleaned_data.get("previewed") != count:
            form.add_error(None, STALE_PREVIEW)
        elif count == 0:
            form.add_error(None, NOBODY)
        else:
            try:
                result = send_mailing(
                    cpts,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    criteria=criteria,
                    by=request.user,
                    send_key=form.cleaned_data.get("send_key") or secrets.token_urlsafe(32),
                )
            except AlreadySent as already:
                messages.warning(request, str(already))
                return redirect("members_mailings", cpts_slug=cpts.slug)
            sent_message(request, result)
            return redirect("members_mailing", cpts_slug=cpts.slug, pk=result.mailing.pk)
    shown = None
    if action == "recipients":
        shown = list(recipients)
        note = f"Destinataires d'un message : {len(shown)} adhésion(s) affichée(s)"
        journal_summary(cpts, "members.Membership", SHOWN_FIELDS, note, object_id="mailing-preview")
    # The preview counts what a send would reach now: the hidden field carries it.
    data = request.POST.copy()
    data["previewed"] = str(count)
    data["send_key"] = secrets.token_urlsafe(32)
    preview_form = MailingForm(data, cpts=cpts)
    preview_form.is_valid()
    for error in form.non_field_errors():
        preview_form.add_error(None, error)
    context.update(
        {
            "form": preview_form,
            "preview": True,
            "count": count,
            "shown": shown,
            "criteria": describe_criteria(criteria, College.objects.for_cpts(cpts)),
        }
    )
    return render(request, "members/mailing/new.html", context)


def sent_message(request, result):
    if result.failed:
        messages.warning(
            request,
            f"Message en cours d'envoi à {result.sent} destinataire(s) ; {result.failed} envoi(s) en échec "
            "(voir la liste ci-dessous).",
        )
    else:
        # The worker sends it (core/notifications): each recipient's state shows on the mailing's page.
        messages.success(request, f"Message en cours d'envoi à {result.sent} destinataire(s).")
