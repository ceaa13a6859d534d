//! What the steps of one request share: the ports, the request's [`Work`] limits, this resource's owner tag, and
//! the [`Progress`] the supervisor reads when the work ends badly — the step it was on, and the user it made or
//! took over ([`Claim`]), so every failure (an error, a panic, the deadline) settles that user the same way.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::time::Instant;

use super::patience::{self, Patience, Windows};
use crate::app::ports::{Connect, Secrets};
use crate::core::arn::{InstanceArn, UserArn};
use crate::core::connect_error::{ConnectError, ErrorKind};
use crate::core::failure::Failure;
use crate::core::mode::Mode;
use crate::core::model::UserSpec;
use crate::core::owner::OwnerTag;
use crate::core::placement::Home;

/// What one request's work is given besides the request and the ports.
#[derive(Debug, Clone)]
pub struct Work {
    /// How patient the work is with Connect.
    pub windows: Windows,
    /// The account and partition the function runs in (from its ARN), when known: instances elsewhere are
    /// refused before any call.
    pub home: Option<Home>,
    /// When the work is abandoned: every wait ends before it.
    pub deadline: SystemTime,
    /// When the work is abandoned while a failure would leave the clean-up calls to make (a `CreateUser` in flight
    /// above all): what comes before `CreateUser` ends before it, so that the user can still be made.
    pub held: SystemTime,
    /// The names resolved in this execution environment, shared by its requests.
    pub names: Arc<crate::app::names::NameCache>,
}

/// A user a request is answerable for, should it fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// `CreateUser` was sent and has not answered: if the request ends now, a user by this name carrying this
    /// resource's owner tag is the one it made (docs/real-connect.md §2).
    Creating {
        /// The instance.
        instance: InstanceArn,
        /// The username.
        username: String,
        /// This resource's owner tag value.
        owner: String,
    },
    /// A user this request made: `CreateUser` answered with it, or, its answer lost, the user holding the name
    /// carries this resource's owner tag. A failure names it, so CloudFormation's rollback deletes it; in provider
    /// mode it is deleted before the invocation fails (docs/protocol.md §7).
    Made(UserArn),
    /// A user that existed before this resource, taken over with `AdoptExisting`, from the moment this resource's
    /// owner tag is on its way to it, or from the start when an earlier delivery of the request put it there (its
    /// take-over form says so). A failure never names it (the rollback must not delete it) and takes the owner tag
    /// off again (docs/connect-user.md §3.6).
    TakenOver(UserArn),
}

impl Claim {
    /// Whether settling this claim after a failure in `mode` takes Connect calls — a search for the user a
    /// `CreateUser` without an answer made, a `DeleteUser`, an `UntagResource` — which must find time left for them
    /// however the work ends (the supervisor holds that time back while such a claim is open).
    pub fn settles_with_calls(&self, mode: Mode) -> bool {
        !matches!((self, mode), (Self::Made(_), Mode::Respond))
    }
}

/// What the work is doing now, and the user it is answerable for: shared with the supervisor, which reads it
/// whichever way the work ends, and is told at once when the claim changes.
#[derive(Debug, Clone)]
pub struct Progress {
    step: Arc<Mutex<String>>,
    claim: Arc<watch::Sender<Option<Claim>>>,
}

impl Default for Progress {
    fn default() -> Self {
        Self { step: Arc::default(), claim: Arc::new(watch::Sender::new(None)) }
    }
}

impl Progress {
    /// Records what the work does now.
    pub fn step(&self, step: impl Into<String>) {
        if let Ok(mut current) = self.step.lock() {
            *current = step.into();
        }
    }

    /// Records the user the request is answerable for (or, with `None`, that there is none).
    pub fn claim(&self, claim: Option<Claim>) {
        self.claim.send_replace(claim);
    }

    /// (what it was doing, the user it is answerable for if any).
    pub fn snapshot(&self) -> (String, Option<Claim>) {
        let step = self.step.lock().map(|s| s.clone()).unwrap_or_default();
        (step, self.claim.borrow().clone())
    }

    /// A receiver of the claim's changes.
    pub fn watch_claim(&self) -> watch::Receiver<Option<Claim>> {
        self.claim.subscribe()
    }
}

/// A request that succeeded: the PhysicalResourceId and the `Fn::GetAtt` values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// The PhysicalResourceId to answer with.
    pub physical_id: String,
    /// The `Data` attributes.
    pub data: BTreeMap<String, String>,
}

impl Done {
    /// The answer for the template's user `arn`. The profiles' and group's ARNs are the ones the template's names
    /// resolved to, so that other resources can use them whether the template gave names or ARNs.
    pub(super) fn user(spec: &UserSpec, arn: &UserArn) -> Self {
        let profiles: Vec<&str> = spec.security_profiles.iter().map(|p| p.as_str()).collect();
        let data = BTreeMap::from([
            ("UserArn".to_owned(), arn.to_string()),
            ("UserId".to_owned(), arn.user_id().to_owned()),
            ("InstanceArn".to_owned(), spec.instance.to_string()),
            ("Username".to_owned(), spec.username.clone()),
            ("RoutingProfileArn".to_owned(), spec.routing_profile.to_string()),
            ("SecurityProfileArns".to_owned(), profiles.join(",")),
            (
                "HierarchyGroupArn".to_owned(),
                spec.hierarchy_group.as_ref().map(ToString::to_string).unwrap_or_default(),
            ),
        ]);
        Self { physical_id: arn.to_string(), data }
    }
}

/// Everything the steps of one request share.
pub(super) struct Cx<'a, C> {
    pub connect: &'a C,
    pub secrets: Option<&'a dyn Secrets>,
    pub progress: &'a Progress,
    pub work: &'a Work,
    /// This resource's owner tag.
    pub owner: OwnerTag,
}

impl<C: Connect> Cx<'_, C> {
    /// The end of a window of `window` starting now, kept clear of the deadline.
    pub fn window_end(&self, window: Duration) -> Instant {
        patience::window_end(window, self.work.deadline)
    }

    /// The end of a window of `window` starting now, kept clear of the held-back deadline: for what must leave time
    /// for a `CreateUser` after it.
    pub fn window_end_before_create(&self, window: Duration) -> Instant {
        patience::window_end(window, self.work.held)
    }

    /// The repeats of a window that ends at `until`.
    pub fn patience(&self, until: Instant) -> Patience {
        Patience::new(until, self.work.windows.pause)
    }

    /// The failure a call on `user` ended in: a not-found on a new user (`visible_by` set) whose window is over says
    /// the user did not become visible.
    pub fn failure_on(&self, e: ConnectError, user: &UserArn, visible_by: Option<Instant>) -> Failure {
        match visible_by {
            Some(_) if e.kind == ErrorKind::NotFound => {
                Failure::NotVisible { error: e, user: user.clone(), window: self.work.windows.visibility }
            }
            _ => Failure::Connect(e),
        }
    }
}
