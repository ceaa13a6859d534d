//! A realistic population of users, seeded straight into the store (no HTTP, so a thousand users take
//! milliseconds): what an instance built over years in the console, by CSV import and by scripts looks like, for
//! the tests and demos of tools that read a whole instance.
//!
//! Deterministic: user number `i` of an instance always has the same id, username and settings, whatever `n` is
//! (seeding 10 users gives the first 10 of seeding 1000). Every shape below recurs at its own period, so any
//! hundred consecutive users hold all of them:
//!
//! | what | shapes |
//! |---|---|
//! | username | `first.last<i>`, `first_last<i>`, `agent<i>`, an e-mail address, `first-last<i>`; one in 50 the twin of the one before, with `_` for `.`; at most 20 characters, as `CONNECT_MANAGED` requires |
//! | identity | first and last name always (some outside ASCII, all in NFC); e-mail, secondary e-mail and mobile on some |
//! | voice | soft phone with Connect's defaults; auto-accept with an ACW limit; desk phone with a number; persistent connection with voice enhancement |
//! | other channels | CHAT and TASK auto-accept and ACW entries; agent-first-callback settings on VOICE |
//! | placement | two routing profiles, one to three security profiles, no hierarchy group or one of two |
//! | proficiencies | none, or one to three of the seeded predefined attributes, levels from 1 to 5 in steps of 0.1 |
//! | tags | none, a few, and on some the `aws:` tags AWS services leave (which no caller can set) |
//!
//! No user carries the `connect-user-resource:owner` tag: the population is what an instance looks like before
//! any of it is managed as code.

use std::collections::BTreeMap;

use super::model::{
    AfterContactWork, AutoAccept, Channel, ChannelSettings, IdentityInfo, PhoneNumber, PhoneType, User,
};
use super::seed::Seed;
use super::state::Store;

const FIRST_NAMES: &[&str] = &[
    "Maria", "James", "Zoë", "Wei", "Aisha", "José", "Liam", "Björn", "Priya", "Siobhán", "Kenji", "Olga", "Mateo",
    "Fatima", "Noah", "Ana",
];
const LAST_NAMES: &[&str] = &[
    "Garcia",
    "Smith",
    "Müller",
    "Chen",
    "Okafor",
    "Núñez",
    "Kowalski",
    "Dubois",
    "Patel",
    "Ó Briain",
    "Tanaka",
    "Ivanova",
    "Rossi",
    "Haddad",
    "Jones",
    "Lima",
];
const TEAMS: &[&str] = &["billing", "support", "sales", "retention", "onboarding"];
/// Proficiency levels: whole and fractional, among them values (like 3.7) that no binary float holds exactly.
const LEVELS: &[f64] = &[1.0, 2.5, 3.0, 3.7, 4.5, 5.0];

/// Adds users `0..n` to the seeded instance `instance_id`; users already seeded there are left as they are.
pub fn populate(store: &mut Store, instance_id: &str, n: usize) {
    let seed = store.seed.clone();
    let Some(shape) = seed.instance(instance_id) else { return };
    let Some(instance) = store.instances.get_mut(instance_id) else { return };
    for i in 0..n {
        let user = user(&seed, shape, i);
        instance.users.entry(user.id.clone()).or_insert(user);
    }
}

/// Values that an untyped format reads as something else: what YAML 1.1 (CloudFormation's dialect, and the AWS CLI's
/// parser) reads as a boolean, a number, a date, a null or a "value" key when written plain, and characters that
/// start a comment, a mapping or a sequence. Each username is valid for Connect and different from the population's.
pub const AWKWARD: &[Awkward] = &[
    ("no", "Min-jun", "No", &[("yes", "No"), ("=", "1:20")]),
    ("yes", "Yes", "yes", &[("on", "off")]),
    ("on", "On", "Off", &[("team", "2001-12-14")]),
    ("null", "~", "null", &[("1_000", "1_000")]),
    ("1_000", "1:20", "1_000", &[("count", "0x1F")]),
    ("2001-12-14", "2001-12-14", "2001-12-14t21:59:43.10-05:00", &[("date", "2001-12-14")]),
    ("-x", "- x", "-", &[("- dash", "-")]),
    (".hidden", ": ", "#", &[(": ", "a: b")]),
    ("y", "=", "a #b", &[("n", "y")]),
    ("0o17", "1e3", ".inf", &[("0o17", "017")]),
];

