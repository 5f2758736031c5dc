#!/usr/bin/env python3
"""Generates sigv4kit's known-answer vectors with independent signers.

Every case is a random request, drawn from a seeded generator so that a seed
replays exactly, and signed by implementations other than sigv4kit:

- SigV4: botocore (SigV4Auth, S3SigV4Auth, SigV4QueryAuth, S3SigV4QueryAuth)
  and the AWS CRT (awscrt.auth.aws_sign_request). Both sign the same input;
  when their signatures differ the case records the difference under
  "oracle_disagreement" with the rule that explains it (vectors/README.md),
  and the expected answer is the CRT's.
- SigV4A: the CRT alone (no other public signer exists). Its ECDSA nonces
  are random, so the case keeps the CRT's signature, which sigv4kit must
  verify, and the canonical request and string to sign rebuilt from the
  CRT's signed request with botocore's canonicalization; those are stored
  only once the CRT's signature verifies over them with the public key
  derived here (OpenSSL, through `cryptography`).

The canonical request of a SigV4 case is botocore's, stored only when a
signature computed from it equals the CRT's.

    pip install -r vectors/requirements.txt
    python3 vectors/generate.py [--seed N] [--count N] [--out FILE]

The format is documented in vectors/README.md.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import io
import json
import random
import sys
import urllib.parse

import awscrt.auth as crt
import awscrt.http as crt_http
import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

DEFAULT_SEED = 20261125
DEFAULT_COUNT = 320
SIGV4 = "AWS4-HMAC-SHA256"
SIGV4A = "AWS4-ECDSA-P256-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

# What each case must cover somewhere in the set; checked after generation.
REQUIRED_TAGS = [
    "algorithm:sigv4", "algorithm:sigv4a",
    "location:headers", "location:query",
    "service:s3", "service:s3-mrap", "service:vpc-lattice-svcs",
    "service:execute-api", "service:dynamodb", "service:sts",
    "path:space", "path:unicode", "path:reserved", "path:dot-segments",
    "path:repeated-slashes", "path:pre-encoded",
    "query:repeated-keys", "query:empty-value", "query:key-without-equals",
    "query:reserved", "query:unicode",
    "header:mixed-case", "header:repeated", "header:leading-trailing-space",
    "header:inner-space", "header:folded",
    "token:signed", "token:unsigned",
    "payload:signed", "payload:unsigned", "payload:empty",
    "region-set:us-east-1", "region-set:us-east-1,us-west-2", "region-set:*",
]

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
REGION_SETS = ["us-east-1", "us-east-1,us-west-2", "*"]
SERVICES = ["s3", "s3-mrap", "vpc-lattice-svcs", "execute-api", "dynamodb", "sts"]
PATH_KINDS = ["plain", "space", "unicode", "reserved", "dot-segments",
              "repeated-slashes", "pre-encoded"]
QUERY_KINDS = ["none", "plain", "repeated-keys", "empty-value", "key-without-equals",
               "reserved", "unicode"]
HEADER_KINDS = ["mixed-case", "repeated", "leading-trailing-space", "inner-space", "folded"]
WORDS = ["photos", "cat", "report", "a", "data", "x", "orders", "2026", "v1", "items"]
UNICODE_WORDS = ["café", "日本語", "naïve", "Ωmega", "emoji😀", "straße"]
# Characters RFC 3986 reserves, plus a few that are merely unsafe.
RESERVED_CHARS = "!$&'()*+,;=:@[]"


def aws_quote(text, safe=""):
    """Percent-encodes as AWS does: everything but A-Z a-z 0-9 - _ . ~ (and `safe`)."""
    return urllib.parse.quote(text, safe="-_.~" + safe)


class CaseBuilder:
    """Draws one random request; `tags` says what it exercises."""

    def __init__(self, rng, index):
        self.rng = rng
        self.index = index
        self.tags = set()

    def tag(self, name):
        self.tags.add(name)

    def word(self):
        return self.rng.choice(WORDS)

    # -- path ---------------------------------------------------------------

    def path(self, kind, s3_rules):
        """The path as a client sends it on the wire: percent-encoded once."""
        rng = self.rng
        segments = [self.word() for _ in range(rng.randint(1, 3))]
        if kind == "space":
            segments[-1] = aws_quote(f"{self.word()} {self.word()}")
        elif kind == "unicode":
            segments[-1] = aws_quote(rng.choice(UNICODE_WORDS))
        elif kind == "reserved":
            chars = "".join(rng.sample(RESERVED_CHARS, 3))
            segments[-1] = aws_quote(self.word() + chars)
        elif kind == "dot-segments":
            segments.insert(rng.randint(0, len(segments)), rng.choice([".", ".."]))
            segments.insert(rng.randint(0, len(segments)), "..")
        elif kind == "repeated-slashes":
            segments.insert(rng.randint(0, len(segments)), "")
            segments.insert(rng.randint(1, len(segments)), "")
        elif kind == "pre-encoded":
            # Already encoded once by the caller: the wire carries %2520.
            segments[-1] = aws_quote(aws_quote(f"{self.word()} {self.word()}/"))
        path = "/" + "/".join(segments)
        if rng.random() < 0.2:
            path += "/"
        if s3_rules and kind == "plain" and rng.random() < 0.3:
            path = "/" + self.word() + ".jpg"
        self.tag(f"path:{kind}")
        return path

    # -- query --------------------------------------------------------------

    def query(self, kind):
        """The raw query as sent, already percent-encoded as AWS encodes it."""
        if kind == "none":
            self.tag("query:none")
            return ""
        rng = self.rng
        pairs = [(self.word() + str(rng.randint(0, 9)), self.word())
                 for _ in range(rng.randint(1, 3))]
        pieces = [f"{aws_quote(k)}={aws_quote(v)}" for k, v in pairs]
        if kind == "repeated-keys":
            key = aws_quote(pairs[0][0])
            pieces.append(f"{key}={aws_quote(self.word() + 'z')}")
            pieces.append(f"{key}=a{rng.randint(0, 9)}")
        elif kind == "empty-value":
            pieces.append(f"{self.word()}-empty=")
        elif kind == "key-without-equals":
            pieces.append(f"{self.word()}-flag")
        elif kind == "reserved":
            chars = "".join(rng.sample(RESERVED_CHARS + " /?#%", 4))
            pieces.append(f"{aws_quote('k' + chars)}={aws_quote('v' + chars)}")
        elif kind == "unicode":
            pieces.append(f"{aws_quote(rng.choice(UNICODE_WORDS))}="
                          f"{aws_quote(rng.choice(UNICODE_WORDS))}")
        rng.shuffle(pieces)
        self.tag(f"query:{kind}")
        return "&".join(pieces)

    # -- headers ------------------------------------------------------------

    def headers(self, kinds, allow_folded):
        """Extra headers, in order, exercising each of `kinds`."""
        rng = self.rng
        headers = []
        for kind in kinds:
            if kind == "folded" and not allow_folded:
                continue
            name = f"X-Amz-Meta-{self.word().capitalize()}{rng.randint(0, 99)}"
            if kind == "mixed-case":
                name = "".join(c.upper() if rng.random() < 0.5 else c.lower()
                               for c in f"x-custom-{self.word()}")
                headers.append((name, self.word()))
            elif kind == "repeated":
                headers.append((name, self.word()))
                headers.append((name.lower(), f"{self.word()} {self.word()}"))
                if rng.random() < 0.5:
                    headers.append((name.upper(), self.word()))
            elif kind == "leading-trailing-space":
                headers.append((name, rng.choice([" ", "  ", "\t", " \t "]) + self.word()
                                + rng.choice([" ", "   ", "\t"])))
            elif kind == "inner-space":
                headers.append((name, f"{self.word()}{rng.choice(['  ', '   ', ' ', chr(9)])}"
                                      f"{self.word()}  {self.word()}"))
            elif kind == "folded":
                headers.append((name, f"{self.word()}\r\n {self.word()}"))
            self.tag(f"header:{kind}")
        if rng.random() < 0.3:
            headers.append(("Content-Type", rng.choice(["text/plain", "application/octet-stream"])))
        return headers


def sigv4a_private_key(access_key_id, secret_access_key):
    """The SigV4A private scalar: NIST SP 800-108 counter-mode HMAC-SHA256
    over the access key id, retried with a new counter until it is below n-1
    (the derivation the AWS SDKs and the CRT use)."""
    key = ("AWS4A" + secret_access_key).encode()
    for counter in range(1, 255):
        fixed_input = ((1).to_bytes(4, "big") + SIGV4A.encode() + b"\x00"
                       + access_key_id.encode() + bytes([counter]) + (256).to_bytes(4, "big"))
        candidate = int.from_bytes(hmac.new(key, fixed_input, hashlib.sha256).digest(), "big")
        if candidate <= P256_ORDER - 2:
            return candidate + 1
    raise ValueError("no SigV4A key within 254 counters")


def sigv4a_public_key(access_key_id, secret_access_key):
    scalar = sigv4a_private_key(access_key_id, secret_access_key)
    return ec.derive_private_key(scalar, ec.SECP256R1()).public_key()


def normalized_query(query):
    """The query with each key and value decoded and encoded again as AWS
    encodes (RFC 3986 unreserved kept, everything else %XX upper case)."""
    if not query:
        return query
    pieces = []
    for piece in query.split("&"):
        key, has_equals, value = piece.partition("=")
        key = aws_quote(urllib.parse.unquote(key))
        value = aws_quote(urllib.parse.unquote(value))
        pieces.append(f"{key}={value}" if has_equals else key)
    return "&".join(pieces)


class Oracles:
    """Signs one case's input with botocore and the CRT."""

    def __init__(self, case):
        self.case = case
        request = case["request"]
        settings = case["settings"]
        self.method = request["method"]
        self.host = request["host"]
        self.path = request["path"]
        self.query = request["query"]
        self.headers = request["headers"]
        self.body = base64.b64decode(request["body_base64"])
        credentials = case["credentials"]
        self.access_key_id = credentials["access_key_id"]
        self.secret = credentials["secret_access_key"]
        self.token = credentials["session_token"]
        self.time = datetime.datetime.strptime(case["time"], "%Y%m%dT%H%M%SZ")
        self.settings = settings

    def url(self, query):
        return f"https://{self.host}{self.path}" + (f"?{query}" if query else "")

    # -- the CRT --------------------------------------------------------------

    def crt_sign(self):
        settings = self.settings
        algorithm = (crt.AwsSigningAlgorithm.V4 if self.case["algorithm"] == SIGV4
                     else crt.AwsSigningAlgorithm.V4_ASYMMETRIC)
        query_signing = settings["signature_location"] == "query"
        target = self.path + (f"?{self.query}" if self.query else "")
        # The CRT refuses a caller's x-amz-content-sha256 on a VPC Lattice
        # presigning, and adds its own: it is given the request without it.
        lattice_header = ["x-amz-content-sha256", UNSIGNED_PAYLOAD]
        lattice_presign = "lattice-presign-content-sha256" in self.case["tags"]
        sent_headers = [h for h in self.headers if not (lattice_presign and h == lattice_header)]
        request = crt_http.HttpRequest(self.method, target,
                                       crt_http.HttpHeaders([tuple(h) for h in sent_headers]))
        rules = settings["path_rules"]
        config = crt.AwsSigningConfig(
            algorithm=algorithm,
            signature_type=(crt.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS if query_signing
                            else crt.AwsSignatureType.HTTP_REQUEST_HEADERS),
            credentials_provider=crt.AwsCredentialsProvider.new_static(
                self.access_key_id, self.secret, self.token),
            region=settings.get("region") or settings.get("region_set"),
            service=settings["service"],
            date=self.time.replace(tzinfo=datetime.timezone.utc),
            use_double_uri_encode=rules["double_encode"],
            should_normalize_uri_path=rules["normalize"],
            signed_body_value=(crt.AwsSignedBodyValue.UNSIGNED_PAYLOAD
                               if settings["payload"] == "unsigned" else None),
            signed_body_header_type=(crt.AwsSignedBodyHeaderType.X_AMZ_CONTENT_SHA_256
                                     if settings["content_sha256_header"]
                                     else crt.AwsSignedBodyHeaderType.NONE),
            expiration_in_seconds=settings["expires_seconds"],
            omit_session_token=settings["session_token"] == "unsigned",
        )
        if self.body:
            request.body_stream = io.BytesIO(self.body)
        signed = crt.aws_sign_request(request, config).result()
        signed_headers = list(signed.headers)
        added = signed_headers[len(sent_headers):]
        if lattice_presign:
            assert added == [tuple(lattice_header)], f"the CRT's Lattice header changed: {added}"
            signed_headers, added = signed_headers[:len(sent_headers)] + added, []
            sent_headers = self.headers
        # The CRT's header list trims values as it stores them (canonical
        # forms trim them anyway); anything else changed would be a bug.
        sent = [(name, value.strip(" \t")) for name, value in sent_headers]
        assert [(n, v.strip(" \t")) for n, v in signed_headers[:len(sent_headers)]] == sent, \
            "the CRT changed the caller's headers"
        result = {"added_headers": [list(h) for h in added]}
        if query_signing:
            path, _, query = signed.path.partition("?")
            assert path == self.path, "the CRT changed the path"
            result["presigned_url"] = f"https://{self.host}{signed.path}"
            result["signed_query"] = query
            result["signature"] = dict(
                urllib.parse.parse_qsl(query, keep_blank_values=True))["X-Amz-Signature"]
        else:
            authorization = dict(added)["Authorization"]
            result["authorization"] = authorization
            result["signature"] = authorization.rsplit("Signature=", 1)[1]
        return result

    # -- botocore -------------------------------------------------------------

    def _botocore_request(self, url, headers, body):
        request = AWSRequest(method=self.method, url=url, data=body)
        request.headers = HTTPHeaders()
        for name, value in headers:
            request.headers[name] = value  # appends: repeats are kept
        return request

    def _auth(self, query_signing, s3):
        credentials = Credentials(self.access_key_id, self.secret, self.token)
        service = self.settings["service"]
        region = self.settings.get("region") or "us-east-1"
        if query_signing:
            cls = S3SigV4QueryAuth if s3 else SigV4QueryAuth
            return cls(credentials, service, region, expires=self.settings["expires_seconds"])
        return (S3SigV4Auth if s3 else SigV4Auth)(credentials, service, region)

    def _fixed_time(self):
        fixed = self.time

        class FixedTime:
            def __enter__(self):
                self.original = botocore.auth.get_current_datetime
                botocore.auth.get_current_datetime = lambda: fixed

            def __exit__(self, *exc):
                botocore.auth.get_current_datetime = self.original

        return FixedTime()

    def _payload_context(self, request, s3):
        if self.settings["payload"] == "unsigned":
            if s3:
                request.context["client_config"] = type(
                    "S3Config", (), {"s3": {"payload_signing_enabled": False}})()
            else:
                request.context["payload_signing_enabled"] = False

    def botocore_sign(self, query):
        """Signs end to end with botocore's signer for the case's mode, with
        `query` as the URL's query. Returns its signature, canonical request
        and string to sign."""
        settings = self.settings
        s3 = settings["path_rules"] == {"normalize": False, "double_encode": False}
        query_signing = settings["signature_location"] == "query"
        auth = self._auth(query_signing, s3)
        request = self._botocore_request(self.url(query), self.headers, self.body)
        self._payload_context(request, s3)
        if settings["content_sha256_header"] and not s3 and settings["payload"] == "signed":
            # botocore's generic signer adds the header only for unsigned payloads.
            request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(self.body).hexdigest()
        captured = {}
        canonical_request, string_to_sign = auth.canonical_request, auth.string_to_sign

        def capture_canonical(req):
            captured["canonical_request"] = canonical_request(req)
            return captured["canonical_request"]

        def capture_sts(req, canonical):
            captured["string_to_sign"] = string_to_sign(req, canonical)
            return captured["string_to_sign"]

        auth.canonical_request, auth.string_to_sign = capture_canonical, capture_sts
        with self._fixed_time():
            auth.add_auth(request)
        if query_signing:
            query = urllib.parse.urlsplit(request.url).query
            captured["signature"] = dict(
                urllib.parse.parse_qsl(query, keep_blank_values=True))["X-Amz-Signature"]
        else:
            captured["signature"] = request.headers["Authorization"].rsplit("Signature=", 1)[1]
        return captured

    def botocore_canonicalize(self, crt_result):
        """botocore's canonical request of what the CRT signed: the CRT's
        signed request without its signature, with the query's encoding
        normalized (botocore signs a query as given)."""
        settings = self.settings
        s3 = settings["path_rules"] == {"normalize": False, "double_encode": False}
        query_signing = settings["signature_location"] == "query"
        auth = self._auth(False, s3)
        if query_signing:
            unsigned = ["X-Amz-Signature="]
            if settings["session_token"] == "unsigned":
                unsigned.append("X-Amz-Security-Token=")
            query = "&".join(piece for piece in crt_result["signed_query"].split("&")
                             if not piece.startswith(tuple(unsigned)))
            headers = list(self.headers)
        else:
            query = self.query
            headers = list(self.headers) + [h for h in crt_result["added_headers"]
                                            if h[0] != "Authorization"]
            if settings["session_token"] == "unsigned":
                headers = [h for h in headers if h[0].lower() != "x-amz-security-token"]
        request = self._botocore_request(self.url(normalized_query(query)), headers, self.body)
        self._payload_context(request, s3)
        if query_signing and (s3 or settings["payload"] == "unsigned"):
            # A presigned URL without a content hash header signs UNSIGNED-PAYLOAD.
            request.context["payload_signing_enabled"] = False
            if s3:
                request.context["client_config"] = type(
                    "S3Config", (), {"s3": {"payload_signing_enabled": False}})()
        return auth.canonical_request(request)


