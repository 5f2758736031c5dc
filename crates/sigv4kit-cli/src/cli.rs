//! The command line, as clap reads it: the global options every command
//! shares (they are the library's `SignerConfig`, one flag per setting), the
//! request options of the commands that sign, and one struct per command.
//! The help texts carry examples, because a signing tool is mostly used by
//! copying a working command line and changing it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sigv4kit::canon::Algorithm;
use sigv4kit::stream::{ChecksumAlgorithm, ChunkSize};

const ROOT_EXAMPLES: &str = "\
Examples:
  # Sign a DynamoDB call; service and region come from the host name
  sigv4 sign -X POST https://dynamodb.us-east-1.amazonaws.com/ \\
      -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \\
      -H 'Content-Type: application/x-amz-json-1.0' -d '{}'

  # Sign and send it, printing the status, headers and body
  sigv4 send -X POST https://dynamodb.us-east-1.amazonaws.com/ -H ... -d '{}'

  # A SigV4A presigned URL for an S3 Multi-Region Access Point
  sigv4 presign https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photo.jpg

  # Check a signed request, and find out why a signature does not match
  sigv4 verify --request signed.txt --service execute-api --region us-east-1
  sigv4 explain --request signed.txt --expected-canonical from-server.txt

Credentials come from --access-key/--secret-key, else AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else the profile (--profile or
AWS_PROFILE) in ~/.aws/credentials and ~/.aws/config. Prefer the environment
to --secret-key, which other users of the machine can see in the process list.

Exit status: 0 success (a valid signature), 1 invalid signature or canonical
requests that differ, 2 bad usage, configuration, credentials or input,
3 network failure. See docs/CLI.md.";

