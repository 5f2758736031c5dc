//! Where configuration reads environment variables and the home directory.
//!
//! Configuration follows the AWS conventions (`AWS_PROFILE`, `AWS_REGION`,
//! `AWS_AUTH_SCHEME_PREFERENCE`, ...), but it never reads the process
//! environment directly: it asks an [`Environment`]. Applications pass
//! [`ProcessEnvironment`]; tests and embedders pass a [`MapEnvironment`], so
//! that a test never has to change the process environment, which is shared
//! by every thread and cannot be changed safely while others read it.

use std::collections::HashMap;
use std::path::PathBuf;

/// A source of environment variables.
pub trait Environment: Send + Sync {
    /// The value of `name`, or `None` when it is unset or not valid UTF-8.
    fn var(&self, name: &str) -> Option<String>;

    /// The user's home directory, where `~/.aws/config` lives.
    fn home_dir(&self) -> Option<PathBuf> {
        self.var("HOME")
            .or_else(|| self.var("USERPROFILE"))
            .filter(|home| !home.is_empty())
            .map(PathBuf::from)
    }

    /// The value of `name` when it is set and not empty.
    ///
    /// The AWS tools treat an empty variable as unset; so does sigv4kit.
    fn non_empty_var(&self, name: &str) -> Option<String> {
        self.var(name).filter(|value| !value.trim().is_empty())
    }
}

/// The environment of this process.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// An environment held in a map: for tests, and for callers that gather
/// settings from somewhere other than the process environment.
#[derive(Debug, Clone, Default)]
pub struct MapEnvironment {
    vars: HashMap<String, String>,
}

impl MapEnvironment {
    /// An empty environment: no variable is set, and there is no home.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same environment with `name` set to `value`.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for MapEnvironment {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        }
    }
}

impl Environment for MapEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }
}

impl<E: Environment + ?Sized> Environment for &E {
    fn var(&self, name: &str) -> Option<String> {
        (**self).var(name)
    }

    fn home_dir(&self) -> Option<PathBuf> {
        (**self).home_dir()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_environment_sees_only_its_own_variables() {
        let env = MapEnvironment::new().with("AWS_REGION", "eu-west-1");
        assert_eq!(env.var("AWS_REGION").as_deref(), Some("eu-west-1"));
        assert_eq!(env.var("PATH"), None);
        assert_eq!(env.home_dir(), None);
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let env = MapEnvironment::from_iter([("AWS_PROFILE", " "), ("HOME", "")]);
        assert_eq!(env.non_empty_var("AWS_PROFILE"), None);
        assert_eq!(env.var("AWS_PROFILE").as_deref(), Some(" "));
        assert_eq!(env.home_dir(), None);
    }

    #[test]
    fn the_home_directory_falls_back_to_userprofile() {
        let env = MapEnvironment::new().with("USERPROFILE", "C:\\Users\\me");
        assert_eq!(env.home_dir(), Some(PathBuf::from("C:\\Users\\me")));
    }
}
