//! The AWS shared `config` and `credentials` files, read as the AWS SDKs read them.
//!
//! AWS users keep their regions, auth-scheme preferences and keys in
//! `~/.aws/config` and `~/.aws/credentials` (or wherever `AWS_CONFIG_FILE`
//! and `AWS_SHARED_CREDENTIALS_FILE` point). sigv4kit reads them so that a
//! setting means here what it means to the AWS CLI and SDKs: the rules below
//! are those of the SDKs' shared "profile file" format, the one the
//! cross-SDK parser test suite pins down and `aws-config` implements.
//!
//! # Why not a general INI crate
//!
//! The format only looks like INI. `rust-ini` (the well-kept Rust INI crate)
//! was checked and does not fit: its inline comments are a compile-time
//! feature that cuts a value at any `#` or `;`, where this format keeps
//! `value#x` whole and cuts only at a `#`/`;` preceded by whitespace (but at
//! any `#`/`;` in a section header); it has no sub-properties (an empty value
//! followed by indented `key = value` lines); it puts a property before any
//! section into an unnamed section instead of rejecting it; and it reports no
//! line numbers for what it accepted, which the warnings below need. So this
//! module is a small line parser written to the format, with each rule
//! tested.
//!
//! # The format
//!
//! - Lines end with `\n` or `\r\n`; a UTF-8 byte order mark at the start is
//!   skipped. Whitespace means space and tab only.
//! - Blank lines are ignored. A line whose first non-blank character is `#`
//!   or `;` is a comment. (The SDK suite only requires this at column 0;
//!   botocore also takes indented ones, and so does sigv4kit.)
//! - `[header]` starts a section. Everything from the first `#` or `;` on a
//!   header line is a comment. In the config file, profiles are
//!   `[profile name]`, except `[default]`; other prefixes (`[sso-session x]`,
//!   `[services x]`) are sections that are not profiles
//!   ([`ProfileSet::section`]). In the credentials file, profiles are `[name]`.
//! - `key = value`: whitespace around `=`, keys and values is trimmed; keys are
//!   case-insensitive (stored lower-cased, as the SDKs do); the value runs to
//!   the end of the line except for a `#` or `;` that follows whitespace,
//!   which starts a comment.
//! - An indented line continues the property above it. After `key =` with an
//!   empty value, the indented lines are sub-properties (`s3 =` then
//!   `  addressing_style = path`), read with [`Profile::sub_property`];
//!   otherwise they are further lines of the value, joined with `\n`, kept
//!   whole (comment characters included, as the suite requires).
//! - A section repeated in a file, or present in both files, is merged; a key
//!   set twice takes the later value, and the credentials file is read after
//!   the config file, so its values win.
//! - In the config file, `[profile default]` takes precedence over
//!   `[default]`: when both appear, every `[default]` section is ignored.
//!
//! # Errors and warnings
//!
//! The suite makes structural faults errors: a header without its `]`, a
//! property or indented line before any section, an indented line that
//! continues no property, a line without `=`, a property or sub-property
//! without a name. [`ProfileError`] names the file and line, and never
//! quotes the line, since it could hold a secret.
//!
//! The suite makes other faults skips, so that one odd section does not stop
//! every tool on the machine: a profile name or property name outside
//! `[A-Za-z0-9_-/.%@:+]`, a config-file `[name]` without the `profile`
//! prefix, a credentials-file `[profile name]`, a `[default]` hidden by
//! `[profile default]`, and a file named by `AWS_CONFIG_FILE` or
//! `AWS_SHARED_CREDENTIALS_FILE` that does not exist (read as empty, as the
//! SDKs do). sigv4kit skips them too, but never silently: each becomes a
//! [`ProfileWarning`] in [`ProfileSet::warnings`], with file and line, for
//! callers to show. A missing file at the default location is normal and is
//! not a warning.
//!
//! `Debug` of a [`Profile`] or [`ProfileSet`] shows `<redacted>` for every
//! value whose key contains `secret`, `token` or `password`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::environment::Environment;

/// The variable that names the config file, instead of `~/.aws/config`.
pub const CONFIG_FILE_VAR: &str = "AWS_CONFIG_FILE";
/// The variable that names the credentials file, instead of `~/.aws/credentials`.
pub const CREDENTIALS_FILE_VAR: &str = "AWS_SHARED_CREDENTIALS_FILE";
/// The variable that selects a profile, when none is given in code.
pub const PROFILE_VAR: &str = "AWS_PROFILE";
/// The profile used when none is selected.
pub const DEFAULT_PROFILE: &str = "default";

const WHITESPACE: [char; 2] = [' ', '\t'];
const COMMENT: [char; 2] = ['#', ';'];
const PROFILE_PREFIX: &str = "profile";

/// Which of the two shared files a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `~/.aws/config`: `[profile name]` sections, and other sections.
    Config,
    /// `~/.aws/credentials`: `[name]` sections only.
    Credentials,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Config => "config file",
            Self::Credentials => "credentials file",
        })
    }
}

/// Where a text came from: a file at a path, or a text handed to
/// [`ProfileSet::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Which file this is.
    pub kind: FileKind,
    /// Its path; `None` for a text given to [`ProfileSet::parse`].
    pub path: Option<PathBuf>,
}

impl fmt::Display for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{} {}", self.kind, path.display()),
            None => write!(f, "{} text", self.kind),
        }
    }
}

