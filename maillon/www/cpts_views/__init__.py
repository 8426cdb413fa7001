from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the cpts pages, declared next to their views
