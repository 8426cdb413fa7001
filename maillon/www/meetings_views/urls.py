from . import bank, edit, meeting, meetings, page, payments, statement, time

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(meetings, meeting, edit, time, bank, payments, statement)
