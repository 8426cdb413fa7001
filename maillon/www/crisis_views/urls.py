from . import page, plan, plan_edit, plan_files

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(plan, plan_edit, plan_files)