/// A fault in a line of a profile file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxProblem {
    /// `[profile x` without the closing bracket.
    #[error("a section header must end with `]`")]
    SectionNotClosed,
    /// `key = value` before any `[section]`.
    #[error("a property comes before any `[section]` header (expected a profile definition)")]
    PropertyOutsideSection,
    /// An indented line before any `[section]`.
    #[error("an indented line comes before any `[section]` header (expected a profile definition)")]
    ContinuationOutsideSection,
    /// An indented line right after a header: there is no property to continue.
    #[error("an indented line continues no property (expected a property definition)")]
    ContinuationWithoutProperty,
    /// A property line, or a sub-property line, without `=`.
    #[error("expected an `=` sign defining a {}", if *.sub_property { "sub-property" } else { "property" })]
    MissingEquals {
        /// True for a sub-property line.
        sub_property: bool,
    },
    /// `= value`.
    #[error("a {} has no name before `=`", if *.sub_property { "sub-property" } else { "property" })]
    EmptyName {
        /// True for a sub-property line.
        sub_property: bool,
    },
}

/// A profile file could not be read or parsed.
///
/// Messages name the file and line, never the line's content.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// A line that the format does not allow.
    #[error("{file}, line {line}: {problem}")]
    Syntax {
        /// The file.
        file: SourceFile,
        /// The line number, from 1.
        line: usize,
        /// What is wrong with the line.
        problem: SyntaxProblem,
    },
    /// The file exists but could not be read.
    #[error("cannot read the {file}: {source}")]
    Read {
        /// The file.
        file: SourceFile,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("the {file} is not UTF-8 text (first invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file.
        file: SourceFile,
        /// The offset of the first byte that is not UTF-8.
        offset: usize,
    },
}

/// Something in a profile file that was skipped, as the AWS SDKs skip it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileWarning {
    /// The file.
    pub file: SourceFile,
    /// The line, from 1, when the warning is about one line.
    pub line: Option<usize>,
    /// What was skipped, and why.
    pub message: String,
}

impl fmt::Display for ProfileWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Where the shared files are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileFiles {
    /// The config file; `None` for no config file.
    pub config: Option<PathBuf>,
    /// The credentials file; `None` for no credentials file.
    pub credentials: Option<PathBuf>,
}

impl ProfileFiles {
    /// The files the AWS tools would read: `AWS_CONFIG_FILE`, else
    /// `~/.aws/config`; `AWS_SHARED_CREDENTIALS_FILE`, else
    /// `~/.aws/credentials`. A leading `~/` is the home directory. Without a
    /// home directory, a default location is `None`.
    pub fn from_environment(env: &dyn Environment) -> Self {
        Self::located(env).0
    }

    /// The files, and for each whether a variable named it (and so whether
    /// its absence deserves a warning).
    pub(crate) fn located(env: &dyn Environment) -> (Self, NamedByVariable) {
        let home = env.home_dir();
        let locate = |variable: &str, default: &str| match env.non_empty_var(variable) {
            Some(path) => (
                Some(expand_home(&path, home.as_deref()).unwrap_or_else(|| PathBuf::from(path))),
                true,
            ),
            None => (expand_home(default, home.as_deref()), false),
        };
        let (config, config_named) = locate(CONFIG_FILE_VAR, "~/.aws/config");
        let (credentials, credentials_named) = locate(CREDENTIALS_FILE_VAR, "~/.aws/credentials");
        (
            Self {
                config,
                credentials,
            },
            NamedByVariable {
                config: config_named,
                credentials: credentials_named,
            },
        )
    }
}

/// For each file, whether it was named (by a variable or by the caller)
/// rather than taken from its default location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NamedByVariable {
    pub(crate) config: bool,
    pub(crate) credentials: bool,
}

/// `~` or `~/rest` with the home directory in place of `~`; any other path
/// as it is. `None` when the path needs a home and there is none.
fn expand_home(path: &str, home: Option<&Path>) -> Option<PathBuf> {
    let rest = if path == "~" {
        ""
    } else if let Some(rest) = path
        .strip_prefix("~/")
        .or_else(|| path.strip_prefix("~\\").filter(|_| cfg!(windows)))
    {
        rest
    } else {
        return Some(PathBuf::from(path));
    };
    let mut expanded = home?.to_path_buf();
    expanded.extend(rest.split(['/', '\\']).filter(|part| !part.is_empty()));
    Some(expanded)
}

/// The profile to use: `explicit` when given, else `AWS_PROFILE`, else
/// `default`. Surrounding whitespace is trimmed, as it is from section names.
pub fn selected_profile_name(explicit: Option<&str>, env: &dyn Environment) -> String {
    explicit
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            env.non_empty_var(PROFILE_VAR)
                .map(|name| name.trim().to_owned())
        })
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned())
}

/// One property of a profile: its value and, for `key =` followed by
/// indented `sub = value` lines, those sub-properties.
#[derive(Clone, PartialEq, Eq)]
struct Property {
    value: String,
    sub_properties: Vec<(String, String)>,
}

/// A profile (or another section): a name and its properties.
#[derive(Clone, PartialEq, Eq)]
pub struct Profile {
    name: String,
    properties: BTreeMap<String, Property>,
}

