#!/usr/bin/env python3
"""Builds the fuzz seed corpora from the AWS signing suite and the project's
own vectors, where they lie. The corpora go to fuzz/corpus/<target>/ (ignored
by git): the suite is read, never copied into the repository."""
import hashlib
import json
import os
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
suite = pathlib.Path(os.environ.get("SIGV4_TEST_SUITE", root / "../shared/vectors/aws-signing-test-suite"))
vectors = root / "vectors"
corpus = root / "fuzz" / "corpus"


def put(target, data):
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def request_files():
    if suite.is_dir():
        # request.txt and the signed requests; the canonical requests are not HTTP.
        for path in sorted(suite.glob("*/*/*request.txt")):
            if not path.name.endswith("canonical-request.txt"):
                yield path
    else:
        print(f"fuzz-seeds: no suite at {suite}; seeding from built-in examples only", file=sys.stderr)


count = 0
for path in request_files():
    raw = path.read_bytes()
    put("raw_request", raw)
    put("canonical_headers", raw)
    put("sign_verify", raw)
    line = raw.split(b"\n", 1)[0]
    target = line.split(b" ", 1)[-1].rsplit(b" HTTP/", 1)[0]
    path_part, _, query = target.partition(b"?")
    for flags in range(4):
        put("canonical_path", bytes([flags]) + path_part)
    put("canonical_query", query)
    put("presigned_url", target)
    for header in raw.split(b"\n"):
        name, colon, value = header.partition(b":")
        if colon and name.lower() == b"authorization":
            put("authorization_header", value.rstrip(b"\r"))
    count += 1

for case in sorted(vectors.glob("**/*.json")) if vectors.is_dir() else []:
    try:
        data = json.loads(case.read_text())
    except (ValueError, UnicodeDecodeError):
        continue
    for item in data if isinstance(data, list) else [data]:
        url = item.get("input", {}).get("url") if isinstance(item, dict) else None
        if isinstance(url, str):
            target = url.split("://", 1)[-1].partition("/")[2]
            path_part, _, query = ("/" + target).partition("?")
            put("canonical_path", bytes([3]) + path_part.encode())
            put("canonical_query", query.encode())
            count += 1

# signature_der: the suite's SigV4A signatures, hex-decoded to DER, and their
# hex text itself (the target also reads its input as hex).
signatures = 0
for path in sorted(suite.glob("v4a/*/*signature.txt")) if suite.is_dir() else []:
    text = path.read_text().strip()
    try:
        der = bytes.fromhex(text)
    except ValueError:
        continue
    put("signature_der", der)
    put("signature_der", text.encode())
    signatures += 1
for example in [
    bytes.fromhex("3006020101020101"),  # the shortest valid signature
    bytes.fromhex("3046022100" + "ff" * 31 + "00" + "022100" + "ff" * 31 + "00"),  # 72 bytes
    bytes.fromhex("3045022018b4e277d0281864beb51d3600e23f88510ea5031d68ddfbb68614b82a5eb7d2"
                  "022100effb9c5f22ed9ef3ae0ab243d21f06bce82365bbb79529a07b6888c343ae5f8c"),
]:
    put("signature_der", example)
    put("signature_der", example.hex().encode())

for example in [b"/a/./b/../c//d/", b"/%2F%20space ", b"/\xe1\x88\xb4/..%2e/"]:
    put("canonical_path", bytes([1]) + example)
for example in [b"a=1&a=2&b", b"x=%zz&+=%2B&=", b"\xe1\x88\xb4=bar&&"]:
    put("canonical_query", example)
# profile_file: shared config / credentials texts that exercise each rule of
# the format (the target reads one input as either file, or as both when a NUL
# byte splits it). Written here, from the rules in crates/sigv4kit/src/profile.rs.
profile_texts = [
    "[default]\nregion = us-east-1\nauth_scheme_preference = sigv4a,sigv4\n",
    "[profile dev]\nregion = eu-west-1 # inline comment\nsigv4a_signing_region_set = *\n"
    "s3 =\n  addressing_style = path\n  max_concurrent_requests = 20 ; comment\n",
    "# comment\n; comment\n[profile a] ; header comment\nk = v;kept\nk2 = v#kept\n"
    "multi = first\n  second # kept\n[profile default]\nx = 1\n[default]\ny = 2\n",
    "[sso-session corp]\nsso_region = us-east-1\n[services local]\ns3 =\n  endpoint_url = http://localhost\n"
    "[profile sso]\nsso_session = corp\n[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
    "source_profile = default\n",
    "[default]\r\naws_access_key_id = AKIDEXAMPLE\r\naws_secret_access_key = "
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\r\naws_session_token = token\r\n",
    "\ufeff[profile caf\u00e9]\nname = \U0001F602\n[profile ok]\nin valid = 1\nOK = 2\n",
    "[profile unterminated\n",
    "key = before any section\n",
    "[profile x]\n  continuation without property\n",
    "[profile x]\ns3 =\n  missing equals\n",
]
for text in profile_texts:
    put("profile_file", text.encode())
put("profile_file", (profile_texts[0] + "\0" + profile_texts[4]).encode())
put("profile_file", ("[profile shared]\nregion = a\n\0[shared]\nregion = b\n[profile bad]\n").encode())
# host_inference: one host of each family docs/PRESETS.md lists.
for host in [
    "dynamodb.us-west-2.amazonaws.com",
    "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
    "svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws",
    "bucket.s3.dualstack.eu-west-1.amazonaws.com:443",
    "search-x.us-east-1.es.amazonaws.com.",
    "abc123.execute-api.eu-central-1.amazonaws.com",
    "sts.amazonaws.com",
    "ec2.cn-north-1.amazonaws.com.cn",
    "xyz.lambda-url.us-east-1.on.aws",
    "127.0.0.1:8080",
]:
    put("host_inference", host.encode())
# signer_config: TOML configurations using every key (docs/CONFIGURATION.md).
for text in [
    'algorithm = "sigv4a"\nendpoint = "https://svc-0123.7d67968.vpc-lattice-svcs.us-west-2.on.aws"\n',
    'service = "dynamodb"\nregion = "us-east-1"\npreset = "none"\n[signing]\nunsigned_payload = true\n',
    'region_set = ["us-east-1", "us-west-2"]\nalgorithm = "sigv4a"\nservice = "s3"\n'
    '[credentials]\naccess_key_id = "AKIDEXAMPLE"\nsecret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"\n',
    'endpoint = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"\nalgorithm = "sigv4"\n',
    'service = "s3"\nregion = "eu-west-1"\nprofile = "dev"\n[signing]\nnormalize_path = true\n'
    'double_encode = false\nsign_session_token = false\ncontent_sha256_header = true\n',
]:
    put("signer_config", text.encode())
# explain: a canonical request against itself and against one variant of
# each kind explain names, the two sides split by a NUL byte.
base = "GET\n/a%2520b\nx=1&y=2\nhost:example.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\nUNSIGNED-PAYLOAD"
for variant in [
    base,
    base.replace("GET", "PUT"),
    base.replace("/a%2520b", "/a%20b"),
    base.replace("x=1&y=2", "y=2&x=1"),
    base.replace("host:example.com", "host:example.com:443"),
    base.replace("\nhost;x-amz-date\n", "\nhost\n"),
    base.replace("UNSIGNED-PAYLOAD", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    base.replace("\n", "\r\n"),
    "not a canonical request",
]:
    put("explain", (base + "\0" + variant).encode())

print(f"fuzz-seeds: seeded from {count} requests and {signatures} signatures into {corpus}")
