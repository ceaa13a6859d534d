//! Logical ids from usernames: stable, readable, and unique within an export.
//!
//! A username's id is `User` followed by its runs of letters and digits, each with its first letter upper-cased
//! (`maria.garcia7` → `UserMariaGarcia7`, `jd@example.com` → `UserJdExampleCom`). Usernames that differ only in
//! punctuation or in the case of a run's first letter share that id; then the one that sorts first (byte order)
//! keeps it, and each other gets `X` and 8 hex digits of a hash of its own username (FNV-1a, the same on every
//! platform and version). So an id depends only on the username and the usernames it collides with, never on the
//! order Connect lists the users in or on which other users an export selects.
//!
//! A re-export keeps what an earlier one gave: each username it knew keeps its id, whatever new username sorts
//! before it, and no new username takes an id the earlier export gave.

use std::collections::{BTreeMap, BTreeSet};

/// CloudFormation's limit on a logical id.
const MAX_LOGICAL_ID: usize = 255;

/// The id a username asks for before collisions are resolved.
pub fn base_id(username: &str) -> String {
    camel_id("User", username)
}

/// `prefix` followed by the runs of letters and digits of `text`, each with its first letter upper-cased, cut to fit
/// a logical id with room for a suffix.
pub fn camel_id(prefix: &str, text: &str) -> String {
    let mut id = String::from(prefix);
    for run in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|r| !r.is_empty()) {
        let mut chars = run.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    id.truncate(MAX_LOGICAL_ID - 9);
    id
}

/// The logical id of every username, unique among them and among the ids `earlier` gave (username → id), which
/// the usernames it knew keep.
pub fn logical_ids<'a>(
    usernames: impl IntoIterator<Item = &'a str>,
    earlier: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut ids = BTreeMap::new();
    let mut groups: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for username in usernames {
        match earlier.get(username) {
            Some(id) => {
                ids.insert(username.to_owned(), id.clone());
            }
            None => {
                groups.entry(base_id(username)).or_default().insert(username);
            }
        }
    }
    let mut given: BTreeSet<String> = earlier.values().cloned().collect();
    let bases: BTreeSet<String> = groups.keys().cloned().collect();
    for (base, members) in &groups {
        for (n, username) in members.iter().enumerate() {
            let first = n == 0 && !given.contains(base);
            let mut id = if first { base.clone() } else { format!("{base}X{:08X}", fnv1a(username.as_bytes()) as u32) };
            // Astronomically rare: a suffixed id equal to another base or given id. Hash again until free.
            let mut salt = 0u32;
            while !first && (bases.contains(&id) || given.contains(&id)) {
                salt += 1;
                id = format!("{base}X{:08X}", fnv1a(format!("{username}\n{salt}").as_bytes()) as u32);
            }
            given.insert(id.clone());
            ids.insert((*username).to_owned(), id);
        }
    }
    ids
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_like_the_username() {
        assert_eq!(base_id("maria.garcia7"), "UserMariaGarcia7");
        assert_eq!(base_id("jd@example.com"), "UserJdExampleCom");
        assert_eq!(base_id("agent00042"), "UserAgent00042");
        assert_eq!(base_id("Jean-Luc_Picard"), "UserJeanLucPicard");
    }

    #[test]
    fn collisions_are_resolved_by_the_usernames_alone() {
        let ids = logical_ids(["maria_garcia7", "maria.garcia7", "bob"], &BTreeMap::new());
        assert_eq!(ids["maria.garcia7"], "UserMariaGarcia7", "'.' sorts before '_' and keeps the id");
        assert!(ids["maria_garcia7"].starts_with("UserMariaGarcia7X"), "{ids:?}");
        assert_eq!(ids["maria_garcia7"].len(), "UserMariaGarcia7X".len() + 8);
        // The same ids whatever the order or the other users.
        let again = logical_ids(["bob", "zed", "maria.garcia7", "maria_garcia7"], &BTreeMap::new());
        assert_eq!(again["maria_garcia7"], ids["maria_garcia7"]);
        assert_eq!(again["bob"], "UserBob");
        let unique: BTreeSet<&String> = again.values().collect();
        assert_eq!(unique.len(), 4);
    }

    #[test]
    fn a_re_export_keeps_every_id_it_gave_whatever_sorts_first_now() {
        let first = logical_ids(["maria_garcia7", "bob"], &BTreeMap::new());
        assert_eq!(first["maria_garcia7"], "UserMariaGarcia7");
        // A new user whose username sorts first and collides: the earlier holder keeps the id.
        let again = logical_ids(["maria.garcia7", "maria_garcia7", "bob", "ann"], &first);
        assert_eq!(again["maria_garcia7"], "UserMariaGarcia7");
        assert_eq!(again["bob"], "UserBob");
        assert!(again["maria.garcia7"].starts_with("UserMariaGarcia7X"), "{again:?}");
        assert_eq!(again["ann"], "UserAnn");
        // An id whose user is gone is not given to another.
        let gone = logical_ids(["maria.garcia7"], &first);
        assert_ne!(gone["maria.garcia7"], "UserMariaGarcia7");
    }

    #[test]
    fn ids_are_alphanumeric_and_fit() {
        let long = "a.".repeat(200);
        for id in logical_ids([long.as_str(), "x", "X"], &BTreeMap::new()).values() {
            assert!(id.len() <= MAX_LOGICAL_ID && id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        }
    }
}
