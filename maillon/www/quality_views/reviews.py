"""The reviews of adverse events (« revues d'événements indésirables »): any member reports an
event naming no patient and blaming no one; the coordination names a referent, who analyses
it (facts, causes by category, what protected, lessons), decides improvement actions with their
owners and due dates, closes it once they are done, and shares an anonymised summary.

Who reads what is `maillon.quality.policies`: the coordination, the reporter and the referent
read a review whole; every other member reads, once it is shared, its title, its nature, the
month of the event and the summary — nothing else. Each action is posted to its own address
(404 for a review the user does not see, 403 for an action that is not theirs)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.policies import ensure_allowed, is_coordinator
from maillon.quality import policies, services
from maillon.quality.models import CAUSE_CATEGORIES, FollowUpStatus, IncidentReview, ReviewStatus

from ..space import action_view, allow, save_form
from . import page
from .actions import follow_up_forms
from .forms_reviews import (
    AnalysisForm,
    DismissForm,
    ImprovementActionForm,
    ReferentForm,
    ReportForm,
    ShareForm,
)
from .home import quality_breadcrumb, require_quality

PAGE_SIZE = 50
REVIEWS_TITLE = "Revues d'événements indésirables"
UNDER_WAY = (ReviewStatus.REPORTED, ReviewStatus.ANALYSIS, ReviewStatus.ACTIONS)
# The tabs of the list: (value of ?etat=, label); the states under way may also be asked one by one.
TABS = [("", "En cours"), ("closed", "Closes"), ("dismissed", "Classées sans suite"), ("shared", "Synthèses partagées")]
STATES = {"", "shared", *ReviewStatus.values}
# What a list shows, by ?etat= (its table's caption).
CAPTIONS = {
    "": "Revues en cours",
    ReviewStatus.REPORTED: "Événements déclarés, référent à nommer",
    ReviewStatus.ANALYSIS: "Revues en analyse",
    ReviewStatus.ACTIONS: "Revues dont les actions sont en cours",
    ReviewStatus.CLOSED: "Revues closes",
    ReviewStatus.DISMISSED: "Revues classées sans suite",
    "shared": "Synthèses partagées",
}
# The fields of a review read whole (journaled as read, never their values).
WHOLE_FIELDS = ["title", "description", "consequence", "facts", "causes", "protective_factors", "lessons"]


def reviews_link(cpts) -> tuple[str, str]:
    return (REVIEWS_TITLE, reverse("quality_reviews", args=[cpts.slug]))


def review_label(review) -> str:
    """« Revue n° 4 »: the title of a page and its breadcrumb (the review's own title is the member's words)."""
    return f"Revue n° {review.pk}"


# --- The list ----------------------------------------------------------------------------------


@page("qualite/revues/")
@allow("GET", check=require_quality)
def quality_reviews(request, cpts_slug):
    cpts, user = request.cpts, request.user
    state = str(request.GET.get("etat", ""))
    state = state if state in STATES else ""
    if state == "shared":
        rows = policies.visible_reviews(user, cpts).shared().order_by("-shared_at", "-pk")
    else:
        rows = policies.reviews_read_whole(user, cpts)
        rows = rows.filter(status=state) if state else rows.filter(status__in=UNDER_WAY)
        rows = (
            rows.select_related("referent", "reported_by")
            .annotate(
                action_count=Count("actions", distinct=True),
                open_actions=Count("actions", filter=Q(actions__status=FollowUpStatus.OPEN), distinct=True),
            )
            .order_by("-reported_at", "-pk")
        )
    listed = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    tab = state if state in {"closed", "dismissed", "shared"} else ""
    context = {
        "cpts": cpts,
        "page": listed,
        "reviews": list(listed.object_list),
        "state": state,
        "caption": CAPTIONS[state],
        "narrowed": state in (ReviewStatus.REPORTED, ReviewStatus.ANALYSIS, ReviewStatus.ACTIONS),
        "tab": tab,
        "tabs": TABS,
        "query": f"etat={state}" if state else "",
        "coordinator": is_coordinator(user, cpts),
        "may_report": policies.can_report_event(user, cpts),
        "title": f"{REVIEWS_TITLE} — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, REVIEWS_TITLE),
    }
    return render(request, "quality/reviews.html", context)


# --- Reporting an event ------------------------------------------------------------------------


@page("qualite/revues/declarer/")
@allow("GET", "POST", check=require_quality)
def quality_review_report(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_report_event(request.user, cpts))
    form = ReportForm(request.POST or None)
    reported = []

    def write():
        reported.append(services.report_event(cpts, by=request.user, **form.cleaned_data))

    done = "Événement déclaré, merci. La coordination nomme un référent qui en mènera l'analyse."
    if request.method == "POST" and save_form(request, form, write, done):
        return redirect("quality_review", cpts_slug=cpts.slug, pk=reported[0].pk)
    context = {
        "cpts": cpts,
        "form": form,
        "title": f"Déclarer un événement indésirable — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, "Déclarer un événement", reviews_link(cpts)),
    }
    return render(request, "quality/review_report.html", context, status=400 if form.errors else 200)


# --- One review --------------------------------------------------------------------------------


def review_or_404(request, pk) -> IncidentReview:
    reviews = policies.visible_reviews(request.user, request.cpts).select_related("reported_by", "referent")
    return get_object_or_404(reviews, pk=pk)


def may_on(user, review) -> dict:
    """What the page offers this user on this review (its forms and buttons), from the policies."""
    return {
        "assign": policies.can_assign_referent(user, review),
        "analyse": policies.can_analyse_review(user, review),
        "decide": policies.can_decide_review(user, review),
        "close": policies.can_close_review(user, review),
        "dismiss": policies.can_dismiss_review(user, review),
        "share": policies.can_share_review(user, review),
    }


def review_actions(user, review) -> list:
    """The review's improvement actions, each with what this user may do of it."""
    today = timezone.localdate()
    actions = list(review.actions.select_related("owner__professional", "owner__structure").order_by("due_on", "pk"))
    for action in actions:
        action.review = review
        action.late = action.is_late_on(today)
        for name, value in follow_up_forms(user, action).items():
            setattr(action, name, value)
    return actions


