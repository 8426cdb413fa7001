from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the snp pages, declared next to their views
