from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the governance pages, declared next to their views