def review_page(request, review, *, errors=(), forms=None, status=200):
    """The review: whole for who reads it whole, else its shared summary only. After a refused
    action, with the posted form and its errors (400)."""
    cpts, user = request.cpts, request.user
    whole = policies.reads_review_whole(user, review)
    context = {
        "cpts": cpts,
        "review": review,
        "whole": whole,
        "errors": list(errors),
        # Where the rows' forms return: the review's page, never request.path (a refused
        # action shows this page at its own POST-only address).
        "here": reverse("quality_review", args=[cpts.slug, review.pk]),
        "title": f"{review_label(review)} — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, review_label(review), reviews_link(cpts)),
    }
    if whole:
        may = may_on(user, review)
        forms = forms or {}
        if may["assign"]:
            forms.setdefault("referent_form", ReferentForm(cpts=cpts))
        if may["analyse"]:
            forms.setdefault("action_form", ImprovementActionForm(cpts=cpts))
        if may["dismiss"]:
            forms.setdefault("dismiss_form", DismissForm())
        if may["share"]:
            forms.setdefault("share_form", ShareForm(initial={"summary": review.summary}))
        context |= {
            "may": may,
            "actions": review_actions(user, review),
            "causes": review.cause_rows,
            "analysed": bool(review.facts or review.causes or review.protective_factors or review.lessons),
            **forms,
        }
        journal.record(journal.Action.READ, review, fields=WHOLE_FIELDS, note="revue d'événement indésirable")
    return render(request, "quality/review.html", context, status=400 if errors else status)


