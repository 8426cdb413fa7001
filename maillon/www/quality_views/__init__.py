from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the quality pages (mission 5), declared next to their views
