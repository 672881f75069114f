"""The OpenAPI document validates and names every endpoint; the docs page is served under the strict CSP."""

import json

from django.urls import get_resolver
from drf_spectacular.validation import validate_schema

from tests.test_isolation import _walk


def _schema(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_openapi_document_validates_against_the_openapi_3_schema(client, db):
    schema = _schema(client)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid document
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_document_lists_every_endpoint_of_the_api(client, db):
    paths = set(_schema(client)["paths"])
    routes = [route for route, name in _walk(get_resolver().url_patterns) if name.startswith("api:")]
    assert len(routes) > 15
    for route in routes:
        if route.endswith(("schema/", "docs/")):
            continue
        templated = "/" + route.replace("<slug:", "{").replace("<int:", "{").replace(">", "}")
        assert templated in paths, f"{templated} is missing from the OpenAPI document"


def test_the_docs_page_loads_its_scripts_from_the_portal_under_the_csp(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    body = response.content.decode()
    assert "<script>" not in body  # no inline script: the start-up script is a separate request
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    assert f'nonce="{response.wsgi_request.csp_nonce}"' in body
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