impl Profile {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            properties: BTreeMap::new(),
        }
    }

    /// The name, without the `profile ` prefix.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value of `key`, which is case-insensitive as in the AWS SDKs.
    ///
    /// For a property with sub-properties this is their text, starting with
    /// `\n`, as the SDKs give it; [`Profile::sub_property`] reads them one by one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.property(key).map(|property| property.value.as_str())
    }

    /// The sub-property `sub_key` of `key`: for `s3 =` then
    /// `  addressing_style = path`, `sub_property("s3", "addressing_style")`
    /// is `Some("path")`. Both keys are case-insensitive; a sub-key set twice
    /// gives the later value.
    pub fn sub_property(&self, key: &str, sub_key: &str) -> Option<&str> {
        self.property(key)?
            .sub_properties
            .iter()
            .rev()
            .find(|(name, _)| name.eq_ignore_ascii_case(sub_key))
            .map(|(_, value)| value.as_str())
    }

    /// The sub-properties of `key`, in file order (none when it has none).
    pub fn sub_properties(&self, key: &str) -> impl Iterator<Item = (&str, &str)> {
        self.property(key)
            .into_iter()
            .flat_map(|property| property.sub_properties.iter())
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The keys, lower-cased, in sorted order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.properties.keys().map(String::as_str)
    }

    /// True when the profile has no property.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
    }

    fn property(&self, key: &str) -> Option<&Property> {
        match self.properties.get(key) {
            Some(property) => Some(property),
            None if key.bytes().any(|byte| byte.is_ascii_uppercase()) => {
                self.properties.get(&key.to_ascii_lowercase())
            }
            None => None,
        }
    }
}

/// True for keys whose values `Debug` must not show.
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["secret", "token", "password"]
        .iter()
        .any(|word| key.contains(word))
}

struct Redacted<'a>(&'a str, &'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_secret_key(self.0) {
            f.write_str("<redacted>")
        } else {
            fmt::Debug::fmt(self.1, f)
        }
    }
}

struct SubProperties<'a>(&'a [(String, String)]);

impl fmt::Debug for SubProperties<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.0
                    .iter()
                    .map(|(key, value)| (key, Redacted(key, value))),
            )
            .finish()
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Profile({:?}) ", self.name)?;
        let mut map = f.debug_map();
        for (key, property) in &self.properties {
            if is_secret_key(key) || property.sub_properties.is_empty() {
                map.entry(key, &Redacted(key, &property.value));
            } else {
                map.entry(key, &SubProperties(&property.sub_properties));
            }
        }
        map.finish()
    }
}

/// What was read for one of the two files.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// A text given to [`ProfileSet::parse`].
    Text,
    /// No location: no home directory, or `None` in [`ProfileFiles`].
    Unlocated,
    /// A file that was read.
    Read(PathBuf),
    /// A path where no file exists, read as empty.
    Missing(PathBuf),
}

/// The profiles (and other sections) of the config and credentials files,
/// merged.
#[derive(Debug, Clone)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
    sections: BTreeMap<(String, String), Profile>,
    warnings: Vec<ProfileWarning>,
    config: Origin,
    credentials: Origin,
}

impl ProfileSet {
    /// Reads and parses the two files. A file that does not exist is read as
    /// empty, as the AWS SDKs read it, with a warning, since the caller named
    /// it. Any other read failure, or a file that is not UTF-8, is an error.
    pub fn load(files: &ProfileFiles) -> Result<Self, ProfileError> {
        Self::load_files(
            files,
            NamedByVariable {
                config: true,
                credentials: true,
            },
        )
    }

    /// Reads the files the AWS tools would read
    /// ([`ProfileFiles::from_environment`]). A file missing at its default
    /// location is simply empty; one named by `AWS_CONFIG_FILE` or
    /// `AWS_SHARED_CREDENTIALS_FILE` is empty too, with a warning.
    pub fn from_environment(env: &dyn Environment) -> Result<Self, ProfileError> {
        let (files, named) = ProfileFiles::located(env);
        Self::load_files(&files, named)
    }

    pub(crate) fn load_files(
        files: &ProfileFiles,
        named: NamedByVariable,
    ) -> Result<Self, ProfileError> {
        let mut warnings = Vec::new();
        let (config_text, config) = read_file(
            FileKind::Config,
            files.config.as_deref(),
            named.config,
            &mut warnings,
        )?;
        let (credentials_text, credentials) = read_file(
            FileKind::Credentials,
            files.credentials.as_deref(),
            named.credentials,
            &mut warnings,
        )?;
        let mut set = Self {
            profiles: BTreeMap::new(),
            sections: BTreeMap::new(),
            warnings,
            config,
            credentials,
        };
        set.merge_text(FileKind::Config, files.config.as_deref(), &config_text)?;
        set.merge_text(
            FileKind::Credentials,
            files.credentials.as_deref(),
            &credentials_text,
        )?;
        Ok(set)
    }

    /// Parses a config file text and a credentials file text (either may be
    /// empty), as [`ProfileSet::load`] would parse the files.
    pub fn parse(config_text: &str, credentials_text: &str) -> Result<Self, ProfileError> {
        let mut set = Self {
            profiles: BTreeMap::new(),
            sections: BTreeMap::new(),
            warnings: Vec::new(),
            config: Origin::Text,
            credentials: Origin::Text,
        };
        set.merge_text(FileKind::Config, None, config_text)?;
        set.merge_text(FileKind::Credentials, None, credentials_text)?;
        Ok(set)
    }

    /// The profile called `name` (without any `profile ` prefix).
    /// Profile names are case-sensitive.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The profile names, in sorted order.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// A config-file section that is not a profile: `section("sso-session",
    /// "my-sso")` for `[sso-session my-sso]`, `section("services", "dev")`
    /// for `[services dev]`.
    pub fn section(&self, prefix: &str, name: &str) -> Option<&Profile> {
        self.sections.get(&(prefix.to_owned(), name.to_owned()))
    }

