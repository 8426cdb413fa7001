from . import page, views

# Included under "accueil/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(views)