@page("qualite/revues/<int:pk>/")
@allow("GET", check=require_quality)
def quality_review(request, cpts_slug, pk):
    return review_page(request, review_or_404(request, pk))


def back_to_review(request, review):
    return redirect("quality_review", cpts_slug=request.cpts.slug, pk=review.pk)


def review_action(policy):
    """One action on a review (`space.action_view`): 404 for a review the user does not see,
    403 unless `policy(user, review)`."""

    def find(request, cpts_slug, pk):
        review = review_or_404(request, pk)
        ensure_allowed(policy(request.user, review))
        return review

    return action_view(check=require_quality, find=find, page=review_page, back=back_to_review)


@page("qualite/revues/<int:pk>/referent/")
@review_action(policies.can_assign_referent)
def quality_review_referent(request, review):
    form = ReferentForm(request.POST, cpts=request.cpts)

    def assign():
        services.start_analysis(review, referent=form.cleaned_data["referent"], by=request.user)

    if not save_form(request, form, assign, "Référent nommé : la revue est en analyse."):
        return review_page(request, review, forms={"referent_form": form}, status=400)
    return None


@page("qualite/revues/<int:pk>/analyse/")
@allow("GET", "POST", check=require_quality)
def quality_review_analysis(request, cpts_slug, pk):
    cpts = request.cpts
    review = review_or_404(request, pk)
    ensure_allowed(policies.can_analyse_review(request.user, review))
    form = AnalysisForm(request.POST or None, initial=AnalysisForm.initial_of(review))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_analysis(review, by=request.user, **form.analysis())
        except ValidationError as error:
            form.put_errors(error)
        else:
            messages.success(request, "Analyse enregistrée.")
            return back_to_review(request, review)
    context = {
        "cpts": cpts,
        "review": review,
        "form": form,
        "categories": CAUSE_CATEGORIES,
        "title": f"Analyse — {review_label(review)} — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(
            cpts,
            "Analyse",
            reviews_link(cpts),
            (review_label(review), reverse("quality_review", args=[cpts.slug, review.pk])),
        ),
    }
    return render(request, "quality/review_analysis.html", context, status=400 if form.errors else 200)


@page("qualite/revues/<int:pk>/actions/")
@review_action(policies.can_analyse_review)
def quality_review_action_add(request, review):
    form = ImprovementActionForm(request.POST, cpts=request.cpts)

    def add():
        services.add_improvement_action(review, by=request.user, **form.cleaned_data)

    done = "Action d'amélioration ajoutée ; son responsable la voit dans ses actions."
    if not save_form(request, form, add, done):
        return review_page(request, review, forms={"action_form": form}, status=400)
    return None


@page("qualite/revues/<int:pk>/decider/")
@review_action(policies.can_decide_review)
def quality_review_decide(request, review):
    review.decide(by=request.user)
    messages.success(request, "Analyse terminée : les actions d'amélioration sont à suivre jusqu'à la clôture.")


@page("qualite/revues/<int:pk>/clore/")
@review_action(policies.can_close_review)
def quality_review_close(request, review):
    review.close(by=request.user)
    messages.success(request, "Revue close.")


@page("qualite/revues/<int:pk>/classer/")
@review_action(policies.can_dismiss_review)
def quality_review_dismiss(request, review):
    form = DismissForm(request.POST)

    def dismiss():
        review.dismiss(by=request.user, note=form.cleaned_data["note"])

    if not save_form(request, form, dismiss, "Revue classée sans suite."):
        return review_page(request, review, forms={"dismiss_form": form}, status=400)
    return None


@page("qualite/revues/<int:pk>/partager/")
@review_action(policies.can_share_review)
def quality_review_share(request, review):
    form = ShareForm(request.POST)

    def share():
        review.share(summary=form.cleaned_data["summary"], by=request.user)

    if not save_form(request, form, share, "Synthèse partagée : tous les adhérents de la CPTS peuvent la lire."):
        return review_page(request, review, forms={"share_form": form}, status=400)
    return None
