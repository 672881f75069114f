"""How the OpenAPI document describes the API's token authentication (imported by cop_portal.api.urls)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "cop_portal.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A personal token from /me/api-tokens/, sent as "Token <key>".',
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "cop_portal.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The signed-in browser's session; writes also send the X-CSRFToken header.",
        }
