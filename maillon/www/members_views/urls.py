from django.urls import include, path

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: the members pages, subpackage by
# subpackage in this order (each declares its routes above its views).
SUBPACKAGES = ("directory", "adhesion", "imports", "figures", "mailing")

urlpatterns = [path("", include(f"maillon.www.members_views.{name}.urls")) for name in SUBPACKAGES]
