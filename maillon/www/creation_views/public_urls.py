from . import letter_follow, letter_public, page

urlpatterns = page.urlpatterns(letter_public, letter_follow)
