from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the organisations, groups and moderation pages, declared next to their views
