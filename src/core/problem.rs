//! A problem with a resource's properties, under its property path, and the set of them a request is refused
//! with. Its own module because every set of rules reports it: the properties' own (`props`) and the
//! identity-management types' (`identity`), which must not import each other.

use std::fmt;

/// One problem, with its property path, e.g.
/// `PhoneConfig.PhoneType: expected SOFT_PHONE or DESK_PHONE, got "SOFTPHONE"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyError {
    /// The property path, e.g. `PhoneConfig.PhoneType` or `Tags[2].Key`.
    pub path: String,
    /// What is wrong there; never the password.
    pub message: String,
}

impl fmt::Display for PropertyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem of one set of properties, in the order found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid properties: {}", join(.0))]
pub struct Invalid(pub Vec<PropertyError>);

fn join(errors: &[PropertyError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
