//! The owner tag: which stack and logical resource owns a user, so a repeated Create adopts its own
//! user and never a stranger's, and a user handed over to another resource is neither changed nor
//! deleted by the one that held it before. The key is [`OWNER_TAG_KEY`].

use super::model::{OWNER_TAG_KEY, Tags};

/// Connect's limit on a tag value.
const MAX_TAG_VALUE: usize = 256;

/// The owner tag's value for a stack and logical resource: `<stack GUID>/<LogicalResourceId>`,
/// with the logical id replaced by a stable hash when the value would pass 256 characters.
pub fn owner_tag_value(stack_id: &str, logical_resource_id: &str) -> String {
    // The stack id is `arn:…:stack/<name>/<guid>`; the GUID survives stack renames in the console.
    let guid = stack_id.rsplit('/').next().filter(|g| !g.is_empty()).unwrap_or(stack_id);
    let value = format!("{guid}/{logical_resource_id}");
    if value.chars().count() <= MAX_TAG_VALUE {
        return value;
    }
    let guid: String = guid.chars().take(MAX_TAG_VALUE - 18).collect();
    format!("{guid}/{:016x}", fnv1a(format!("{stack_id}\n{logical_resource_id}").as_bytes()))
}

/// The owner tag's value when it names another stack or logical resource than `owner_tag_value`; `None` when
/// `tags` hold this resource's value or no owner tag at all.
pub fn foreign_owner<'a>(tags: &'a Tags, owner_tag_value: &str) -> Option<&'a str> {
    tags.get(OWNER_TAG_KEY).map(String::as_str).filter(|held| *held != owner_tag_value)
}

/// The AWS CLI command that removes the owner tag from a user. That is how a user is handed over: with no owner
/// tag, a resource with `AdoptExisting` may take it, and the resource that held it takes it back on its next Update.
pub fn hand_over_command(user_arn: &str) -> String {
    format!("aws connect untag-resource --resource-arn {user_arn} --tag-keys {OWNER_TAG_KEY}")
}

/// FNV-1a: a hash that is the same on every Rust version, so the tag stays stable across upgrades.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STACK: &str =
        "arn:aws:cloudformation:us-east-1:123456789012:stack/contact-centre/6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f";

    #[test]
    fn value_is_stack_guid_and_logical_id() {
        assert_eq!(owner_tag_value(STACK, "AgentJohn"), "6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f/AgentJohn");
    }

    #[test]
    fn long_values_are_hashed_stably_and_fit() {
        let long = "L".repeat(255);
        let value = owner_tag_value(STACK, &long);
        assert!(value.chars().count() <= MAX_TAG_VALUE);
        assert_eq!(value, owner_tag_value(STACK, &long));
        assert_ne!(value, owner_tag_value(STACK, &"M".repeat(255)));
        assert!(value.starts_with("6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f/"));
    }

    #[test]
    fn the_value_fits_whatever_the_stack_id() {
        // Without a `/`, the whole stack id stands in for the GUID.
        for stack in
            ["x".repeat(300), format!("arn:aws:cloudformation:us-east-1:123456789012:stack/s/{}", "g".repeat(300))]
        {
            let value = owner_tag_value(&stack, "AgentJohn");
            assert!(value.chars().count() <= MAX_TAG_VALUE, "{value}");
            assert_ne!(value, owner_tag_value(&stack, "AgentJane"));
        }
    }

    #[test]
    fn only_another_resources_value_is_foreign() {
        let tagged = |v: &str| Tags::from([(OWNER_TAG_KEY.to_owned(), v.to_owned()), ("team".into(), "a".into())]);
        assert_eq!(foreign_owner(&tagged("guid/Other"), "guid/Mine"), Some("guid/Other"));
        assert_eq!(foreign_owner(&tagged("guid/Mine"), "guid/Mine"), None);
        assert_eq!(foreign_owner(&Tags::from([("team".into(), "a".into())]), "guid/Mine"), None);
    }

    #[test]
    fn the_hand_over_command_removes_the_owner_tag() {
        assert_eq!(
            hand_over_command("arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1"),
            "aws connect untag-resource --resource-arn arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1 \
             --tag-keys connect-user-resource:owner"
        );
    }

    #[test]
    fn different_resources_have_different_owners() {
        assert_ne!(owner_tag_value(STACK, "A"), owner_tag_value(STACK, "B"));
        assert_ne!(owner_tag_value(STACK, "A"), owner_tag_value("arn:…:stack/other/1234", "A"));
    }
}
