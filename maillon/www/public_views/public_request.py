"""A public form that asks a CPTS something, without login: join it (members), register on
its médecin traitant waiting list (mt).

The same steps for both: the commune picker's suggestions (htmx); a trap field for robots,
who get the same answer as people while nothing is written; nothing accepted by a dissolved
CPTS; and after the POST the same page says « sent » (`?<sent parameter>=1`): nothing
personal goes into the URL.
"""

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core import throttle

from ..space import allow
from ..toolkit.communes import commune_suggestions

THROTTLED = (
    "Trop de demandes ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure, ou contactez la CPTS."
)


class RobotTrap(forms.Form):
    """A field hidden from people (and from screen readers): only robots fill it in. The
    template draws it with "www/_robot_trap.html"; a form may drop it (`del fields["website"]`)."""

    website = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_spam(self) -> bool:
        return "website" in self.fields and bool(str(self.data.get(self.add_prefix("website"), "")).strip())


@allow("GET", "POST", check=None)
def public_request_page(request, url_name, sent_parameter, context, *, templates, form_of, submit):
    """The page `url_name` of request.cpts: `templates` = (form page, « sent » page);
    `form_of(page_url)` builds the form (bound to the POST if any); `submit(form)` writes a
    valid form, False with the errors put on it."""
    cpts = request.cpts
    page_url = reverse(url_name, args=[cpts.slug])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    form_template, sent_template = templates
    context = {"cpts": cpts, **context}
    if request.GET.get(sent_parameter) == "1":
        return render(request, sent_template, context)
    form = form_of(page_url)
    if request.method == "POST" and not throttle.allow(request, url_name):  # per address (core.throttle)
        form.is_valid()  # the answers stay in the form; nothing is written
        form.add_error(None, THROTTLED)
        return render(request, form_template, {**context, "form": form, "page_url": page_url}, status=429)
    # Robots get the same answer as people, and nothing is written.
    sent = request.method == "POST" and not cpts.is_dissolved and (form.is_spam() or (form.is_valid() and submit(form)))
    if sent:
        return redirect(f"{page_url}?{sent_parameter}=1")
    return render(request, form_template, {**context, "form": form, "page_url": page_url})
