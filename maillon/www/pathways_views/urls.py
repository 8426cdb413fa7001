from . import breaks, edit, home, include, inclusion, library, page, plan, programme, tasks

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(home, library, programme, edit, include, inclusion, plan, tasks, breaks)
