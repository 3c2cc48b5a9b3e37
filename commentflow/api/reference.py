"""The API's browsable reference (/api/v1/docs): the OpenAPI document as a page in the app's
own style and language, with no script from elsewhere (the CSP allows none)."""
from flask import Blueprint, current_app, render_template

from commentflow.accounts.api_tokens import SCOPE_LABELS

bp = Blueprint("api_reference", __name__)

_METHODS = ("get", "post", "put", "delete")


def _schema_name(ref: dict) -> str:
    return ref.get("$ref", "").rsplit("/", 1)[-1]


def _body(operation: dict) -> tuple[str, str]:
    """(media type, schema name) of an operation's request body, if it has one."""
    for media, content in operation.get("requestBody", {}).get("content", {}).items():
        return media, _schema_name(content.get("schema", {}))
    return "", ""


def operations(spec: dict) -> list[dict]:
    """Every operation of the document, grouped in the order the document lists them."""
    rows = []
    for path, item in spec["paths"].items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            media, body = _body(operation)
            ok = next((code for code in operation.get("responses", {}) if code < "300"), "")
            content = operation.get("responses", {}).get(ok, {}).get("content", {})
            schema = next(iter(content.values()), {}).get("schema", {})
            rows.append({"method": method.upper(), "path": path,
                         "summary": operation.get("summary", ""),
                         "description": operation.get("description", ""),
                         "scope": operation.get("x-scope", ""),
                         "parameters": [p for p in operation.get("parameters", [])
                                        if p.get("in") != "path"],
                         "body": body, "media": media, "status": ok,
                         "answer": _schema_name(schema.get("items", schema))})
    return rows


def schemas(spec: dict) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(name, [(field, type, description)]) of each schema the operations use."""
    found = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        fields = []
        for field, prop in schema.get("properties", {}).items():
            kind = prop.get("type") or _schema_name(prop) or \
                _schema_name(prop.get("allOf", [{}])[0])
            if kind == "array":
                kind = "[" + (prop["items"].get("type") or _schema_name(prop["items"])) + "]"
            fields.append((field, kind + (" *" if field in schema.get("required", []) else ""),
                           prop.get("description", "")))
        found.append((name, fields))
    return found


@bp.route("/api/v1/docs")
def page():
    spec = current_app.extensions["commentflow-api"].spec.to_dict()
    return render_template("api/reference.html", info=spec["info"], operations=operations(spec),
                           schemas=schemas(spec), scope_labels=SCOPE_LABELS)