/// Sign, presign, verify and send AWS SigV4 and SigV4A requests, and explain
/// a SignatureDoesNotMatch.
#[derive(Debug, Parser)]
#[command(name = "sigv4", version, after_help = ROOT_EXAMPLES)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The configuration, as `SignerConfig` holds it; each option overrides the
/// same setting of `--config`, the environment and the profile.
#[derive(Debug, Args)]
#[command(next_help_heading = "Configuration (any command)")]
pub struct GlobalOptions {
    /// sigv4 or sigv4a [default: from AWS_AUTH_SCHEME_PREFERENCE, the
    /// profile's auth_scheme_preference, the preset, else sigv4].
    #[arg(long, global = true, value_name = "ALGORITHM", value_parser = parse_algorithm)]
    pub algorithm: Option<Algorithm>,
    /// The service of the credential scope, e.g. dynamodb [default: from the host name].
    #[arg(long, global = true)]
    pub service: Option<String>,
    /// The SigV4 region [default: from the host name, AWS_REGION, the profile].
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// The SigV4A region set, comma-separated, e.g. us-east-1,us-west-2 or *
    /// [default: AWS_SIGV4A_SIGNING_REGION_SET, the profile, else *].
    #[arg(long, global = true, value_name = "REGIONS")]
    pub region_set: Option<String>,
    /// The profile of ~/.aws/config and ~/.aws/credentials [default: AWS_PROFILE, else default].
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// The access key id [default: AWS_ACCESS_KEY_ID, then the profile].
    #[arg(long, global = true, value_name = "ID", requires = "secret_key")]
    pub access_key: Option<String>,
    /// The secret access key [default: AWS_SECRET_ACCESS_KEY, then the profile].
    /// Visible in the process list: prefer the environment variable.
    #[arg(long, global = true, value_name = "SECRET", requires = "access_key")]
    pub secret_key: Option<String>,
    /// The session token of temporary credentials [default: AWS_SESSION_TOKEN].
    #[arg(long, global = true, value_name = "TOKEN", requires = "access_key")]
    pub session_token: Option<String>,
    /// A TOML configuration file (docs/CONFIGURATION.md); options given here win.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Sign (or verify) at this RFC 3339 instant, e.g. 2015-08-30T12:36:00Z [default: now].
    #[arg(long, global = true, value_name = "RFC3339")]
    pub time: Option<String>,
    /// auto (from the service and host), none (only the flags decide), or a
    /// preset: default, s3, s3-mrap, vpc-lattice-svcs, execute-api [default: auto].
    #[arg(long, global = true, value_name = "PRESET")]
    pub preset: Option<String>,
    /// Send the session token without signing it, as some services require.
    #[arg(long, global = true)]
    pub omit_session_token: bool,
    /// Sign UNSIGNED-PAYLOAD instead of the body's hash.
    #[arg(long, global = true, conflicts_with = "signed_payload")]
    pub unsigned_payload: bool,
    /// Sign the body's hash even where the preset would sign UNSIGNED-PAYLOAD
    /// (VPC Lattice, and presigned URLs for S3 or without a preset).
    #[arg(long, global = true)]
    pub signed_payload: bool,
    /// Send the payload hash in x-amz-content-sha256 (S3 and VPC Lattice need it).
    #[arg(long, global = true)]
    pub content_sha256_header: bool,
    /// Sign the path as written, without removing dot segments and repeated slashes (S3).
    #[arg(long, global = true)]
    pub no_normalize_path: bool,
    /// Percent-encode the path once, not twice (S3).
    #[arg(long, global = true)]
    pub no_double_encode: bool,
    /// Print the resolved configuration, the canonical request and the string
    /// to sign on standard error (the session token redacted).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

fn parse_algorithm(name: &str) -> Result<Algorithm, String> {
    sigv4kit::config::parse_algorithm(name).map_err(|error| error.to_string())
}

/// The request to sign: a URL with curl-like options, or a raw HTTP file.
#[derive(Debug, Args)]
#[command(next_help_heading = "Request")]
pub struct RequestOptions {
    /// The URL, http:// or https://.
    #[arg(value_name = "URL", required_unless_present = "request")]
    pub url: Option<String>,
    /// The method [default: GET, or POST with a body].
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,
    /// A header to send and sign, 'Name: value'; repeatable.
    #[arg(short = 'H', long = "header", value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// The body; @FILE reads a file byte for byte (newlines kept, unlike curl), @- standard input.
    #[arg(short = 'd', long, value_name = "DATA", conflicts_with = "data_binary")]
    pub data: Option<String>,
    /// The body, @FILE or @- for standard input, else the text itself.
    #[arg(long, value_name = "@FILE|DATA")]
    pub data_binary: Option<String>,
    /// The payload line to sign instead of the body's hash: 64 hex digits, or
    /// a literal such as UNSIGNED-PAYLOAD or STREAMING-AWS4-HMAC-SHA256-PAYLOAD.
    #[arg(long, value_name = "VALUE")]
    pub payload_hash: Option<String>,
    /// A raw HTTP/1.1 request to sign instead of a URL (as the AWS signing
    /// suite's request.txt); - reads standard input.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["url", "method", "headers", "data", "data_binary"]
    )]
    pub request: Option<PathBuf>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign a request and print the headers to add, or the whole signed request.
    #[command(after_help = SIGN_EXAMPLES)]
    Sign(SignArgs),
    /// Print a presigned URL, for SigV4 or SigV4A.
    #[command(after_help = PRESIGN_EXAMPLES)]
    Presign(PresignArgs),
    /// Verify a signed request or presigned URL; exit 0 when valid, 1 when not.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Sign a request, send it with rustls, and print the status, headers and body.
    #[command(after_help = SEND_EXAMPLES)]
    Send(SendArgs),
    /// Explain why a server's canonical request differs from ours.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
    /// Print the SigV4A public key (X and Y) of the credentials, for a verifier.
    #[command(after_help = DERIVE_KEY_EXAMPLES)]
    DeriveKey(DeriveKeyArgs),
}

const SIGN_EXAMPLES: &str = "\
Examples:
  # The headers to add (X-Amz-Date, Authorization, ...), one per line
  sigv4 sign https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15

  # SigV4A over two regions, a JSON body, everything as JSON
  sigv4 sign --algorithm sigv4a --region-set us-east-1,us-west-2 --service execute-api \\
      -X POST https://abc123.execute-api.us-east-1.amazonaws.com/prod/items \\
      -H 'Content-Type: application/json' -d '{\"id\": 1}' --output json

  # A raw request file, signed at a fixed time, printed whole
  sigv4 sign --request request.txt --service service --region us-east-1 \\
      --time 2015-08-30T12:36:00Z --output http

  # A ready curl command line
  sigv4 sign -X PUT https://bucket.s3.us-west-2.amazonaws.com/key --data-binary @photo.jpg --output curl

