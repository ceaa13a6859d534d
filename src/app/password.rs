//! `PasswordSecretArn`: the password read from Secrets Manager, right before the `CreateUser` that needs it
//! (a Create, a replacement, the re-creation after a failed Create; never an in-place Update or a Delete).
//!
//! Every failure is a reason that names the secret's ARN and the JSON key, and says what to fix; none can
//! contain the value, which is a [`Secret`] from the moment the port returns it.

use super::ports::{Secrets, SecretsErrorKind};
use crate::core::password_secret::{self, PasswordSecret};
use crate::core::secret::Secret;

/// Reads the secret's current version and takes the password out of it, or says why not.
pub(super) async fn read(secrets: Option<&dyn Secrets>, source: &PasswordSecret) -> Result<Secret, String> {
    let Some(secrets) = secrets else {
        return Err(format!("{source}: no Secrets Manager client is configured, so the password cannot be read"));
    };
    let value = secrets.get_secret_value(&source.arn).await.map_err(|e| {
        let hint = match e.kind {
            SecretsErrorKind::NotFound => {
                "; check the ARN, and that the secret exists in its region and has a current version"
            }
            SecretsErrorKind::AccessDenied => {
                "; the function's role needs secretsmanager:GetSecretValue on this secret, and kms:Decrypt on its \
                 KMS key when that is a customer-managed key"
            }
            SecretsErrorKind::Decryption => {
                "; the function's role needs kms:Decrypt on the secret's customer-managed KMS key"
            }
            SecretsErrorKind::Other => "",
        };
        format!("{source}: {e}{hint}")
    })?;
    password_secret::password(value, source.json_key.as_deref()).map_err(|e| format!("{source}: {e}"))
}
