from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the desk in the CPTS space, declared next to their views
public_page = Routes()  # the public pages (no login): finding a doctor, a patient's own status
