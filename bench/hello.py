"""The yardstick of bench/pages.py: a bare Flask "hello" under the same gunicorn flags."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
