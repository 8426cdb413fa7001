from . import actions, attendance, home, materials, measures, page, public, sessions

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(public, home, actions, measures, sessions, attendance, materials)