/// One awkward user: `(username, first name, last name, tags as (key, value))`.
pub type Awkward = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

/// Adds the [`AWKWARD`] users to the seeded instance `instance_id`, with the population's settings of users `0..`.
pub fn populate_awkward(store: &mut Store, instance_id: &str) {
    let seed = store.seed.clone();
    let Some(shape) = seed.instance(instance_id) else { return };
    let Some(instance) = store.instances.get_mut(instance_id) else { return };
    for (n, (username, first, last, tags)) in AWKWARD.iter().enumerate() {
        let mut user = user(&seed, shape, n);
        user.id = user_id(shape.id, 1_000_000 + n);
        user.arn = seed.user_arn(shape.id, &user.id);
        user.username = (*username).to_owned();
        user.identity_info = Some(IdentityInfo {
            first_name: Some((*first).to_owned()),
            last_name: Some((*last).to_owned()),
            ..IdentityInfo::default()
        });
        user.tags = tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        instance.users.entry(user.id.clone()).or_insert(user);
    }
}

/// User number `i` of an instance.
fn user(seed: &Seed, shape: &super::seed::SeedInstance, i: usize) -> User {
    let id = user_id(shape.id, i);
    let (first, last) = (FIRST_NAMES[i % FIRST_NAMES.len()], LAST_NAMES[(i / 3) % LAST_NAMES.len()]);
    let mut security_profiles = vec![shape.security_profiles[0].0.to_owned()];
    for (every, index) in [(10, 2), (25, 1)] {
        if let Some((profile, _)) = shape.security_profiles.get(index)
            && i % every == every - 1
        {
            security_profiles.push((*profile).to_owned());
        }
    }
    let routing_profile = shape.routing_profiles[(i % 3 == 2) as usize % shape.routing_profiles.len()].0;
    let hierarchy_group = match i % 4 {
        1 => shape.hierarchy_groups.first(),
        2 => shape.hierarchy_groups.get(1).or(shape.hierarchy_groups.first()),
        _ => None,
    };
    User {
        arn: seed.user_arn(shape.id, &id),
        id,
        instance_id: shape.id.to_owned(),
        username: username(i),
        password: Some("Seeded-Passw0rd".to_owned()),
        identity_info: Some(IdentityInfo {
            first_name: Some(first.to_owned()),
            last_name: Some(last.to_owned()),
            email: (!i.is_multiple_of(3)).then(|| format!("{}.{}{i}@example.com", ascii(first), ascii(last))),
            secondary_email: (i % 7 == 3).then(|| format!("agent{i}@example.org")),
            mobile: (i % 4 == 1).then(|| format!("+1206555{:04}", i % 10_000)),
        }),
        directory_user_id: None,
        security_profile_ids: security_profiles,
        routing_profile_id: routing_profile.to_owned(),
        hierarchy_group_id: hierarchy_group.map(|g| g.id.to_owned()),
        tags: tags(i),
        channels: channels(i),
        proficiencies: proficiencies(shape.predefined_attributes, i),
        last_modified: 1_700_000_000.0 + i as f64,
        proficiencies_modified: 1_700_000_000.0,
    }
}