    /// True when there is no profile and no other section.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty() && self.sections.is_empty()
    }

    /// What was skipped, in the order it was met: show these to users.
    pub fn warnings(&self) -> &[ProfileWarning] {
        &self.warnings
    }

    /// Where the profiles were looked for, for messages: each file's path,
    /// and whether it exists.
    pub fn describe_sources(&self) -> String {
        format!(
            "{} and {}",
            describe_origin(FileKind::Config, &self.config),
            describe_origin(FileKind::Credentials, &self.credentials)
        )
    }

    fn merge_text(
        &mut self,
        kind: FileKind,
        path: Option<&Path>,
        text: &str,
    ) -> Result<(), ProfileError> {
        let file = SourceFile {
            kind,
            path: path.map(Path::to_path_buf),
        };
        let sections = parse_sections(text, &file)?;
        self.merge_sections(&file, sections);
        Ok(())
    }

    fn merge_sections(&mut self, file: &SourceFile, sections: Vec<RawSection<'_>>) {
        let has_prefixed_default = file.kind == FileKind::Config
            && sections.iter().any(|section| {
                split_header(section.header) == (Some(PROFILE_PREFIX), DEFAULT_PROFILE)
            });
        for section in sections {
            let warn = |message: String| ProfileWarning {
                file: file.clone(),
                line: Some(section.line),
                message,
            };
            let target = match classify(file.kind, section.header, has_prefixed_default) {
                Ok(SectionTarget::Profile(name)) => self
                    .profiles
                    .entry(name.to_owned())
                    .or_insert_with(|| Profile::new(name)),
                Ok(SectionTarget::Other { prefix, name }) => self
                    .sections
                    .entry((prefix.to_owned(), name.to_owned()))
                    .or_insert_with(|| Profile::new(name)),
                Err(reason) => {
                    self.warnings.push(warn(reason));
                    continue;
                }
            };
            for property in section.properties {
                if is_identifier(&property.key) {
                    target.properties.insert(
                        property.key,
                        Property {
                            value: property.value,
                            sub_properties: property.sub_properties,
                        },
                    );
                } else {
                    self.warnings.push(ProfileWarning {
                        file: file.clone(),
                        line: Some(property.line),
                        message: "property ignored: its name has characters other than \
                                  letters, digits and `_-/.%@:+`"
                            .to_owned(),
                    });
                }
            }
        }
    }
}

fn describe_origin(kind: FileKind, origin: &Origin) -> String {
    match origin {
        Origin::Text => format!("the {kind} text"),
        Origin::Unlocated => format!("no {kind} (no home directory to find it in)"),
        Origin::Read(path) => format!("{kind} {}", path.display()),
        Origin::Missing(path) => format!("{kind} {} (does not exist)", path.display()),
    }
}

fn read_file(
    kind: FileKind,
    path: Option<&Path>,
    named: bool,
    warnings: &mut Vec<ProfileWarning>,
) -> Result<(String, Origin), ProfileError> {
    let Some(path) = path else {
        return Ok((String::new(), Origin::Unlocated));
    };
    let file = || SourceFile {
        kind,
        path: Some(path.to_path_buf()),
    };
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok((text, Origin::Read(path.to_path_buf()))),
            Err(error) => Err(ProfileError::NotUtf8 {
                file: file(),
                offset: error.utf8_error().valid_up_to(),
            }),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if named {
                warnings.push(ProfileWarning {
                    file: file(),
                    line: None,
                    message: "does not exist; read as empty".to_owned(),
                });
            }
            Ok((String::new(), Origin::Missing(path.to_path_buf())))
        }
        Err(source) => Err(ProfileError::Read {
            file: file(),
            source,
        }),
    }
}

/// Profile and property names: `[A-Za-z0-9_-/.%@:+]+`, as in the SDKs.
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

enum SectionTarget<'a> {
    Profile(&'a str),
    Other { prefix: &'a str, name: &'a str },
}

/// `profile  name` → (Some("profile"), "name"); `default` → (None, "default").
fn split_header(header: &str) -> (Option<&str>, &str) {
    match header.split_once(WHITESPACE) {
        Some((prefix, name)) => (Some(prefix), name.trim_matches(WHITESPACE)),
        None => (None, header),
    }
}

/// Where a section's properties go, or why it is skipped.
fn classify(
    kind: FileKind,
    header: &str,
    has_prefixed_default: bool,
) -> Result<SectionTarget<'_>, String> {
    let (prefix, name) = split_header(header);
    if !is_identifier(name) {
        return Err(format!(
            "section [{header}] ignored: a name must be letters, digits and `_-/.%@:+`"
        ));
    }
    match (kind, prefix) {
        (FileKind::Config, None) if name == DEFAULT_PROFILE && has_prefixed_default => Err(
            "section [default] ignored: [profile default] in the same file takes precedence"
                .to_owned(),
        ),
        (FileKind::Config, None) if name == DEFAULT_PROFILE => Ok(SectionTarget::Profile(name)),
        (FileKind::Config, None) => Err(format!(
            "section [{name}] ignored: in the config file a profile other than [default] \
             is written [profile {name}]"
        )),
        (FileKind::Config, Some(PROFILE_PREFIX)) => Ok(SectionTarget::Profile(name)),
        (FileKind::Config, Some(prefix)) => Ok(SectionTarget::Other { prefix, name }),
        (FileKind::Credentials, None) => Ok(SectionTarget::Profile(name)),
        (FileKind::Credentials, Some(PROFILE_PREFIX)) => Err(format!(
            "section [profile {name}] ignored: in the credentials file a profile is written \
             [{name}], without `profile`"
        )),
        (FileKind::Credentials, Some(prefix)) => Err(format!(
            "section [{prefix} {name}] ignored: [{prefix} ...] sections belong in the config file"
        )),
    }
}

/// A section as written: its header text (inside the brackets, trimmed),
/// its line, and its properties in order.
struct RawSection<'a> {
    header: &'a str,
    line: usize,
    properties: Vec<RawProperty>,
}