The JSON fields (stable): algorithm, canonical_request, string_to_sign,
signature, authorization, headers ([name, value] pairs), url,
credential_scope, signed_headers. See docs/CLI.md.";

const PRESIGN_EXAMPLES: &str = "\
Examples:
  # An S3 GET URL valid for 10 minutes
  sigv4 presign --expires 600 https://bucket.s3.us-west-2.amazonaws.com/report.pdf

  # SigV4A, valid in every region (the s3-mrap preset picks it from the host)
  sigv4 presign https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photo.jpg

  # A PUT URL, with the signature details as JSON
  sigv4 presign -X PUT https://bucket.s3.us-west-2.amazonaws.com/upload.bin --output json";

const VERIFY_EXAMPLES: &str = "\
Examples:
  # A signed raw request, with the secret from the environment
  sigv4 verify --request signed.txt --service execute-api --region us-east-1

  # A SigV4A request: the public key is enough, no secret needed
  sigv4 verify --request signed.txt --service s3 \\
      --public-key b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1,865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518

  # A presigned URL, as the server would check it at a given time
  sigv4 verify --url 'https://bucket.s3.us-west-2.amazonaws.com/k?X-Amz-Algorithm=...' \\
      --time 2026-01-01T12:00:00Z

Exit status 0: valid. 1: invalid; the reason is printed, with the canonical
request and string to sign computed, to compare with the signer's.";

const SEND_EXAMPLES: &str = "\
Examples:
  # Who am I?
  sigv4 send 'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15'

  # A DynamoDB call
  sigv4 send -X POST https://dynamodb.us-east-1.amazonaws.com/ \\
      -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \\
      -H 'Content-Type: application/x-amz-json-1.0' -d '{}'

  # Upload a file without reading it into memory: over HTTPS the s3 preset
  # signs UNSIGNED-PAYLOAD and streams it; elsewhere it is read and hashed
  sigv4 send -X PUT https://bucket.s3.us-west-2.amazonaws.com/big.iso --data-binary @big.iso

  # The same upload aws-chunked: every 64 KiB chunk signed, and a CRC32C
  # trailer S3 checks and stores with the object
  sigv4 send -X PUT https://bucket.s3.us-west-2.amazonaws.com/big.iso --data-binary @big.iso \\
      --chunked --checksum crc32c

  # Chunks of 1 MiB, signed with SigV4A
  sigv4 send --algorithm sigv4a -X PUT https://bucket.s3.us-west-2.amazonaws.com/big.iso \\
      --data-binary @big.iso --chunked --chunk-size 1048576";

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  # The server's SignatureDoesNotMatch error holds its CanonicalRequest:
  # save it to a file and compare it with the request that was signed
  sigv4 explain --request signed.txt --expected-canonical server-canonical.txt

  # The request may also be unsigned: it is signed here first
  sigv4 explain --request request.txt --expected-canonical server-canonical.txt \\
      --service s3 --region us-west-2 --time 2026-01-01T12:00:00Z

Lines marked - are the server's, + ours. Exit status 0 when the canonical
requests are the same, 1 when they differ.";

const DERIVE_KEY_EXAMPLES: &str = "\
Examples:
  # With the credentials of the environment or the profile
  sigv4 derive-key

  # As public-key.json of the AWS signing suite, or as --public-key takes it
  sigv4 derive-key --output json
  sigv4 verify --request signed.txt --public-key \"$(sigv4 derive-key --output pair)\"";

/// Where `sign` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignOutput {
    /// The headers to add, `Name: value` per line.
    Headers,
    /// The stable JSON object (docs/CLI.md).
    Json,
    /// A curl command line.
    Curl,
    /// The whole signed raw request.
    Http,
}

/// Where `presign` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PresignOutput {
    /// The presigned URL.
    Url,
    /// The stable JSON object (docs/CLI.md).
    Json,
    /// A curl command line.
    Curl,
    /// The whole signed raw request.
    Http,
}

/// `sigv4 sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The request.
    #[command(flatten)]
    pub request: RequestOptions,
    /// What to print.
    #[arg(long, value_enum, default_value_t = SignOutput::Headers)]
    pub output: SignOutput,
}

