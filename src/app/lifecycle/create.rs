//! A [`Creation`]: `CreateUser` and the calls that follow it on the new user. From the moment `CreateUser` is sent the
//! request is answerable for the user it may make ([`Claim::Creating`], then [`Claim::Made`]); when Connect answers that
//! the name is taken, the decision is made again from the user holding it (docs/connect-user.md §3.5–§3.6).

use tracing::{info, warn};

use super::context::{Claim, Cx, Done};
use super::converge::{Target, converge};
use crate::app::password;
use crate::app::ports::Connect;
use crate::core::connect_error::ErrorKind;
use crate::core::decision::Creation;
use crate::core::failure::Failure;

/// How a creation ended.
pub(super) enum Created {
    /// The user was made and brought to the template.
    Done(Done),
    /// The name is taken: the decision is made again from its holder. `sent`: this request's `CreateUser` was told so
    /// (it may have made that user itself, its answer lost); otherwise the password could not be read and a search
    /// found the name taken, which a take-over needs no password for.
    Taken {
        /// `CreateUser` was sent.
        sent: bool,
    },
}

/// Creates the template's user.
pub(super) async fn create<C: Connect>(cx: &Cx<'_, C>, creation: &Creation) -> Result<Created, Failure> {
    let spec = &creation.spec;
    let mut request = creation.request.clone();
    // Read only now: no other call needs the password, and a secret read is a secret exposed for less time.
    if let Some(source) = &spec.password_secret {
        cx.progress.step("calling GetSecretValue (PasswordSecretArn)");
        match password::read(cx.secrets, source).await {
            Ok(password) => request.password = Some(password),
            // Adoption needs no password: when the name is taken, the secret's failure must not stop a repeated Create
            // from finding its own user, nor hide why a stranger's user is not taken.
            Err(failure) => {
                return match cx.connect.find_user(&spec.instance, &spec.username).await {
                    Ok(Some(_)) => Ok(Created::Taken { sent: false }),
                    _ => Err(failure),
                };
            }
        }
    }
    // A `CreateUser` cut off later could make a user that the clean-up, whose search lags behind Connect, would not
    // find in the time left: then no user is better than one nobody deletes.
    let now = std::time::SystemTime::now();
    if now >= cx.work.held {
        let left = cx.work.deadline.duration_since(now).unwrap_or_default();
        let needed = cx.work.deadline.duration_since(cx.work.held).unwrap_or_default();
        return Err(Failure::NoTimeToCreate { left, needed });
    }
    cx.progress.claim(Some(Claim::Creating {
        instance: spec.instance.clone(),
        username: spec.username.clone(),
        owner: cx.owner.plain().to_owned(),
    }));
    let mut repeats = 0;
    let arn = loop {
        cx.progress.step("calling CreateUser");
        match cx.connect.create_user(&request).await {
            Ok(arn) => break arn,
            // Still answerable for what the name's holder turns out to be, until the decision says what it is.
            Err(e) if e.kind == ErrorKind::Duplicate => return Ok(Created::Taken { sent: true }),
            // It may have committed. If it did, the repeat is told the name is taken, and the owner tag's plain form
            // makes the user this request's (docs/real-connect.md §2).
            Err(e) if e.is_retryable() && repeats < cx.work.windows.replans => {
                repeats += 1;
                warn!(error = %e, repeats, "CreateUser failed and may have taken effect; repeating it");
                tokio::time::sleep(cx.work.windows.pause.delay(repeats)).await;
            }
            Err(e) => {
                cx.progress.claim(None);
                return Err(e.into());
            }
        }
    };
    // The request that made it carries the owner tag's plain form, so it is ours to answer for even while a read of
    // it could still answer not-found.
    cx.progress.claim(Some(Claim::Made(arn.clone())));
    match &creation.replaces {
        Some(old) => info!(user_arn = %arn, old_user_arn = %old, "user created, replacing the old one"),
        None => info!(user_arn = %arn, "user created"),
    }
    let target = Target { arn: &arn, visible_by: Some(cx.window_end(cx.work.windows.visibility)), taking_over: false };
    converge(cx, spec, &Default::default(), &target, creation.then.clone()).await?;
    Ok(Created::Done(Done::user(spec, &arn)))
}
