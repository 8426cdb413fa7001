from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the support pages (mission 6), declared next to their views