struct RawProperty {
    key: String,
    line: usize,
    value: String,
    /// Set for `key =` (an empty value): the indented lines that follow are
    /// sub-properties.
    takes_sub_properties: bool,
    sub_properties: Vec<(String, String)>,
}

/// Splits a text into sections, enforcing the line rules that the SDKs make
/// errors; the naming rules that they make warnings are applied later.
fn parse_sections<'a>(
    text: &'a str,
    file: &SourceFile,
) -> Result<Vec<RawSection<'a>>, ProfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    // Whether the last section has a property that an indented line can continue.
    let mut continuable = false;
    for (index, line) in text.split('\n').enumerate() {
        let line_number = index + 1;
        let error = |problem| ProfileError::Syntax {
            file: file.clone(),
            line: line_number,
            problem,
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_matches(WHITESPACE);
        if trimmed.is_empty() || trimmed.starts_with(COMMENT) {
            continue;
        }
        if line.starts_with('[') {
            let header = without_comment(trimmed, false)
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .ok_or_else(|| error(SyntaxProblem::SectionNotClosed))?;
            sections.push(RawSection {
                header: header.trim_matches(WHITESPACE),
                line: line_number,
                properties: Vec::new(),
            });
            continuable = false;
        } else if line.starts_with(WHITESPACE) {
            let section = sections
                .last_mut()
                .ok_or_else(|| error(SyntaxProblem::ContinuationOutsideSection))?;
            let property = section
                .properties
                .last_mut()
                .filter(|_| continuable)
                .ok_or_else(|| error(SyntaxProblem::ContinuationWithoutProperty))?;
            if property.takes_sub_properties {
                let (key, value) = split_property(trimmed, true).map_err(error)?;
                property.sub_properties.push((key, value.to_owned()));
            }
            property.value.push('\n');
            property.value.push_str(trimmed);
        } else {
            let section = sections
                .last_mut()
                .ok_or_else(|| error(SyntaxProblem::PropertyOutsideSection))?;
            let (key, value) = split_property(trimmed, false).map_err(error)?;
            section.properties.push(RawProperty {
                key,
                line: line_number,
                value: value.to_owned(),
                takes_sub_properties: value.is_empty(),
                sub_properties: Vec::new(),
            });
            continuable = true;
        }
    }
    Ok(sections)
}

/// `key = value # comment` → (`key` lower-cased, `value`).
fn split_property(line: &str, sub_property: bool) -> Result<(String, &str), SyntaxProblem> {
    let (key, value) = without_comment(line, true)
        .split_once('=')
        .ok_or(SyntaxProblem::MissingEquals { sub_property })?;
    let key = key.trim_matches(WHITESPACE);
    if key.is_empty() {
        return Err(SyntaxProblem::EmptyName { sub_property });
    }
    Ok((key.to_ascii_lowercase(), value.trim_matches(WHITESPACE)))
}

