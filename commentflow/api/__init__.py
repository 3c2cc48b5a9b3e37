"""The REST API (/api/v1) for e-office systems: one more boundary over the same services as
the pages, described by an OpenAPI document that flask-smorest builds from its schemas."""
