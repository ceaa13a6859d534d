//! The switches for real Connect's harsher behaviours (the project's real-connect.md), and the state the
//! visibility lag needs. Every switch is off by default except the region check, so that a test that does not ask
//! for a behaviour meets the strongly consistent, quota-free emulator it was written against:
//! - the visibility lag after `CreateUser` (global, or per instance), with the users it still hides;
//! - the users-per-instance quota of `CreateUser`;
//! - `UpdateUserPhoneConfig` writing its after-contact-work limit to every channel;
//! - the identity-management rules of `CreateUser` and `UpdateUserIdentityInfo` (see `identity`);
//! - the region check: a request signed for another region than the instance's does not find it. On by default
//!   because clients that sign for the instance's region (every existing one) never notice it. The same switch
//!   makes a traffic distribution group unknown to requests signed for another region than its home region.
//!
//! Always on, without a switch, because a careful client must cope with them anyway (see the module `connect`):
//! - the profile and hierarchy group searches compare names case-insensitively, `EXACT` included;
//! - a traffic distribution group that is not `ACTIVE` takes no user (`ResourceNotFoundException`);
//! - `DeleteUser` of a user still associated with a traffic distribution group is refused
//!   (`InvalidRequestException` naming the group): a conservative model of an undocumented rule.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

/// The switches, as the builder sets them and the setters change them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// At most this many users per instance; `None` is unlimited.
    pub users_per_instance: Option<usize>,
    /// `UpdateUserPhoneConfig` writes `AfterContactWorkTimeLimit` to every channel's ACW entry, not only VOICE.
    pub phone_config_all_channels: bool,
    /// `CreateUser` and `UpdateUserIdentityInfo` enforce the rules of the instance's identity-management type.
    pub identity_rules: bool,
    /// A request whose SigV4 scope names another region than the instance's answers not-found.
    pub region_check: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self { users_per_instance: None, phone_config_all_channels: false, identity_rules: false, region_check: true }
    }
}

/// The visibility lag: how long a new user stays invisible, and which users are still invisible until when.
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    /// The lag of every instance without its own.
    pub lag: Option<Duration>,
    /// Per-instance lags (by instance id), overriding [`Visibility::lag`].
    pub per_instance: BTreeMap<String, Duration>,
    /// User id → the moment it becomes visible. Entries leave once due, so the map stays small.
    hidden: BTreeMap<String, Instant>,
}

impl Visibility {
    /// The lag of users created in `instance_id` from now on.
    pub fn lag_of(&self, instance_id: &str) -> Duration {
        self.per_instance.get(instance_id).copied().or(self.lag).unwrap_or_default()
    }

    /// Hides a user just created in `instance_id` at `clock` for the instance's lag (nothing when it is zero).
    pub fn hide_new(&mut self, user_id: &str, instance_id: &str, clock: Instant) {
        let lag = self.lag_of(instance_id);
        if !lag.is_zero() {
            self.hidden.insert(user_id.to_owned(), clock + lag);
        }
    }

    /// Forgets the users whose lag is over at `clock`.
    pub fn reveal_due(&mut self, clock: Instant) {
        self.hidden.retain(|_, visible_at| *visible_at > clock);
    }

    /// Ends the lag of one user; whether it was still hidden.
    pub fn reveal(&mut self, user_id: &str) -> bool {
        self.hidden.remove(user_id).is_some()
    }

    /// Ends every lag.
    pub fn reveal_all(&mut self) {
        self.hidden.clear();
    }

    /// Whether the user is still hidden (as of the last [`Visibility::reveal_due`]).
    pub fn is_hidden(&self, user_id: &str) -> bool {
        self.hidden.contains_key(user_id)
    }

    /// When the user becomes visible, if it is hidden.
    pub fn visible_at(&self, user_id: &str) -> Option<Instant> {
        self.hidden.get(user_id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_instance_lag_overrides_the_global_one() {
        let mut visibility = Visibility { lag: Some(Duration::from_secs(5)), ..Visibility::default() };
        visibility.per_instance.insert("i-2".into(), Duration::ZERO);
        let start = Instant::now();
        visibility.hide_new("u-1", "i-1", start);
        visibility.hide_new("u-2", "i-2", start);
        assert!(visibility.is_hidden("u-1"));
        assert!(!visibility.is_hidden("u-2"));
        visibility.reveal_due(start + Duration::from_secs(4));
        assert!(visibility.is_hidden("u-1"));
        visibility.reveal_due(start + Duration::from_secs(5));
        assert!(!visibility.is_hidden("u-1"));
    }
}
