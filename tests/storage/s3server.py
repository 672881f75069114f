"""A real S3-compatible HTTP server for the tests: moto's server, behind a gate that checks presigned URLs.

moto answers the S3 API over HTTP (the same requests boto3 sends to AWS or MinIO), but it accepts
any request: it neither refuses an anonymous GET on a private bucket nor checks a presigned URL's
signature or expiry. The gate in front does what AWS and MinIO do for those: a request signed in its
query string (X-Amz-Signature) must carry a valid SigV4 signature for our test credentials and be
within X-Amz-Date + X-Amz-Expires; a request with neither an Authorization header nor a query
signature is refused. Requests signed in the Authorization header (boto3's own calls) pass on.
"""

from __future__ import annotations

import datetime
import hmac
import threading
from urllib.parse import parse_qsl

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"  # noqa: S105 - a test server's credentials
REGION = "eu-south-1"

DENIED = b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>%s</Message></Error>'


def _denied(start_response, message: str):
    body = DENIED % message.encode()
    start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]


def presigned_problem(method: str, host: str, path: str, query: str, now: datetime.datetime) -> str | None:
    """Return why a presigned request is refused, or None if its signature and time are good."""
    params = parse_qsl(query, keep_blank_values=True)
    values = dict(params)
    if values.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        return "Only AWS4-HMAC-SHA256 query signatures are accepted"
    credential = values.get("X-Amz-Credential", "").split("/")
    if len(credential) != 5 or credential[0] != ACCESS_KEY:
        return "The AWS Access Key Id you provided does not exist in our records."
    try:
        signed_at = datetime.datetime.strptime(values["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        expires = int(values["X-Amz-Expires"])
    except (KeyError, ValueError):
        return "X-Amz-Date and X-Amz-Expires are required"
    if now > signed_at + datetime.timedelta(seconds=expires):
        return "Request has expired"
    # The canonical query string is the query as sent (botocore encodes it once), less the signature.
    unsigned = "&".join(part for part in query.split("&") if not part.startswith("X-Amz-Signature="))
    request = AWSRequest(method=method, url=f"http://{host}{path}?{unsigned}", headers={"host": host})
    request.context["timestamp"] = values["X-Amz-Date"]
    auth = S3SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", credential[2], expires=expires)
    canonical = auth.canonical_request(request)
    expected = auth.signature(auth.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, values.get("X-Amz-Signature", "")):
        return "The request signature we calculated does not match the signature you provided."
    return None


class SignedAccessGate:
    """WSGI middleware in front of moto: private bucket semantics for anonymous and presigned requests."""

    def __init__(self, app):
        self.app = app
        self.refused: list[str] = []

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if "X-Amz-Signature=" in query:
            problem = presigned_problem(
                environ["REQUEST_METHOD"],
                environ.get("HTTP_HOST", ""),
                (environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO", "")).split("?")[0],
                query,
                datetime.datetime.now(datetime.UTC),
            )
            if problem:
                self.refused.append(problem)
                return _denied(start_response, problem)
        elif not environ.get("HTTP_AUTHORIZATION"):
            self.refused.append("anonymous")
            return _denied(start_response, "Access Denied")
        return self.app(environ, start_response)


class S3Server:
    """moto's S3 behind SignedAccessGate, on 127.0.0.1 and a free port, in a thread of the test process."""

    def __init__(self):
        self.gate = SignedAccessGate(DomainDispatcherApplication(create_backend_app))
        self._server = make_server("127.0.0.1", 0, self.gate, threaded=True, request_handler=MotoRequestHandler)
        self.port = self._server.server_address[1]
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> S3Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def storage_url(self, bucket: str) -> str:
        return f"s3://{ACCESS_KEY}:{SECRET_KEY}@{bucket}?endpoint_url={self.endpoint_url}&region={REGION}"
