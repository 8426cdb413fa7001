from . import page, response_ack

# Included under "crise/" by maillon/www/urls.py: public pages, no login (a signed link).
urlpatterns = page.urlpatterns(response_ack)
