#!/usr/bin/env python3
"""Signs the facade's example requests with independent implementations.

The examples in crates/sigv4kit/examples/ check their output against what
this prints: botocore and the AWS CRT for SigV4 (both must agree), and for
SigV4A a CRT signature, which sigv4kit's verifier must accept (ECDSA nonces
are random, so a SigV4A signature cannot be compared byte for byte).

    pip install awscrt==0.38.1   # botocore comes with the AWS CLI or pip
    python3 scripts/example-oracles.py
"""
import datetime
import json

import io

import awscrt.auth as crt
import awscrt.http as crt_http
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TIME = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)

SIGV4_EXAMPLES = {
    "dynamodb_create_table": (
        "dynamodb", "us-east-1", "POST", "https://dynamodb.us-east-1.amazonaws.com/",
        {"Content-Type": "application/x-amz-json-1.0",
         "X-Amz-Target": "DynamoDB_20120810.CreateTable"},
        b'{"TableName":"Music","KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"}],'
        b'"AttributeDefinitions":[{"AttributeName":"Artist","AttributeType":"S"}],'
        b'"BillingMode":"PAY_PER_REQUEST"}',
    ),
    "lambda_invoke": (
        "lambda", "us-east-1", "POST",
        "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/my-function/invocations",
        {"Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"},
        b'{"key":"value"}',
    ),
    "kinesis_put_record": (
        "kinesis", "us-east-1", "POST", "https://kinesis.us-east-1.amazonaws.com/",
        {"Content-Type": "application/x-amz-json-1.1",
         "X-Amz-Target": "Kinesis_20131202.PutRecord"},
        b'{"StreamName":"orders","Data":"aGVsbG8=","PartitionKey":"p1"}',
    ),
}


def botocore_sigv4(service, region, method, url, headers, body):
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), service, region)
    fixed_time = TIME.replace(tzinfo=None)
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: fixed_time
    try:
        auth.add_auth(request)
    finally:
        botocore.auth.get_current_datetime = original
    return request.headers["Authorization"]


def crt_sign(algorithm, service, region, method, url, headers, body, *,
             unsigned=False, content_sha256_header=False, presign_seconds=None,
             s3_rules=False):
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    request = crt_http.HttpRequest(method, "/" + path, crt_http.HttpHeaders(
        [("Host", host)] + list(headers.items())))
    config = crt.AwsSigningConfig(
        algorithm=algorithm,
        signature_type=(crt.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS if presign_seconds
                        else crt.AwsSignatureType.HTTP_REQUEST_HEADERS),
        credentials_provider=crt.AwsCredentialsProvider.new_static(ACCESS_KEY, SECRET_KEY),
        region=region,
        service=service,
        date=TIME,
        use_double_uri_encode=not s3_rules,
        should_normalize_uri_path=not s3_rules,
        signed_body_value=crt.AwsSignedBodyValue.UNSIGNED_PAYLOAD if unsigned else None,
        signed_body_header_type=(crt.AwsSignedBodyHeaderType.X_AMZ_CONTENT_SHA_256
                                 if content_sha256_header else crt.AwsSignedBodyHeaderType.NONE),
        expiration_in_seconds=presign_seconds,
    )
    if body and not unsigned:
        request.body_stream = io.BytesIO(body)
    signed = crt.aws_sign_request(request, config).result()
    if presign_seconds:
        return f"{scheme}://{host}{signed.path}"
    return dict(signed.headers)["Authorization"]


def main():
    answers = {}
    for name, (service, region, method, url, headers, body) in SIGV4_EXAMPLES.items():
        boto = botocore_sigv4(service, region, method, url, headers, body)
        crt_auth = crt_sign(crt.AwsSigningAlgorithm.V4, service, region, method, url, headers, body)
        assert boto == crt_auth, f"{name}: botocore and the CRT disagree\n{boto}\n{crt_auth}"
        answers[name] = boto
    answers["vpc_lattice"] = crt_sign(
        crt.AwsSigningAlgorithm.V4_ASYMMETRIC, "vpc-lattice-svcs", "*", "POST",
        "https://svc-0a1b2c3d4e5f6a7b8.7d67968.vpc-lattice-svcs.us-west-2.on.aws/orders",
        {"Content-Type": "application/json"}, b'{"item":"book","quantity":1}',
        unsigned=True, content_sha256_header=True)
    answers["s3_mrap_presign"] = crt_sign(
        crt.AwsSigningAlgorithm.V4_ASYMMETRIC, "s3", "*", "GET",
        "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat%20one.jpg",
        {}, b"", unsigned=True, presign_seconds=3600, s3_rules=True)
    print(json.dumps(answers, indent=2))


if __name__ == "__main__":
    main()
