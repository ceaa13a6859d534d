//! The secrets themselves: names, ARNs, versions with their staging labels, and the lookup by name, full ARN
//! or partial ARN that `GetSecretValue` does.

use std::collections::BTreeMap;

/// What a version holds: Secrets Manager stores either a string or bytes, never both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// `SecretString`.
    String(String),
    /// `SecretBinary` (base64 on the wire).
    Binary(Vec<u8>),
}

/// One version of a secret.
#[derive(Debug, Clone)]
pub(super) struct Version {
    pub id: String,
    pub value: SecretValue,
    pub stages: Vec<String>,
    /// Seconds since the epoch.
    pub created: f64,
}

/// One secret, with every version it has had.
#[derive(Debug, Clone)]
pub(super) struct StoredSecret {
    pub arn: String,
    pub name: String,
    pub region: String,
    pub versions: Vec<Version>,
}

/// Staging label of the version `GetSecretValue` returns when the request names none.
pub const CURRENT: &str = "AWSCURRENT";
/// Staging label that moves to the version `AWSCURRENT` leaves.
pub const PREVIOUS: &str = "AWSPREVIOUS";

impl StoredSecret {
    /// The version carrying `stage`, or the one with `version_id`; by default `AWSCURRENT`.
    pub fn version(&self, version_id: Option<&str>, stage: Option<&str>) -> Option<&Version> {
        // A version id alone needs no label; otherwise the label (by default AWSCURRENT) must be on the version.
        let stage = match (version_id, stage) {
            (Some(_), None) => None,
            (_, stage) => Some(stage.unwrap_or(CURRENT)),
        };
        self.versions.iter().find(|v| {
            version_id.is_none_or(|id| v.id == id) && stage.is_none_or(|label| v.stages.iter().any(|s| s == label))
        })
    }
}

/// Every secret, by ARN.
#[derive(Debug, Default)]
pub(super) struct Store {
    pub secrets: BTreeMap<String, StoredSecret>,
    next_version: u64,
}

/// Secrets Manager appends six random characters to a secret's name in its ARN; here they are derived from the
/// name and region, so the seed's ARNs are constants tests can write down.
pub(super) fn arn_suffix(region: &str, name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // FNV-1a: stable across runs and platforms, unlike the standard library's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in region.bytes().chain([b':']).chain(name.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| {
            let index = (hash >> (i * 10)) as usize % ALPHABET.len();
            char::from(ALPHABET[index])
        })
        .collect()
}

impl Store {
    /// Creates the secret, or adds a version to it that becomes `AWSCURRENT` (the old current one becomes
    /// `AWSPREVIOUS`). Returns the secret's ARN.
    pub fn put(&mut self, account: &str, region: &str, name: &str, value: SecretValue, created: f64) -> String {
        let arn = format!("arn:aws:secretsmanager:{region}:{account}:secret:{name}-{}", arn_suffix(region, name));
        self.next_version += 1;
        let id = format!("a0000000-0000-4000-8000-{:012}", self.next_version);
        let secret = self.secrets.entry(arn.clone()).or_insert_with(|| StoredSecret {
            arn: arn.clone(),
            name: name.to_owned(),
            region: region.to_owned(),
            versions: Vec::new(),
        });
        for version in &mut secret.versions {
            version.stages.retain(|s| s != PREVIOUS);
            for stage in &mut version.stages {
                if stage == CURRENT {
                    PREVIOUS.clone_into(stage);
                }
            }
        }
        secret.versions.push(Version { id, value, stages: vec![CURRENT.to_owned()], created });
        arn
    }

    /// The secret that `secret_id` names in `region`: a full ARN, a partial ARN (without the six-character
    /// suffix), or a name. A name or ARN of another region finds nothing, as in Secrets Manager.
    pub fn find(&self, secret_id: &str, region: &str) -> Option<&StoredSecret> {
        self.secrets.values().find(|s| s.region == region && Self::names(s, secret_id))
    }

    /// The secret whatever the region (for the test handle).
    pub fn find_anywhere(&self, secret_id: &str) -> Option<&StoredSecret> {
        self.secrets.values().find(|s| Self::names(s, secret_id))
    }

    fn names(secret: &StoredSecret, secret_id: &str) -> bool {
        if secret_id.starts_with("arn:") {
            secret.arn == secret_id || secret.arn.len() == secret_id.len() + 7 && secret.arn.starts_with(secret_id)
        } else {
            secret.name == secret_id
        }
    }

    /// Removes the secret (by any of its identifiers); whether it existed.
    pub fn remove(&mut self, secret_id: &str) -> bool {
        let Some(arn) = self.find_anywhere(secret_id).map(|s| s.arn.clone()) else { return false };
        self.secrets.remove(&arn).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_move_their_labels() {
        let mut store = Store::default();
        let arn = store.put("123456789012", "us-east-1", "app/pw", SecretValue::String("one".into()), 1.0);
        store.put("123456789012", "us-east-1", "app/pw", SecretValue::String("two".into()), 2.0);
        store.put("123456789012", "us-east-1", "app/pw", SecretValue::String("three".into()), 3.0);
        let secret = store.find(&arn, "us-east-1").expect("found by ARN");
        assert_eq!(secret.version(None, None).map(|v| &v.value), Some(&SecretValue::String("three".into())));
        assert_eq!(secret.version(None, Some(PREVIOUS)).map(|v| &v.value), Some(&SecretValue::String("two".into())));
        let first = &secret.versions[0];
        assert!(first.stages.is_empty());
        assert_eq!(secret.version(Some(&first.id), None).map(|v| &v.value), Some(&SecretValue::String("one".into())));
        assert!(secret.version(Some(&first.id), Some(CURRENT)).is_none());
    }

    #[test]
    fn finds_by_name_full_or_partial_arn_in_its_region_only() {
        let mut store = Store::default();
        let arn = store.put("123456789012", "us-east-1", "app/pw", SecretValue::String("x".into()), 1.0);
        assert!(arn.starts_with("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/pw-"));
        assert_eq!(arn.len(), "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/pw-".len() + 6);
        assert!(store.find("app/pw", "us-east-1").is_some());
        assert!(store.find(&arn, "us-east-1").is_some());
        assert!(store.find("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/pw", "us-east-1").is_some());
        assert!(store.find("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/p", "us-east-1").is_none());
        assert!(store.find(&arn, "eu-west-2").is_none());
        assert_eq!(arn_suffix("us-east-1", "app/pw"), arn_suffix("us-east-1", "app/pw"));
    }
}
