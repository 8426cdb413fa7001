from django.urls import path

from . import plan, plan_edit, plan_files

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py.
urlpatterns = [
    path("crise/plan/", plan.crisis_plan, name="crisis_plan"),
    path("crise/plan/<int:year>/", plan.crisis_plan_version, name="crisis_plan_version"),
    path(
        "crise/plan/<int:year>/sections/<slug:code>/",
        plan_edit.crisis_plan_section,
        name="crisis_plan_section",
    ),
    path(
        "crise/plan/<int:year>/professionnels/",
        plan_edit.crisis_plan_professionals,
        name="crisis_plan_professionals",
    ),
    path("crise/plan/<int:year>/ecarts/", plan_files.crisis_plan_diff, name="crisis_plan_diff"),
    path("crise/plan/<int:year>/pdf/", plan_files.crisis_plan_pdf, name="crisis_plan_pdf"),
]
