from . import (
    ads,
    cross_trainings,
    equipment,
    home,
    housing,
    installations,
    internships_public,
    kit,
    page,
    placements,
    site,
    supervisors,
    tutoring,
)

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(
    home,
    supervisors,
    placements,
    housing,
    internships_public,
    installations,
    kit,
    tutoring,
    cross_trainings,
    equipment,
    ads,
    site,
)
