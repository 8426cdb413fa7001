from . import actions, attendance, home, imports, materials, measures, page, public, sessions

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(public, home, actions, measures, imports, sessions, attendance, materials)
