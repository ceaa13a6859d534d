//! Making the template's user: `CreateUser` and the calls that follow it, or, when the name is taken, taking the
//! user over if it is this resource's (a repeated Create, or a `CreateUser` that committed and then failed) or the
//! template asks for it (`AdoptExisting`), never otherwise (docs/connect-user.md §3.5–§3.6).
//!
//! From the moment a user carrying this resource's owner tag is known, the request is answerable for it
//! ([`Claim::Made`]): the supervisor names it in a failure, or deletes it in provider mode.

use tracing::{info, warn};

use super::context::{Claim, Cx, Done};
use super::converge::{Target, converge};
use super::patience::patiently;
use crate::app::password;
use crate::app::ports::Connect;
use crate::core::connect_error::ErrorKind;
use crate::core::failure::{Failure, Holder};
use crate::core::model::{OWNER_TAG_KEY, OldTemplate, UserSpec};
use crate::core::owner::foreign_owner;
use crate::core::plan::{self, Decision};

/// Why the template's user is being made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Making {
    /// The resource has no user yet: a Create, or an Update of a failed Create's marker.
    New,
    /// An Update that replaces the resource's user (new instance or username). A user holding the name with this
    /// resource's owner tag may then be the resource's own earlier user (the rollback of a replacement), which is
    /// never this request's to delete: it is reconciled but never claimed.
    Replacement,
}

/// Creates the template's user, or takes over the one holding its name when that is allowed.
pub(super) async fn create<C: Connect>(cx: &Cx<'_, C>, spec: &UserSpec, making: Making) -> Result<Done, Failure> {
    let mut new_user = plan::new_user(spec, &cx.owner);
    // Read only now: no other call needs the password, and a secret read is a secret exposed for less time.
    if let Some(source) = &spec.password_secret {
        cx.progress.step("calling GetSecretValue (PasswordSecretArn)");
        match password::read(cx.secrets, source).await {
            Ok(password) => new_user.password = Some(password),
            // Adoption needs no password: when the name is taken, the secret's failure must not stop a repeated
            // Create (or AdoptExisting) from taking over the user, nor hide why a stranger's user is not taken.
            Err(failure) => {
                return match cx.connect.find_user(&spec.instance, &spec.username).await {
                    Ok(Some(_)) => adopt(cx, spec, making).await,
                    _ => Err(failure),
                };
            }
        }
    }
    if making == Making::New {
        cx.progress.claim(Some(Claim::Creating {
            instance: spec.instance.clone(),
            username: spec.username.clone(),
            owner: cx.owner.clone(),
        }));
    }
    let mut repeats = 0;
    let arn = loop {
        cx.progress.step("calling CreateUser");
        match cx.connect.create_user(&new_user).await {
            Ok(arn) => break arn,
            Err(e) if e.kind == ErrorKind::Duplicate => return adopt(cx, spec, making).await,
            // It may have committed. If it did, the repeat is told the name is taken, and the owner tag makes the
            // user this resource's to adopt (docs/real-connect.md §2).
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
    // The request that made it carries the owner tag (`plan::new_user` always adds it), so it is ours to answer
    // for even while a read of it could still answer not-found.
    cx.progress.claim(Some(Claim::Made(arn.clone())));
    info!(user_arn = %arn, "user created");
    let target = Target { arn: &arn, visible_by: Some(cx.window_end(cx.work.windows.visibility)), taking_over: false };
    converge(cx, spec, &OldTemplate::default(), &target, plan::after_create(spec)).await?;
    Ok(Done::user(spec, &arn))
}

/// `CreateUser` said the username is taken: take the user over if it is ours or the template asks for it.
///
/// The user may have been created a moment ago (by this request's own `CreateUser`, whose answer was lost), so
/// it may not be visible yet: the lookup and the calls on the user are patient for the visibility window.
async fn adopt<C: Connect>(cx: &Cx<'_, C>, spec: &UserSpec, making: Making) -> Result<Done, Failure> {
    cx.progress.step("looking up the existing user (CreateUser: DuplicateResourceException)");
    let visible_by = cx.window_end(cx.work.windows.visibility);
    let mut patience = cx.patience(visible_by);
    let arn = loop {
        match cx.connect.find_user(&spec.instance, &spec.username).await {
            Ok(Some(arn)) => break arn,
            // Search is an index, and lags behind the user store the longest.
            Ok(None) if patience.wait().await => info!("the user holding the name is not visible to a search yet"),
            Ok(None) => {
                return Err(Failure::NotSearchable {
                    username: spec.username.clone(),
                    instance: spec.instance.clone(),
                    window: cx.work.windows.visibility,
                });
            }
            Err(e) => return Err(e.into()),
        }
    };
    cx.progress.step("reading the existing user");
    let visible_by = Some(visible_by);
    let pause = cx.work.windows.pause;
    let mut live = patiently(visible_by, pause, || cx.connect.describe_user(&arn))
        .await
        .map_err(|e| cx.failure_on(e, &arn, visible_by))?;
    let taken = |holder| Failure::Taken { username: spec.username.clone(), instance: spec.instance.clone(), holder };
    // Another resource's user is never taken, AdoptExisting or not: its owner decides, by removing the tag.
    if let Some(held) = foreign_owner(&live.tags, &cx.owner) {
        cx.progress.claim(None);
        return Err(taken(Holder::Another { owner: held.to_owned(), user: arn }));
    }
    let ours = live.tags.get(OWNER_TAG_KEY) == Some(&cx.owner);
    if !ours && !spec.adopt_existing {
        cx.progress.claim(None);
        return Err(taken(Holder::Untagged));
    }
    info!(user_arn = %arn, ours, "adopting the existing user");
    cx.progress.claim(match (ours, making) {
        // Made by this request (or an earlier delivery of it) and its answer lost (docs/real-connect.md §2).
        (true, Making::New) => Some(Claim::Made(arn.clone())),
        // Not this request's to answer for until its owner tag is on the way (see `Target::taking_over`).
        _ => None,
    });
    if spec.proficiencies.is_some() {
        cx.progress.step("calling ListUserProficiencies");
        live.proficiencies = Some(
            patiently(visible_by, pause, || cx.connect.list_proficiencies(&arn))
                .await
                .map_err(|e| cx.failure_on(e, &arn, visible_by))?,
        );
    }
    match plan::plan(spec, &OldTemplate::default(), &live, &cx.owner) {
        Decision::Reconcile(calls) => {
            let target = Target { arn: &arn, visible_by, taking_over: !ours };
            converge(cx, spec, &OldTemplate::default(), &target, calls).await?;
            Ok(Done::user(spec, &arn))
        }
        Decision::Refuse(reason) => Err(Failure::AdoptionRefused(reason)),
        Decision::Replace => Err(Failure::NotTheTemplatesUser(arn)),
    }
}
