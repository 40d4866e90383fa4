"""Serving the tutorial's pages: the command line (``liability-lab``), the Voila settings and their reasons
(:mod:`server.settings`), the page template (:mod:`server.template`, ``templates/``) and the public demo's app
(:mod:`server.public`, with its limits, security headers, kernel manager and handlers in modules of their own), and
the default server (:mod:`server.local`: that app without caps or hardening, sized for a laptop).

It may import voila, tornado and jupyter_server; :mod:`casebook` (the law) and :mod:`widgets` (the views) never
import it.
"""
