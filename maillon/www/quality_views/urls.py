from . import actions, conferences, decisions, evaluation, groups, home, page, reviews

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(home, conferences, decisions, evaluation, reviews, actions, groups)