def string_to_sign(algorithm, amz_date, scope, canonical_request):
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    return f"{algorithm}\n{amz_date}\n{scope}\n{digest}"


def sigv4_signature(secret, date, region, service, sts):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


def build_input(rng, index):
    """One random case's input and settings (no expected output yet)."""
    builder = CaseBuilder(rng, index)
    algorithm = SIGV4A if index % 5 in (1, 3) else SIGV4
    service_kind = SERVICES[(index // 2) % len(SERVICES)]
    if service_kind == "s3-mrap" and algorithm == SIGV4:
        # A Multi-Region Access Point accepts SigV4A only.
        algorithm = SIGV4A
    builder.tag("algorithm:" + ("sigv4" if algorithm == SIGV4 else "sigv4a"))
    builder.tag(f"service:{service_kind}")
    region = rng.choice(REGIONS)
    s3_rules = service_kind in ("s3", "s3-mrap")
    query_signing = rng.random() < 0.35
    builder.tag("location:" + ("query" if query_signing else "headers"))

    path_kind = PATH_KINDS[index % len(PATH_KINDS)]
    query_kind = QUERY_KINDS[(index // 3) % len(QUERY_KINDS)]
    method = rng.choice(["GET", "PUT", "DELETE", "HEAD"]) if s3_rules else "GET"
    body = b""
    headers_before = []
    if service_kind == "s3":
        host = f"{rng.choice(['examplebucket', 'my-bucket', 'logs.2026'])}.s3.{region}.amazonaws.com"
    elif service_kind == "s3-mrap":
        host = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(13)) \
            + ".mrap.accesspoint.s3-global.amazonaws.com"
    elif service_kind == "vpc-lattice-svcs":
        host = f"svc-0{rng.randrange(16**16):016x}.7d67968.vpc-lattice-svcs.{region}.on.aws"
        method = rng.choice(["GET", "POST", "PUT"])
    elif service_kind == "execute-api":
        host = f"{rng.randrange(36**10):010x}.execute-api.{region}.amazonaws.com"
        method = rng.choice(["GET", "POST", "PATCH", "DELETE"])
    elif service_kind == "dynamodb":
        host = f"dynamodb.{region}.amazonaws.com"
        method = "POST"
        headers_before = [("Content-Type", "application/x-amz-json-1.0"),
                          ("X-Amz-Target", "DynamoDB_20120810." + rng.choice(
                              ["GetItem", "PutItem", "Query", "ListTables"]))]
    else:
        host = rng.choice(["sts.amazonaws.com", f"sts.{region}.amazonaws.com"])
        method = rng.choice(["GET", "POST"])
    if service_kind in ("dynamodb", "sts"):
        path = builder.path(path_kind, False) if rng.random() < 0.5 else "/"
        if path == "/":
            builder.tags.discard(f"path:{path_kind}")
            builder.tag("path:root")
    else:
        path = builder.path(path_kind, s3_rules)
    query = builder.query(query_kind)
    if service_kind == "sts" and method == "GET":
        query = "Action=GetCallerIdentity&Version=2011-06-15" + (f"&{query}" if query else "")

    if method in ("PUT", "POST", "PATCH") and not query_signing and rng.random() < 0.8:
        if service_kind == "dynamodb":
            body = json.dumps({"TableName": rng.choice(["Music", "Orders"]),
                               "Key": {"id": {"S": builder.word()}}}).encode()
        elif service_kind == "sts":
            body = b"Action=GetCallerIdentity&Version=2011-06-15"
            headers_before.append(("Content-Type", "application/x-www-form-urlencoded"))
        elif rng.random() < 0.4:
            body = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        else:
            body = json.dumps({"item": builder.word(), "n": rng.randint(0, 99)}).encode()

    header_kinds = rng.sample(HEADER_KINDS, rng.randint(0, 3))
    if index % 11 == 0:
        header_kinds = list(HEADER_KINDS)
    extra = builder.headers(header_kinds, allow_folded=True)
    if rng.random() < 0.1:
        extra.append(("User-Agent", "sigv4kit-vectors/1.0"))
        builder.tag("header:unsigned-user-agent")
    host_header = rng.choice(["Host", "host", "HOST"]) if rng.random() < 0.3 else "Host"
    headers = [(host_header, host)] + headers_before + extra

    # Payload: UNSIGNED-PAYLOAD where the service allows it, else the hash.
    unsigned_allowed = service_kind in ("s3", "s3-mrap", "vpc-lattice-svcs")
    if query_signing and s3_rules:
        payload = "unsigned"  # S3 presigned URLs always sign UNSIGNED-PAYLOAD
    elif query_signing and service_kind == "vpc-lattice-svcs":
        # The CRT presigns for VPC Lattice with a signed
        # `x-amz-content-sha256: UNSIGNED-PAYLOAD` header whatever it is
        # told; the request carries that header so that every signer signs
        # the same request (vectors/README.md, "VPC Lattice presigning").
        payload = "unsigned"
        headers.append(("x-amz-content-sha256", "UNSIGNED-PAYLOAD"))
        builder.tag("lattice-presign-content-sha256")
    elif unsigned_allowed and rng.random() < 0.4:
        payload = "unsigned"
    else:
        payload = "signed"
    if payload == "unsigned":
        builder.tag("payload:unsigned")
    else:
        builder.tag("payload:signed" if body else "payload:empty")
    if query_signing:
        content_sha256_header = False
    elif s3_rules:
        content_sha256_header = True  # S3 requires x-amz-content-sha256
    elif algorithm == SIGV4A:
        content_sha256_header = payload == "unsigned" or rng.random() < 0.2
    else:
        # botocore's generic signer adds the header exactly for unsigned payloads.
        content_sha256_header = payload == "unsigned"

    token_draw = rng.random()
    token = None
    token_mode = "signed"
    if token_draw < 0.35:
        token = "IQoJb3JpZ2luX2VjE" + "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
            for _ in range(rng.randint(20, 60))) + rng.choice(["", "=", "=="])
        if token_draw < 0.08:
            token_mode = "unsigned"
        builder.tag(f"token:{token_mode}")
    else:
        builder.tag("token:none")

    settings = {
        "service": "s3" if s3_rules else service_kind,
        "signature_location": "query" if query_signing else "headers",
        "expires_seconds": (rng.choice([1, 60, 900, 3600, 86400, 604800, rng.randint(2, 604799)])
                            if query_signing else None),
        "payload": payload,
        "path_rules": ({"normalize": False, "double_encode": False} if s3_rules
                       else {"normalize": True, "double_encode": True}),
        "content_sha256_header": content_sha256_header,
        "session_token": token_mode,
    }
    if algorithm == SIGV4:
        settings["region"] = region
    else:
        region_set = "*" if service_kind == "s3-mrap" and rng.random() < 0.7 \
            else REGION_SETS[(index // 5) % len(REGION_SETS)]
        settings["region_set"] = region_set
        builder.tag(f"region-set:{region_set}")

    access_key_id = rng.choice(["AKIDEXAMPLE", "AKIAIOSFODNN7EXAMPLE",
                                "ASIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                                                 for _ in range(16))])
    secret = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                     for _ in range(40))
    seconds = rng.randint(1_700_000_000, 1_900_000_000)
    time = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return {
        "id": "",
        "tags": sorted(builder.tags),
        "algorithm": algorithm,
        "request": {
            "method": method,
            "host": host,
            "path": path,
            "query": query,
            "headers": [list(h) for h in headers],
            "body_base64": base64.b64encode(body).decode(),
        },
        "credentials": {"access_key_id": access_key_id, "secret_access_key": secret,
                        "session_token": token},
        "time": time.strftime("%Y%m%dT%H%M%SZ"),
        "settings": settings,
    }


def classify_sigv4_disagreement(case):
    """The known rule behind a botocore/CRT difference, from the case's
    input; vectors/README.md explains each."""
    reasons = []
    keys = [piece.partition("=")[0] for piece in case["request"]["query"].split("&") if piece]
    if case["settings"]["signature_location"] == "query" and len(keys) != len(set(keys)):
        reasons.append("botocore-presign-query-dict")
    return reasons or ["unexplained"]


def expect_sigv4(case, oracles):
    crt_result = oracles.crt_sign()
    settings = case["settings"]
    expected = {"signature": crt_result["signature"]}
    if "authorization" in crt_result:
        expected["authorization"] = crt_result["authorization"]
    else:
        expected["presigned_url"] = crt_result["presigned_url"]
    expected["added_headers"] = crt_result["added_headers"]
    scope_date = case["time"][:8]
    scope = f"{scope_date}/{settings['region']}/{settings['service']}/aws4_request"
    case["oracles"] = ["crt"]

    # botocore end to end, where it can express the case.
    if settings["session_token"] == "signed":
        boto = oracles.botocore_sign(case["request"]["query"])
        case["oracles"].append(type(oracles._auth(settings["signature_location"] == "query",
                                                  settings["path_rules"]["normalize"] is False)
                                    ).__name__)
        if boto["signature"] == crt_result["signature"]:
            expected["canonical_request"] = boto["canonical_request"]
            expected["string_to_sign"] = boto["string_to_sign"]
            return expected
        disagreement = {
            "botocore_signature": boto["signature"],
            "botocore_canonical_request": boto["canonical_request"],
            "reasons": classify_sigv4_disagreement(case),
        }
    else:
        disagreement = None

    # botocore's canonicalization of what the CRT signed, kept when it
    # reproduces the CRT's signature.
    canonical = oracles.botocore_canonicalize(crt_result)
    sts = string_to_sign(SIGV4, case["time"], scope, canonical)
    if sigv4_signature(oracles.secret, scope_date, settings["region"], settings["service"],
                       sts) == crt_result["signature"]:
        expected["canonical_request"] = canonical
        expected["string_to_sign"] = sts
        if disagreement:
            disagreement["crt_canonical_request_confirmed"] = True
    elif disagreement:
        disagreement["crt_canonical_request_confirmed"] = False
    if disagreement:
        case["oracle_disagreement"] = disagreement
    return expected


def expect_sigv4a(case, oracles):
    crt_result = oracles.crt_sign()
    settings = case["settings"]
    credentials = case["credentials"]
    public_key = sigv4a_public_key(credentials["access_key_id"], credentials["secret_access_key"])
    numbers = public_key.public_numbers()
    expected = {
        "public_key": {"x": f"{numbers.x:064x}", "y": f"{numbers.y:064x}"},
        "crt_signature": crt_result["signature"],
        "added_headers": crt_result["added_headers"],
    }
    if "authorization" in crt_result:
        expected["authorization"] = crt_result["authorization"]
    else:
        expected["presigned_url"] = crt_result["presigned_url"]
    case["oracles"] = ["crt"]
    canonical = oracles.botocore_canonicalize(crt_result)
    scope = f"{case['time'][:8]}/{settings['service']}/aws4_request"
    sts = string_to_sign(SIGV4A, case["time"], scope, canonical)
    try:
        public_key.verify(bytes.fromhex(crt_result["signature"]), sts.encode(),
                          ec.ECDSA(hashes.SHA256()))
        expected["canonical_request"] = canonical
        expected["string_to_sign"] = sts
        case["oracles"].append("botocore-canonicalization")
    except InvalidSignature:
        case["oracle_disagreement"] = {
            "botocore_canonical_request": canonical,
            "reasons": ["sigv4a-canonical-request-unconfirmed"],
        }
    return expected


def generate(seed, count):
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        case = build_input(rng, index)
        tag = "v4" if case["algorithm"] == SIGV4 else "v4a"
        case["id"] = f"{tag}-{index:04d}-{case['settings']['service']}-" \
                     f"{case['settings']['signature_location']}"
        oracles = Oracles(case)
        if case["algorithm"] == SIGV4:
            case["expected"] = expect_sigv4(case, oracles)
        else:
            case["expected"] = expect_sigv4a(case, oracles)
        cases.append(case)
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--out", default="-", help="the JSON Lines file; - for stdout")
    args = parser.parse_args()
    cases = generate(args.seed, args.count)
    seen = {tag for case in cases for tag in case["tags"]}
    missing = [tag for tag in REQUIRED_TAGS if tag not in seen]
    if missing and args.count >= 100:
        sys.exit(f"seed {args.seed}: coverage missing {missing}")
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    with out:
        for case in cases:
            out.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    disagreements = {}
    for case in cases:
        for reason in case.get("oracle_disagreement", {}).get("reasons", []):
            disagreements[reason] = disagreements.get(reason, 0) + 1
    unconfirmed = sum("canonical_request" not in case["expected"] for case in cases)
    print(f"seed {args.seed}: {len(cases)} cases, oracle disagreements {disagreements or 'none'}, "
          f"{unconfirmed} without a confirmed canonical request", file=sys.stderr)


if __name__ == "__main__":
    main()
