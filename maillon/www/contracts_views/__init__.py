from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the contracts pages, declared next to their views
