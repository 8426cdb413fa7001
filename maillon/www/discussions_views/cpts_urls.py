from . import cpts, page

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: a CPTS's spaces (its menu entry).
urlpatterns = page.urlpatterns(cpts)
