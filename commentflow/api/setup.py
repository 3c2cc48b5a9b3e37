"""Wires the API into the app: flask-smorest's Api, the blueprints, the bearer scheme."""
from flask import Flask
from flask_smorest import Api

from commentflow.api.exchange import bp as exchange_bp
from commentflow.api.inbox import bp as inbox_bp
from commentflow.api.reference import bp as reference_bp
from commentflow.api.rounds import bp as rounds_bp
from commentflow.extensions import csrf


class _Api(Api):
    """flask-smorest answers every HTTP error of the whole app in JSON; the pages keep their
    own error pages, and web/errors.py answers in JSON under /api/ only."""

    def _register_error_handlers(self):
        pass


API_SETTINGS = {
    "API_TITLE": "commentflow API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Góp ý dự thảo cho hệ thống quản lý văn bản và điều hành: "
                                "văn bản đến, ý kiến trả lời, đợt lấy ý kiến, báo cáo tổng hợp. "
                                "Xác thực bằng khóa API (Authorization: Bearer …) do quản trị "
                                "viên cấp cho một cơ quan, đơn vị."},
        "servers": [{"url": "/"}],
    },
}


def init_api(app: Flask) -> Api:
    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    api = _Api(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (inbox_bp, rounds_bp, exchange_bp):
        csrf.exempt(blueprint)  # a bearer token, never a cookie: nothing to forge
        api.register_blueprint(blueprint)
    app.register_blueprint(reference_bp)
    app.extensions["commentflow-api"] = api
    return api
