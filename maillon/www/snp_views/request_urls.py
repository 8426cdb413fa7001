from . import page, requests

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: same-day care requests.
urlpatterns = page.urlpatterns(requests)
