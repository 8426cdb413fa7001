from . import grant, page, project, project_pdf, project_review, project_write, sheets, steps

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: the 10 steps, the start-up grant
# and the projet de santé of a CPTS being created; each route is declared above its view.
urlpatterns = page.urlpatterns(steps, grant, project, project_write, project_pdf, project_review, sheets)
