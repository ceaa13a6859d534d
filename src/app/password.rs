//! `PasswordSecretArn`: the password read from Secrets Manager, right before the `CreateUser` that needs it
//! (a Create, a replacement, the re-creation after a failed Create; never an in-place Update or a Delete).
//!
//! Every failure names the secret's ARN and the JSON key, and says what to fix (`core::failure::SecretCause`);
//! none can contain the value, which is a [`Secret`] from the moment the port returns it.

use super::ports::Secrets;
use crate::core::failure::{Failure, SecretCause};
use crate::core::password_secret::{self, PasswordSecret};
use crate::core::secret::Secret;

/// Reads the secret's current version and takes the password out of it, or says why not.
pub(super) async fn read(secrets: Option<&dyn Secrets>, source: &PasswordSecret) -> Result<Secret, Failure> {
    let failed = |cause| Failure::PasswordSecret { secret: source.clone(), cause };
    let Some(secrets) = secrets else { return Err(failed(SecretCause::NoClient)) };
    let value = secrets.get_secret_value(&source.arn).await.map_err(|e| failed(SecretCause::Read(e)))?;
    password_secret::password(value, source.json_key.as_deref()).map_err(|e| failed(SecretCause::Value(e)))
}
