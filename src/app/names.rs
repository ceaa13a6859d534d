//! The names templates use in place of ARNs (`RoutingProfileName`, `SecurityProfileNames`, `HierarchyGroupPath`),
//! resolved through the [`Connect`] port and kept for the execution environment a while ([`NAME_TTL`]): a stack of
//! 500 agents that share five profiles costs five searches per environment, not 500. Requests that ask for one
//! name together wait for the first one's answer instead of each asking.
//!
//! Only a name that matched one thing is kept: a name that matched nothing, or several things, is searched again by
//! the next request, so that fixing it in the console is seen at once. A kept answer can go stale (the profile
//! deleted and made again under its name); the lifecycle then forgets it ([`NameCache::forget`]) and decides again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::ports::{Connect, ConnectError};
use crate::core::arn::InstanceArn;
use crate::core::names::{self, Found, Wanted};

/// How long a resolution is kept. A profile renamed, or deleted and made again under the same name, is seen by the
/// first request after it: within this time a request may still use the ARN the name had.
pub const NAME_TTL: Duration = Duration::from_secs(300);

type Key = (String, Wanted);
type Slot = Arc<tokio::sync::Mutex<Option<(Instant, Found)>>>;

/// The names resolved in this execution environment.
#[derive(Debug, Default)]
pub struct NameCache {
    slots: Mutex<HashMap<Key, Slot>>,
}

impl NameCache {
    /// What `wanted` names in `instance`: kept, or searched for now (and, when it matches nothing, the closest names
    /// that exist). A failed search is not kept.
    pub async fn resolve<C: Connect>(
        &self,
        connect: &C,
        instance: &InstanceArn,
        wanted: &Wanted,
    ) -> Result<Found, ConnectError> {
        self.resolve_noting(connect, instance, wanted).await.map(|(found, _)| found)
    }

    /// Like [`NameCache::resolve`]; also whether the answer was kept from before (`true`) rather than searched now.
    pub async fn resolve_noting<C: Connect>(
        &self,
        connect: &C,
        instance: &InstanceArn,
        wanted: &Wanted,
    ) -> Result<(Found, bool), ConnectError> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            slots.entry((instance.to_string(), wanted.clone())).or_default().clone()
        };
        let mut kept = slot.lock().await;
        if let Some((at, found)) = kept.as_ref()
            && at.elapsed() < NAME_TTL
        {
            return Ok((found.clone(), true));
        }
        let candidates = connect.find_named(instance, wanted.kind, &wanted.name).await?;
        let mut found = names::pick(&wanted.name, &candidates);
        if let Found::Nothing { closest } = &mut found {
            // Only for the reason: a failure to list leaves it without suggestions.
            if let Ok(all) = connect.list_named(instance, wanted.kind).await {
                let all: Vec<String> = all.into_iter().map(|(name, _)| name).collect();
                *closest = names::closest(&wanted.name, &all);
            }
        }
        *kept = matches!(found, Found::One(_)).then(|| (Instant::now(), found.clone()));
        Ok((found, false))
    }

    /// Drops what was kept for `wanted` in `instance`: the next request searches for it again.
    pub fn forget(&self, instance: &InstanceArn, wanted: &Wanted) {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner).remove(&(instance.to_string(), wanted.clone()));
    }
}
