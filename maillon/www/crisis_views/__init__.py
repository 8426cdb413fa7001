from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the crisis pages, declared next to their views
