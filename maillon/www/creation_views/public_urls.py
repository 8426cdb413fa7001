from . import page

urlpatterns = page.urlpatterns()
