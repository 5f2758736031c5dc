#!/usr/bin/env python3
"""Builds the fuzz seed corpora from the AWS signing suite and the project's
own vectors, where they lie. The corpora go to fuzz/corpus/<target>/ (ignored
by git): the suite is read, never copied into the repository."""
import base64
import hashlib
import hmac
import json
import os
import pathlib
import struct
import sys
import time
import zlib

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

# aws_chunked_decoder: its input is a shape byte (bits 0-2 the number of cut
# lengths, bit 4 the mode, bits 5-6 the payload: 0 SigV4, 1 SigV4 with a
# trailer, 2 unsigned), two little-endian bytes, a change byte, the cuts, then
# the bytes. Under 4 KiB each (fuzz.sh's -max_len), chunks of at most 4 KiB
# (the target's limits).
def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def chunked_body(chunks, signature=None, trailers=(), trailer_signature=None):
    """An aws-chunked body: each chunk's header (with `signature` as its
    chunk-signature, if any), data and CRLF, the final chunk, the trailers."""
    extension = b";chunk-signature=" + signature if signature else b""
    body = b""
    for data in list(chunks) + [b""]:
        body += b"%x" % len(data) + extension + b"\r\n" + data + (b"\r\n" if data else b"")
    for name, value in trailers:
        body += name + b":" + value + b"\r\n"
    if trailer_signature:
        body += b"x-amz-trailer-signature:" + trailer_signature + b"\r\n"
    return body + b"\r\n"


def chunked_input(payload, number, body, changed=False, change=0, cuts=b""):
    shape = len(cuts) | (0x10 if changed else 0) | payload << 5
    return bytes([shape]) + struct.pack("<H", number) + bytes([change]) + cuts + body


# Arbitrary-bytes mode: the layout of the S3 documentation's example (a full
# chunk, a short one, the final one), scaled down, with the example's
# signatures. These must not verify: the target fails if arbitrary bytes pass
# as a signed body. The unsigned body carries its true CRC32C and verifies.
data = [b"a" * 0x400, b"a" * 0x40]
s3_signature = b"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
sigv4a_signature = b"3045022100" + b"ab" * 33 + b"0220" + b"cd" * 32
sigv4a_padded = sigv4a_signature.ljust(144, b"*")
checksum = base64.b64encode(struct.pack(">I", crc32c(b"".join(data))))
trailer = [(b"x-amz-checksum-crc32c", checksum)]
length = sum(map(len, data))
for payload, body in [
    (0, chunked_body(data, s3_signature)),
    (1, chunked_body(data, s3_signature, trailer, s3_signature)),
    (2, chunked_body(data, None, trailer)),
    (0, chunked_body(data, sigv4a_padded)),
    (1, chunked_body(data, sigv4a_padded, trailer, sigv4a_padded)),
]:
    put("aws_chunked_decoder", chunked_input(payload, length, body))
    put("aws_chunked_decoder", chunked_input(payload, length, body, cuts=bytes([0, 16, 200])))
# Encoded-body mode: the target encodes and signs the body itself, changes
# the byte at the position by XOR with the change byte (0: none).
text = b"The quick brown fox jumps over the lazy dog.\n" * 20
for payload in [0, 1, 2]:
    put("aws_chunked_decoder", chunked_input(payload, 0, text, changed=True))
    put("aws_chunked_decoder", chunked_input(payload, 50, text, changed=True, change=1, cuts=bytes([99])))


# event_stream_decoder: a shape byte (bits 0-3 the number of cut lengths, bit
# 4 any event date), the cuts, then the stream: messages as the event-stream
# framing writes them. Envelopes are signed in the chain of the target's seed
# request (the AWS CRT's known answers, event-stream-sigv4.json).
def event_header(name, kind, value):
    return bytes([len(name)]) + name + bytes([kind]) + value


def event_message(headers, payload):
    headers = b"".join(headers)
    prelude = struct.pack(">II", 16 + len(headers) + len(payload), len(headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def string_header(name, value):
    return event_header(name, 7, struct.pack(">H", len(value)) + value)


def hmac_sha256(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


event_key = b"AWS4secret"
for part in [b"19810116", b"us-east-1", b"demo", b"aws4_request"]:
    event_key = hmac_sha256(event_key, part)


def envelopes(payloads, first_second=1):
    """Each payload in a signed envelope, one second apart from
    `first_second` after the seed's 1981-01-16T06:30:00Z."""
    previous = "e1d8e8c8815e60969f2a34765c9a15945ffc0badbaa4b7e3b163ea19131e949b"
    stream = []
    for second, payload in enumerate(payloads, 348_474_600 + first_second):
        date = event_header(b":date", 8, struct.pack(">q", second * 1000))
        string_to_sign = "\n".join([
            "AWS4-HMAC-SHA256-PAYLOAD",
            time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second)),
            "19810116/us-east-1/demo/aws4_request",
            previous,
            hashlib.sha256(date).hexdigest(),
            hashlib.sha256(payload).hexdigest(),
        ])
        signature = hmac_sha256(event_key, string_to_sign.encode())
        previous = signature.hex()
        signature_header = event_header(b":chunk-signature", 6, struct.pack(">H", 32) + signature)
        stream.append(event_message([signature_header, date], payload))
    return stream


known = envelopes([b"A", b"B", b"C", b""])
assert known[0][32:64] == bytes.fromhex("7aabf85b765e6a4d0d500b6e968657b14726fa3e1eb7e839302728ffd77629a5"), \
    "the envelopes' signing must reproduce the CRT's first event signature"
events = [
    event_message([
        string_header(b":message-type", b"event"),
        string_header(b":event-type", b"AudioEvent"),
        string_header(b":content-type", b"application/octet-stream"),
    ], bytes(range(64))),
    event_message([string_header(b":message-type", b"event"), string_header(b":event-type", b"End")], b""),
]
every_header_type = event_message([
    event_header(b"true", 0, b""),
    event_header(b"false", 1, b""),
    event_header(b"byte", 2, b"\x7f"),
    event_header(b"short", 3, struct.pack(">h", -2)),
    event_header(b"int", 4, struct.pack(">i", 1 << 20)),
    event_header(b"long", 5, struct.pack(">q", -(1 << 40))),
    event_header(b"bytes", 6, struct.pack(">H", 3) + b"\0\1\2"),
    string_header(b"string", b"caf\xc3\xa9"),
    event_header(b"timestamp", 8, struct.pack(">q", 348_474_601_000)),
    event_header(b"uuid", 9, bytes(range(16))),
], b'{"json":true}')
for stream in [
    b"".join(known),  # the CRT's events: signatures verify, the payloads are not messages
    b"".join(envelopes(events + [b""])),  # two events and the end, all verifying
    b"".join(envelopes(events)),  # no end message
    b"".join(envelopes(events + [b""], first_second=20 * 60)),  # past the default 15 min drift
    every_header_type,
    event_message([], b""),  # the smallest message
    events[0] + events[1],  # unsigned messages
]:
    put("event_stream_decoder", b"\x00" + stream)
    put("event_stream_decoder", b"\x13" + bytes([0, 11, 100]) + stream)

print(f"fuzz-seeds: seeded from {count} requests and {signatures} signatures into {corpus}")