/// The line up to its comment, trimmed. In a property line a comment starts
/// at a `#` or `;` after whitespace; in a header line, at any `#` or `;`.
fn without_comment(line: &str, needs_whitespace_before: bool) -> &str {
    let mut previous_is_whitespace = false;
    let end = line
        .char_indices()
        .find(|&(_, c)| {
            let starts_comment =
                COMMENT.contains(&c) && (previous_is_whitespace || !needs_whitespace_before);
            previous_is_whitespace = WHITESPACE.contains(&c);
            starts_comment
        })
        .map_or(line.len(), |(index, _)| index);
    line[..end].trim_matches(WHITESPACE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::MapEnvironment;

    fn config(text: &str) -> ProfileSet {
        ProfileSet::parse(text, "").expect("the config text parses")
    }

    fn syntax_problem(config_text: &str, credentials_text: &str) -> (usize, SyntaxProblem) {
        match ProfileSet::parse(config_text, credentials_text) {
            Err(ProfileError::Syntax { line, problem, .. }) => (line, problem),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    fn names(set: &ProfileSet) -> Vec<&str> {
        set.profile_names().collect()
    }

    #[test]
    fn empty_texts_have_no_profiles() {
        let set = ProfileSet::parse("", "").unwrap();
        assert!(set.is_empty());
        assert!(set.warnings().is_empty());
        let set = ProfileSet::parse("\n\n  \t\n", "\r\n").unwrap();
        assert!(set.is_empty());
    }

    #[test]
    fn config_profiles_are_prefixed_except_default() {
        let set = config("[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n");
        assert_eq!(names(&set), ["default", "dev"]);
        assert_eq!(set.profile("dev").unwrap().get("region"), Some("eu-west-1"));
        assert_eq!(set.profile("dev").unwrap().name(), "dev");
        assert_eq!(
            set.profile("default").unwrap().get("region"),
            Some("us-east-1")
        );
    }

    #[test]
    fn profile_names_are_trimmed_and_may_use_tabs() {
        let set = config("[profile \tfoo \t]\n[profile\tbar]\n[   profile baz   ]");
        assert_eq!(names(&set), ["bar", "baz", "foo"]);
    }

    #[test]
    fn unprefixed_config_sections_are_skipped_with_a_warning() {
        let set = config("[dev]\nregion = x\n[profiledev]\n[profile ok]\n");
        assert_eq!(names(&set), ["ok"]);
        let lines: Vec<_> = set.warnings().iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(1), Some(3)]);
        assert!(set.warnings()[0].message.contains("[profile dev]"));
        assert!(
            set.warnings()[0]
                .to_string()
                .starts_with("config file text, line 1: ")
        );
    }

    #[test]
    fn prefixed_credentials_sections_are_skipped_with_a_warning() {
        let set = ProfileSet::parse("", "[profile foo]\na = 1\n[sso-session s]\n[bar]\n").unwrap();
        assert_eq!(names(&set), ["bar"]);
        assert_eq!(set.warnings().len(), 2);
        assert!(set.warnings()[0].message.contains("without `profile`"));
        assert!(set.warnings()[1].message.contains("config file"));
        assert_eq!(set.warnings()[1].file.kind, FileKind::Credentials);
    }

    #[test]
    fn invalid_names_are_skipped_with_a_warning() {
        let set = config(
            "[profile foo]\nname = value\n[profile in valid]\nx = 1\n[profile bar]\nin valid = 2\nok = 3\n\
             [profile some-thing:long/the_one%only.foo@bar+]\n[profile foo!bar]\n",
        );
        assert_eq!(
            names(&set),
            ["bar", "foo", "some-thing:long/the_one%only.foo@bar+"]
        );
        assert_eq!(
            set.profile("bar").unwrap().keys().collect::<Vec<_>>(),
            ["ok"]
        );
        let lines: Vec<_> = set.warnings().iter().map(|w| w.line.unwrap()).collect();
        assert_eq!(lines, [3, 6, 9]);
    }

    #[test]
    fn other_config_sections_are_not_profiles() {
        let set = config(
            "[sso-session corp]\nsso_region = us-east-1\n[services dev]\ns3 =\n  endpoint_url = http://localhost:9000\n[profile a]\n",
        );
        assert_eq!(names(&set), ["a"]);
        let sso = set.section("sso-session", "corp").unwrap();
        assert_eq!(sso.get("sso_region"), Some("us-east-1"));
        let services = set.section("services", "dev").unwrap();
        assert_eq!(
            services.sub_property("s3", "endpoint_url"),
            Some("http://localhost:9000")
        );
        assert!(set.profile("corp").is_none());
        assert!(set.section("sso-session", "other").is_none());
    }

    #[test]
    fn whole_line_comments_are_ignored() {
        let set = config("# top\n; top\n[profile foo]\n# c\n;c\n  # indented\nname = value\n#\n;");
        assert_eq!(set.profile("foo").unwrap().get("name"), Some("value"));
        assert_eq!(set.profile("foo").unwrap().keys().count(), 1);
    }

    #[test]
    fn inline_comments_need_whitespace_in_values_but_not_in_headers() {
        let set = config(
            "[profile foo] # c\nname = value # Comment with # sign\nb = x ; c ; d\n\
             adjacent = value;not-a-comment\nhash = value#kept\nempty = ;\n\
             [profile bar]# adjacent\n[profile baz];adjacent\n",
        );
        let foo = set.profile("foo").unwrap();
        assert_eq!(foo.get("name"), Some("value"));
        assert_eq!(foo.get("b"), Some("x"));
        assert_eq!(foo.get("adjacent"), Some("value;not-a-comment"));
        assert_eq!(foo.get("hash"), Some("value#kept"));
        assert_eq!(foo.get("empty"), Some(""));
        assert_eq!(names(&set), ["bar", "baz", "foo"]);
    }

    #[test]
    fn keys_and_values_are_trimmed_and_values_keep_equals_signs() {
        let set = config("[profile foo]\nname \t=  \tvalue \t\nb64=aGVsbG8=\nurl = a=b=c\n");
        let foo = set.profile("foo").unwrap();
        assert_eq!(foo.get("name"), Some("value"));
        assert_eq!(foo.get("b64"), Some("aGVsbG8="));
        assert_eq!(foo.get("url"), Some("a=b=c"));
    }

    #[test]
    fn keys_are_case_insensitive_and_profile_names_are_not() {
        let set = config("[profile Foo]\nRegion = us-east-1\n[profile foo]\nREGION = eu-west-1\n");
        assert_eq!(names(&set), ["Foo", "foo"]);
        let upper = set.profile("Foo").unwrap();
        assert_eq!(upper.get("region"), Some("us-east-1"));
        assert_eq!(upper.get("REGION"), Some("us-east-1"));
        assert_eq!(upper.keys().collect::<Vec<_>>(), ["region"]);
    }

    #[test]
    fn continuation_lines_extend_a_value() {
        let set = config(
            "[profile foo]\nname = value\n -continued\n \t -and-continued # not a comment \t \nnext = 1\n",
        );
        let foo = set.profile("foo").unwrap();
        assert_eq!(
            foo.get("name"),
            Some("value\n-continued\n-and-continued # not a comment")
        );
        assert_eq!(foo.sub_properties("name").count(), 0);
        assert_eq!(foo.get("next"), Some("1"));
    }

    #[test]
    fn sub_properties_follow_an_empty_value() {
        let set = config(
            "[profile foo]\ns3 =\n  addressing_style = path\n\n\t  Max_Concurrent_Requests=20 # comment\n  empty =\nregion = us-east-1\n",
        );
        let foo = set.profile("foo").unwrap();
        assert_eq!(foo.sub_property("s3", "addressing_style"), Some("path"));
        assert_eq!(
            foo.sub_property("S3", "max_concurrent_requests"),
            Some("20")
        );
        assert_eq!(foo.sub_property("s3", "empty"), Some(""));
        assert_eq!(foo.sub_property("s3", "missing"), None);
        assert_eq!(foo.sub_property("region", "x"), None);
        assert_eq!(
            foo.sub_properties("s3").collect::<Vec<_>>(),
            [
                ("addressing_style", "path"),
                ("max_concurrent_requests", "20"),
                ("empty", "")
            ]
        );
        assert_eq!(
            foo.get("s3"),
            Some("\naddressing_style = path\nMax_Concurrent_Requests=20 # comment\nempty =")
        );
        assert_eq!(foo.get("region"), Some("us-east-1"));
    }

    #[test]
    fn a_later_sub_property_block_replaces_the_earlier_one() {
        let set = config("[profile foo]\ns3 =\n  a = 1\n[profile foo]\ns3 =\n  b = 2\n");
        let foo = set.profile("foo").unwrap();
        assert_eq!(foo.sub_property("s3", "a"), None);
        assert_eq!(foo.sub_property("s3", "b"), Some("2"));
    }

    #[test]
    fn duplicate_sections_merge_and_later_keys_win() {
        let set = config(
            "[profile foo]\nname = value\nother = 1\n[profile foo]\nName = value2\nname3 = 3\n",
        );
        let foo = set.profile("foo").unwrap();
        assert_eq!(foo.get("name"), Some("value2"));
        assert_eq!(foo.get("other"), Some("1"));
        assert_eq!(foo.get("name3"), Some("3"));
    }

    #[test]
    fn prefixed_default_wins_over_plain_default_in_either_order() {
        for text in [
            "[profile default]\nname = value\n[default]\nname2 = value2\n",
            "[default]\nname2 = value2\n[profile default]\nname = value\n",
        ] {
            let set = config(text);
            let default = set.profile("default").unwrap();
            assert_eq!(default.get("name"), Some("value"), "{text}");
            assert_eq!(default.get("name2"), None, "{text}");
            assert_eq!(set.warnings().len(), 1);
            assert!(set.warnings()[0].message.contains("[profile default]"));
        }
        let set = ProfileSet::parse(
            "[profile default]\nname = value\n[default]\nname2 = value2\n[profile default]\nname3 = value3",
            "[default]\nsecret=foo",
        )
        .unwrap();
        let default = set.profile("default").unwrap();
        assert_eq!(
            default.keys().collect::<Vec<_>>(),
            ["name", "name3", "secret"]
        );
    }

    #[test]
    fn credentials_values_win_over_config_values() {
        let set = ProfileSet::parse(
            "[profile foo]\nname = config\nregion = us-east-1\n",
            "[foo]\nname = credentials\naws_access_key_id = AKID\n",
        )
        .unwrap();
        let foo = set.profile("foo").unwrap();
        assert_eq!(foo.get("name"), Some("credentials"));
        assert_eq!(foo.get("region"), Some("us-east-1"));
        assert_eq!(foo.get("aws_access_key_id"), Some("AKID"));
    }

    #[test]
    fn crlf_line_endings_and_a_byte_order_mark_are_read() {
        let set = ProfileSet::parse(
            "\u{feff}[profile foo]\r\nname = value\r\ns3 =\r\n  style = path\r\n",
            "[foo]\r\nkey = k\r",
        )
        .unwrap();
        let foo = set.profile("foo").unwrap();
        assert_eq!(foo.get("name"), Some("value"));
        assert_eq!(foo.sub_property("s3", "style"), Some("path"));
        assert_eq!(foo.get("key"), Some("k"));
    }

    #[test]
    fn unicode_values_are_kept() {
        let set = config("[profile foo]\nname = 😂 ünï\n -cöntinued 🐱\n");
        assert_eq!(
            set.profile("foo").unwrap().get("name"),
            Some("😂 ünï\n-cöntinued 🐱")
        );
        // A name outside the identifier characters is skipped, not an error.
        let set = config("[profile café]\na = 1\n[profile ok]\nnäme = 2\n");
        assert_eq!(names(&set), ["ok"]);
        assert_eq!(set.warnings().len(), 2);
    }

    #[test]
    fn structural_faults_are_errors_with_their_line() {
        use SyntaxProblem::*;
        assert_eq!(syntax_problem("[profile foo", ""), (1, SectionNotClosed));
        assert_eq!(
            syntax_problem("[profile foo]\n[profile a#b]", ""),
            (2, SectionNotClosed)
        );
        assert_eq!(
            syntax_problem("\n\nname = value", ""),
            (3, PropertyOutsideSection)
        );
        assert_eq!(
            syntax_problem(" -continued", ""),
            (1, ContinuationOutsideSection)
        );
        assert_eq!(
            syntax_problem("[profile foo]\n -continued", ""),
            (2, ContinuationWithoutProperty)
        );
        assert_eq!(
            syntax_problem(
                "[profile foo]\nname = value\n[profile foo]\n -continued",
                ""
            ),
            (4, ContinuationWithoutProperty)
        );
        assert_eq!(
            syntax_problem("[profile foo]\nkey : value", ""),
            (
                2,
                MissingEquals {
                    sub_property: false
                }
            )
        );
        assert_eq!(
            syntax_problem("[profile foo]\n= value", ""),
            (
                2,
                EmptyName {
                    sub_property: false
                }
            )
        );
        assert_eq!(
            syntax_problem("[profile foo]\ns3 =\n invalid", ""),
            (3, MissingEquals { sub_property: true })
        );
        assert_eq!(
            syntax_problem("[profile foo]\ns3 =\n = value", ""),
            (3, EmptyName { sub_property: true })
        );
        assert_eq!(
            syntax_problem("", "[default]\nkey value"),
            (
                2,
                MissingEquals {
                    sub_property: false
                }
            )
        );
    }

    #[test]
    fn syntax_errors_name_the_file_and_line_but_never_quote_it() {
        let error =
            ProfileSet::parse("", "[default]\naws_secret_access_key wJalrXUtnFEMI").unwrap_err();
        let message = error.to_string();
        assert_eq!(
            message,
            "credentials file text, line 2: expected an `=` sign defining a property"
        );
        assert!(!format!("{error:?}").contains("wJalr"));
    }

    #[test]
    fn debug_redacts_secret_values() {
        let set = ProfileSet::parse(
            "[profile foo]\nregion = us-east-1\ns3 =\n  secret_thing = SUBSECRET\n  style = path\n",
            "[foo]\naws_access_key_id = AKIDVISIBLE\naws_secret_access_key = SECRETVALUE\n\
             aws_session_token = TOKENVALUE\naws_security_token = LEGACYTOKEN\n",
        )
        .unwrap();
        for shown in [
            format!("{set:?}"),
            format!("{:?}", set.profile("foo").unwrap()),
            format!("{set:#?}"),
        ] {
            for secret in ["SECRETVALUE", "TOKENVALUE", "LEGACYTOKEN", "SUBSECRET"] {
                assert!(!shown.contains(secret), "{secret} shown in {shown}");
            }
            assert!(shown.contains("AKIDVISIBLE"));
            assert!(shown.contains("us-east-1"));
            assert!(shown.contains("path"));
            assert!(shown.contains("<redacted>"));
        }
    }

    #[test]
    fn the_selected_profile_is_explicit_then_aws_profile_then_default() {
        let env = MapEnvironment::new().with("AWS_PROFILE", " dev ");
        assert_eq!(selected_profile_name(Some("prod"), &env), "prod");
        assert_eq!(selected_profile_name(None, &env), "dev");
        assert_eq!(selected_profile_name(Some("  "), &env), "dev");
        assert_eq!(
            selected_profile_name(None, &MapEnvironment::new()),
            "default"
        );
        let empty = MapEnvironment::new().with("AWS_PROFILE", "");
        assert_eq!(selected_profile_name(None, &empty), "default");
    }

    #[test]
    fn file_locations_follow_the_variables_then_the_home_directory() {
        let env = MapEnvironment::new().with("HOME", "/home/me");
        assert_eq!(
            ProfileFiles::from_environment(&env),
            ProfileFiles {
                config: Some(PathBuf::from("/home/me/.aws/config")),
                credentials: Some(PathBuf::from("/home/me/.aws/credentials")),
            }
        );
        let env = env
            .with("AWS_CONFIG_FILE", "~/custom/config")
            .with("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/creds");
        assert_eq!(
            ProfileFiles::from_environment(&env),
            ProfileFiles {
                config: Some(PathBuf::from("/home/me/custom/config")),
                credentials: Some(PathBuf::from("/etc/aws/creds")),
            }
        );
        let homeless = MapEnvironment::new().with("AWS_CONFIG_FILE", "~/x");
        assert_eq!(
            ProfileFiles::from_environment(&homeless),
            ProfileFiles {
                config: Some(PathBuf::from("~/x")),
                credentials: None,
            }
        );
        assert_eq!(
            expand_home("~user/x", Some(Path::new("/h"))),
            Some(PathBuf::from("~user/x"))
        );
        assert_eq!(
            expand_home("~", Some(Path::new("/h"))),
            Some(PathBuf::from("/h"))
        );
    }

    #[test]
    fn missing_files_are_empty_and_named_ones_are_warned_about() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap();
        let env = MapEnvironment::new().with("HOME", home);
        let set = ProfileSet::from_environment(&env).unwrap();
        assert!(set.is_empty());
        assert!(set.warnings().is_empty(), "{:?}", set.warnings());
        assert!(set.describe_sources().contains("(does not exist)"));

        let named = env.with("AWS_CONFIG_FILE", format!("{home}/nowhere"));
        let set = ProfileSet::from_environment(&named).unwrap();
        assert_eq!(set.warnings().len(), 1);
        assert_eq!(set.warnings()[0].file.kind, FileKind::Config);
        assert!(
            set.warnings()[0]
                .to_string()
                .contains("nowhere: does not exist")
        );

        let set = ProfileSet::load(&ProfileFiles {
            config: None,
            credentials: Some(dir.path().join("absent")),
        })
        .unwrap();
        assert_eq!(set.warnings().len(), 1);
        assert!(set.describe_sources().starts_with("no config file"));
    }

    #[test]
    fn files_are_read_and_merged() {
        let dir = tempfile::tempdir().unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir(&aws).unwrap();
        std::fs::write(
            aws.join("config"),
            "[profile dev]\r\nregion = eu-west-1\r\n",
        )
        .unwrap();
        std::fs::write(aws.join("credentials"), "[dev]\naws_access_key_id = AKID\n").unwrap();
        let env = MapEnvironment::new().with("HOME", dir.path().to_str().unwrap());
        let set = ProfileSet::from_environment(&env).unwrap();
        let dev = set.profile("dev").unwrap();
        assert_eq!(dev.get("region"), Some("eu-west-1"));
        assert_eq!(dev.get("aws_access_key_id"), Some("AKID"));
        assert!(set.warnings().is_empty());
        assert!(!set.describe_sources().contains("does not exist"));
    }

    fn load_config_file(path: &Path) -> Result<ProfileSet, ProfileError> {
        ProfileSet::load(&ProfileFiles {
            config: Some(path.to_path_buf()),
            credentials: None,
        })
    }

    #[test]
    fn file_errors_carry_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("config");
        std::fs::write(&config_path, "[profile a]\nok = 1\nbroken\n").unwrap();
        let error = load_config_file(&config_path).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "config file {}, line 3: expected an `=` sign defining a property",
                config_path.display()
            )
        );

        std::fs::write(&config_path, b"[default]\nregion = \xff\n").unwrap();
        let error = load_config_file(&config_path).unwrap_err();
        assert!(
            matches!(error, ProfileError::NotUtf8 { offset: 19, .. }),
            "{error:?}"
        );

        // A directory where the file should be is a read error, not "missing".
        let error = load_config_file(dir.path()).unwrap_err();
        assert!(matches!(error, ProfileError::Read { .. }), "{error:?}");
    }
}