/// A UUID-shaped id that depends on the instance and the number only.
fn user_id(instance_id: &str, i: usize) -> String {
    let high = fnv1a(format!("{instance_id}/{i}/high").as_bytes());
    let low = fnv1a(format!("{instance_id}/{i}/low").as_bytes());
    super::state::uuid_shaped(high, low)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The name in lower-case ASCII letters (accents dropped, other characters left out), as usernames are made.
fn ascii(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'á' | 'Á' => Some('a'),
            'é' | 'ë' => Some('e'),
            'ó' | 'Ó' | 'ö' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ñ' => Some('n'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// At most 20 characters (`CONNECT_MANAGED`'s limit), unique: each ends with its user's number `i`, except the
/// twins (one user in 50), whose username is the one before's with `_` for `.`, as a console import of the same
/// person twice might leave.
fn username(i: usize) -> String {
    if i % 50 == 1 {
        return username(i - 1).replace('.', "_");
    }
    let first = ascii(FIRST_NAMES[i % FIRST_NAMES.len()]);
    let last = ascii(LAST_NAMES[(i / 3) % LAST_NAMES.len()]);
    let number = i.to_string();
    let part = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    // The first name takes 6 characters at most, a separator 1 and the number its length; the last name the rest.
    let last = part(&last, 20usize.saturating_sub(number.len() + 7));
    match i % 5 {
        0 => format!("{}.{last}{number}", part(&first, 6)),
        1 => format!("{}_{last}{number}", part(&first, 6)),
        2 => format!("agent{i:05}"),
        // `@ex.co` takes 6 characters, the initial 1.
        3 => format!("{}{}{number}@ex.co", part(&first, 1), part(&last, 20usize.saturating_sub(number.len() + 7))),
        _ => format!("{}-{last}{number}", part(&first, 6)),
    }
}

fn tags(i: usize) -> BTreeMap<String, String> {
    let mut tags = BTreeMap::new();
    if i.is_multiple_of(3) {
        tags.insert("team".to_owned(), TEAMS[i % TEAMS.len()].to_owned());
    }
    if i % 5 == 1 {
        tags.insert("cost-center".to_owned(), format!("cc-{}", 100 + i % 7));
    }
    if i % 11 == 4 {
        tags.insert("imported-by".to_owned(), "csv 2023-04".to_owned());
    }
    if i % 8 == 5 {
        tags.insert("aws:cloudformation:stack-name".to_owned(), "legacy-agents".to_owned());
        tags.insert("aws:createdBy".to_owned(), "connect-console".to_owned());
    }
    tags
}

fn channels(i: usize) -> ChannelSettings {
    let mut channels = ChannelSettings::default();
    let voice_acw = |limit| AfterContactWork { time_limit: limit, agent_first_callback_time_limit: None };
    match i % 6 {
        1 => {
            channels.auto_accept.insert(Channel::Voice, AutoAccept { auto_accept: true, agent_first_callback: None });
            channels.after_contact_work.insert(Channel::Voice, voice_acw(30));
        }
        2 => {
            let number = format!("+1206555{:04}", (i * 7) % 10_000);
            channels
                .phone_number
                .insert(Channel::Voice, PhoneNumber { phone_type: PhoneType::DeskPhone, number: Some(number) });
            channels.after_contact_work.insert(Channel::Voice, voice_acw(120));
        }
        3 => {
            for channel in [Channel::Chat, Channel::Task] {
                channels
                    .auto_accept
                    .insert(channel, AutoAccept { auto_accept: channel == Channel::Chat, agent_first_callback: None });
                channels.after_contact_work.insert(channel, voice_acw(if channel == Channel::Chat { 60 } else { 0 }));
            }
        }
        4 => {
            channels
                .auto_accept
                .insert(Channel::Voice, AutoAccept { auto_accept: false, agent_first_callback: Some(true) });
            channels
                .after_contact_work
                .insert(Channel::Voice, AfterContactWork { time_limit: 45, agent_first_callback_time_limit: Some(15) });
        }
        5 => {
            channels.persistent_connection.insert(Channel::Voice, true);
            channels.voice_enhancement.insert(Channel::Voice, "NOISE_SUPPRESSION".to_owned());
        }
        _ => {}
    }
    channels.with_voice_defaults()
}

fn proficiencies(attributes: &[(&str, &[&str])], i: usize) -> BTreeMap<(String, String), f64> {
    let count = match i % 4 {
        0 => 0,
        1 => 1,
        2 => 2,
        _ => 3,
    };
    let all: Vec<(&str, &str)> =
        attributes.iter().flat_map(|(name, values)| values.iter().map(move |value| (*name, *value))).collect();
    if all.is_empty() {
        return BTreeMap::new();
    }
    (0..count)
        .map(|k| {
            let (name, value) = all[(i + k * 2) % all.len()];
            ((name.to_owned(), value.to_owned()), LEVELS[(i + k) % LEVELS.len()])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn populated(n: usize) -> Store {
        let mut store = Store::new(Seed::new(), None);
        populate(&mut store, Seed::INSTANCE_1, n);
        store
    }

    fn users(store: &Store) -> Vec<&User> {
        store.instances[Seed::INSTANCE_1].users.values().collect()
    }

    #[test]
    fn the_same_n_gives_the_same_users_and_a_smaller_n_a_prefix() {
        let (a, b) = (populated(300), populated(300));
        assert_eq!(users(&a), users(&b));
        let small = populated(40);
        let big: BTreeMap<_, _> = users(&a).into_iter().map(|u| (u.id.clone(), u)).collect();
        for user in users(&small) {
            assert_eq!(big.get(&user.id), Some(&user));
        }
    }

    #[test]
    fn usernames_are_unique_valid_and_short_enough_for_connect_managed() {
        let store = populated(2000);
        let names: BTreeSet<&str> = users(&store).iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names.len(), 2000);
        for name in names {
            assert!((1..=20).contains(&name.len()), "{name}");
            assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.@-".contains(&b)), "{name}");
        }
    }

    #[test]
    fn every_shape_occurs_in_a_hundred_users() {
        let store = populated(100);
        let all = users(&store);
        let any = |what: &str, f: &dyn Fn(&User) -> bool| assert!(all.iter().any(|u| f(u)), "no user with {what}");
        any("a desk phone", &|u| u.channels.phone_number[&Channel::Voice].phone_type == PhoneType::DeskPhone);
        any("CHAT entries", &|u| u.channels.auto_accept.contains_key(&Channel::Chat));
        any("agent-first callback", &|u| u.channels.auto_accept[&Channel::Voice].agent_first_callback.is_some());
        any("voice enhancement", &|u| !u.channels.voice_enhancement.is_empty());
        any("a hierarchy group", &|u| u.hierarchy_group_id.is_some());
        any("no hierarchy group", &|u| u.hierarchy_group_id.is_none());
        any("three security profiles", &|u| u.security_profile_ids.len() == 3);
        any("three proficiencies", &|u| u.proficiencies.len() == 3);
        any("no proficiency", &|u| u.proficiencies.is_empty());
        any("aws: tags", &|u| u.tags.keys().any(|k| k.starts_with("aws:")));
        any("no tag", &|u| u.tags.is_empty());
        any("a mobile", &|u| u.identity_info.as_ref().is_some_and(|i| i.mobile.is_some()));
        any("no e-mail", &|u| u.identity_info.as_ref().is_some_and(|i| i.email.is_none()));
        any("an e-mail username", &|u| u.username.contains('@'));
        any("a name outside ASCII", &|u| {
            u.identity_info.as_ref().is_some_and(|i| !i.first_name.iter().all(|n| n.is_ascii()))
        });
        assert_eq!(username(51), username(50).replace('.', "_"));
        assert_ne!(username(51), username(50));
    }

    #[test]
    fn awkward_users_are_valid_for_connect_and_never_the_populations() {
        let mut store = populated(1000);
        populate_awkward(&mut store, Seed::INSTANCE_1);
        let all = users(&store);
        assert_eq!(all.len(), 1000 + AWKWARD.len());
        let names: BTreeSet<&str> = all.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names.len(), all.len(), "usernames stay unique");
        for (username, ..) in AWKWARD {
            assert!(username.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.@-".contains(&b)), "{username}");
        }
    }

    #[test]
    fn ids_are_uuid_shaped_and_resolve() {
        let store = populated(3);
        for user in users(&store) {
            assert_eq!(user.id.len(), 36, "{}", user.id);
            assert_eq!(store.locate_user(&user.arn), Some((Seed::INSTANCE_1.to_owned(), user.id.clone())));
        }
    }
}
