from . import letter_ars, page

urlpatterns = page.urlpatterns(letter_ars)
