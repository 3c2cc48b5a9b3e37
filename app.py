"""WSGI entry point: `flask --app app …` and `gunicorn app:app` both load this."""
import gc

from commentflow import create_app

app = create_app()
# What the app set up once (modules, models, templates: about 170,000 objects) is never
# garbage: kept out of the cyclic collector's full passes, which otherwise walk all of it
# whenever a request allocates a lot (a 20,000-comment workspace: ~30 % of its time).
gc.collect()
gc.freeze()
