//! One module per command.

pub mod derive_key;
pub mod explain;
pub mod send;
pub mod sign;
pub mod verify;