/// `sigv4 presign`.
#[derive(Debug, Args)]
pub struct PresignArgs {
    /// The request.
    #[command(flatten)]
    pub request: RequestOptions,
    /// How long the URL stays valid, in seconds (at most 604800, 7 days).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub expires: u64,
    /// What to print.
    #[arg(long, value_enum, default_value_t = PresignOutput::Url)]
    pub output: PresignOutput,
}

/// `sigv4 verify`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["request", "url"])))]
pub struct VerifyArgs {
    /// A signed raw HTTP/1.1 request, body included; - reads standard input.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// A presigned URL.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The method the presigned URL is used with.
    #[arg(
        short = 'X',
        long,
        value_name = "METHOD",
        default_value = "GET",
        requires = "url"
    )]
    pub method: String,
    /// Verify SigV4A with this public key, X,Y in hex, instead of the credentials.
    #[arg(long, value_name = "X,Y")]
    pub public_key: Option<String>,
    /// The largest clock difference accepted, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 900)]
    pub max_skew: u64,
}

/// `sigv4 send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The request.
    #[command(flatten)]
    pub request: RequestOptions,
    /// Exit with status 1 when the server answers 400 or above.
    #[arg(long)]
    pub fail: bool,
    /// The `aws-chunked` upload options.
    #[command(flatten)]
    pub chunked: ChunkedOptions,
}

/// `send --chunked`: the body as `aws-chunked`, each chunk signed.
#[derive(Debug, Args)]
#[command(next_help_heading = "Chunked upload (aws-chunked)")]
pub struct ChunkedOptions {
    /// Send the body aws-chunked: each chunk signed with the configured
    /// algorithm (SigV4 or SigV4A), chained from the request's signature.
    /// A @FILE body is streamed from the file, never read whole.
    #[arg(long, conflicts_with = "payload_hash")]
    pub chunked: bool,
    /// The size of every chunk but the last, in bytes, from 8192 (8 KiB) to
    /// 16777216 (16 MiB) [default: 65536].
    #[arg(long, value_name = "BYTES", value_parser = parse_chunk_size)]
    pub chunk_size: Option<ChunkSize>,
    /// Add a trailing checksum of the body, the x-amz-checksum-* trailer:
    /// crc32, crc32c, crc64nvme, sha1 or sha256.
    #[arg(long, value_name = "ALGORITHM", value_parser = parse_checksum)]
    pub checksum: Option<ChecksumAlgorithm>,
}

impl ChunkedOptions {
    /// The chunked-only option given without `--chunked`, if any: it would
    /// otherwise be silently ignored.
    pub fn without_chunked(&self) -> Option<&'static str> {
        if self.chunked {
            None
        } else if self.checksum.is_some() {
            Some("--checksum")
        } else if self.chunk_size.is_some() {
            Some("--chunk-size")
        } else {
            None
        }
    }
}

fn parse_chunk_size(bytes: &str) -> Result<ChunkSize, String> {
    let bytes: usize = bytes
        .parse()
        .map_err(|_| format!("{bytes:?} is not a number of bytes"))?;
    ChunkSize::new(bytes).map_err(|error| error.to_string())
}

fn parse_checksum(name: &str) -> Result<ChecksumAlgorithm, String> {
    ChecksumAlgorithm::from_name(name).ok_or_else(|| {
        format!("{name:?} is not a checksum: crc32, crc32c, crc64nvme, sha1 or sha256")
    })
}

/// `sigv4 explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The request as signed (raw HTTP/1.1), or unsigned to sign it here; - reads standard input.
    #[arg(long, value_name = "FILE")]
    pub request: PathBuf,
    /// The canonical request the server reported (the CanonicalRequest of its error).
    #[arg(long, value_name = "FILE")]
    pub expected_canonical: PathBuf,
}

/// Where `derive-key` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyOutput {
    /// `X: <hex>` and `Y: <hex>` lines.
    Text,
    /// `{"X": "<hex>", "Y": "<hex>"}`, as the AWS suite's public-key.json.
    Json,
    /// `X,Y`, as `verify --public-key` takes it.
    Pair,
}

/// `sigv4 derive-key`.
#[derive(Debug, Args)]
pub struct DeriveKeyArgs {
    /// How to print the key.
    #[arg(long, value_enum, default_value_t = KeyOutput::Text)]
    pub output: KeyOutput,
}
