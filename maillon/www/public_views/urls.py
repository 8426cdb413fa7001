from . import communes, cpts, home, legal, overview, page, simulator

# Included under "" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(home, communes, cpts, overview, legal, simulator)
