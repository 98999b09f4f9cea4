"""The web app (``report-index serve``): a second front end on the library, as thin as the
command line. ``app`` is the WSGI application (routes, templates, the API), ``server`` serves it
with waitress. Nothing here that the command line does not also get from the library."""
