//! The owner tag: which stack and logical resource owns a user, and how it came to (docs/real-connect.md §2).
//! One reserved key ([`OWNER_TAG_KEY`]), two values for one resource:
//!
//! | form | written by | means |
//! |---|---|---|
//! | plain, `<stack GUID>/<LogicalResourceId>` | `CreateUser`, atomically, in its own `Tags` | made by this resource |
//! | take-over, the plain form + `/adopted` | every `TagResource` of the owner tag | taken over by this resource |
//!
//! Both name the resource (ownership checks accept either); only the plain form says the resource made the user,
//! so that no delivery of a request ever answers for — or deletes — a user that existed before the stack took it
//! over. A user with another value is another resource's: never changed, taken or deleted by this one.

use super::model::{OWNER_TAG_KEY, Tags};

/// Connect's limit on a tag value.
const MAX_TAG_VALUE: usize = 256;

/// What the take-over form adds to the plain form.
pub const ADOPTED_SUFFIX: &str = "/adopted";

/// This resource's owner tag: its plain and take-over values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerTag {
    plain: String,
    adopted: String,
}

/// What a user's owner tag says of it, from one resource's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance<'a> {
    /// No owner tag: no stack manages the user.
    Untagged,
    /// This resource's plain form: this resource's `CreateUser` made it.
    Made,
    /// This resource's take-over form: it existed before, and this resource took it over.
    TakenOver,
    /// Another stack's or logical resource's value (either form).
    Another(&'a str),
}

impl OwnerTag {
    /// The owner tag of the resource `logical_resource_id` of the stack `stack_id`: `<stack GUID>/<LogicalResourceId>`
    /// (and that followed by [`ADOPTED_SUFFIX`]), the logical id replaced by a stable hash where a value would pass
    /// Connect's 256 characters. Deterministic: every delivery of every request of the resource computes the same.
    pub fn new(stack_id: &str, logical_resource_id: &str) -> Self {
        let plain = value(stack_id, logical_resource_id, MAX_TAG_VALUE);
        let adopted =
            format!("{}{ADOPTED_SUFFIX}", value(stack_id, logical_resource_id, MAX_TAG_VALUE - ADOPTED_SUFFIX.len()));
        Self { plain, adopted }
    }

    /// The plain form, which only `CreateUser` writes.
    pub fn plain(&self) -> &str {
        &self.plain
    }

    /// The take-over form, which every `TagResource` of the owner tag writes.
    pub fn adopted(&self) -> &str {
        &self.adopted
    }

    /// Whether `value` is one of this resource's two forms.
    pub fn names(&self, value: &str) -> bool {
        value == self.plain || value == self.adopted
    }

    /// What `tags` say of the user that carries them.
    pub fn provenance<'a>(&self, tags: &'a Tags) -> Provenance<'a> {
        match tags.get(OWNER_TAG_KEY).map(String::as_str) {
            None => Provenance::Untagged,
            Some(held) if held == self.plain => Provenance::Made,
            Some(held) if held == self.adopted => Provenance::TakenOver,
            Some(held) => Provenance::Another(held),
        }
    }

    /// The owner tag's value when it names another stack or logical resource; `None` when `tags` hold either of
    /// this resource's forms or no owner tag at all.
    pub fn foreign<'a>(&self, tags: &'a Tags) -> Option<&'a str> {
        match self.provenance(tags) {
            Provenance::Another(held) => Some(held),
            _ => None,
        }
    }
}

/// What an owner tag's value says, read without knowing which resource is asking: the stack (by its GUID) and logical
/// resource it names, and whether that resource made the user or took it over. A value hashed for length names the
/// hash where the logical id would stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held<'a> {
    /// The stack's GUID (the last part of its id).
    pub stack_guid: &'a str,
    /// The logical resource id (or its hash).
    pub logical_id: &'a str,
    /// The take-over form: the resource took over a user that existed before it.
    pub taken_over: bool,
}

impl<'a> Held<'a> {
    /// Reads `value`; `None` for a value of no form this project writes.
    pub fn read(value: &'a str) -> Option<Self> {
        let (rest, taken_over) = match value.strip_suffix(ADOPTED_SUFFIX) {
            Some(rest) => (rest, true),
            None => (value, false),
        };
        let (stack_guid, logical_id) = rest.split_once('/')?;
        let valid =
            !stack_guid.is_empty() && !logical_id.is_empty() && logical_id.chars().all(|c| c.is_ascii_alphanumeric());
        valid.then_some(Self { stack_guid, logical_id, taken_over })
    }
}

impl std::fmt::Display for Held<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = if self.taken_over { "taken over by" } else { "made by" };
        write!(f, "{how} the resource {} of the stack whose id ends in {}", self.logical_id, self.stack_guid)
    }
}

/// `<stack GUID>/<LogicalResourceId>` in at most `max` characters.
fn value(stack_id: &str, logical_resource_id: &str, max: usize) -> String {
    // The stack id is `arn:…:stack/<name>/<guid>`; the GUID survives stack renames in the console.
    let guid = stack_id.rsplit('/').next().filter(|g| !g.is_empty()).unwrap_or(stack_id);
    let value = format!("{guid}/{logical_resource_id}");
    if value.chars().count() <= max {
        return value;
    }
    let guid: String = guid.chars().take(max - 18).collect();
    format!("{guid}/{:016x}", fnv1a(format!("{stack_id}\n{logical_resource_id}").as_bytes()))
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

    fn tagged(value: &str) -> Tags {
        Tags::from([(OWNER_TAG_KEY.to_owned(), value.to_owned()), ("team".into(), "a".into())])
    }

    #[test]
    fn the_plain_form_is_stack_guid_and_logical_id_and_the_take_over_form_adds_adopted() {
        let owner = OwnerTag::new(STACK, "AgentJohn");
        assert_eq!(owner.plain(), "6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f/AgentJohn");
        assert_eq!(owner.adopted(), "6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f/AgentJohn/adopted");
    }

    #[test]
    fn long_values_are_hashed_stably_and_both_forms_fit() {
        for length in [200, 238, 239, 240, 255] {
            let long = "L".repeat(length);
            let owner = OwnerTag::new(STACK, &long);
            assert!(owner.plain().chars().count() <= MAX_TAG_VALUE, "{length}");
            assert!(owner.adopted().chars().count() <= MAX_TAG_VALUE, "{length}");
            assert!(owner.adopted().ends_with(ADOPTED_SUFFIX));
            assert_ne!(owner.plain(), owner.adopted());
            assert_eq!(owner, OwnerTag::new(STACK, &long));
            assert_ne!(owner, OwnerTag::new(STACK, &"M".repeat(length)));
            assert!(owner.plain().starts_with("6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f/"));
        }
        // 256 characters in all fit the plain form as it is; the take-over form is hashed then.
        let exact = "L".repeat(MAX_TAG_VALUE - 37);
        let owner = OwnerTag::new(STACK, &exact);
        assert_eq!(owner.plain(), format!("6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f/{exact}"));
        assert_eq!(owner.adopted().chars().count(), 37 + 16 + ADOPTED_SUFFIX.len());
    }

    #[test]
    fn the_values_fit_whatever_the_stack_id() {
        // Without a `/`, the whole stack id stands in for the GUID.
        for stack in
            ["x".repeat(300), format!("arn:aws:cloudformation:us-east-1:123456789012:stack/s/{}", "g".repeat(300))]
        {
            let owner = OwnerTag::new(&stack, "AgentJohn");
            assert!(owner.plain().chars().count() <= MAX_TAG_VALUE, "{}", owner.plain());
            assert!(owner.adopted().chars().count() <= MAX_TAG_VALUE, "{}", owner.adopted());
            assert_ne!(owner, OwnerTag::new(&stack, "AgentJane"));
        }
    }

    #[test]
    fn each_form_tells_how_the_resource_came_to_own_the_user() {
        let owner = OwnerTag::new(STACK, "Mine");
        let other = OwnerTag::new(STACK, "Other");
        assert_eq!(owner.provenance(&tagged(owner.plain())), Provenance::Made);
        assert_eq!(owner.provenance(&tagged(owner.adopted())), Provenance::TakenOver);
        assert_eq!(owner.provenance(&Tags::from([("team".into(), "a".into())])), Provenance::Untagged);
        assert_eq!(owner.provenance(&tagged(other.plain())), Provenance::Another(other.plain()));
        assert_eq!(owner.provenance(&tagged(other.adopted())), Provenance::Another(other.adopted()));
        // Only the exact values count: a prefix or a near miss is another resource's.
        let near = format!("{}/", owner.plain());
        assert_eq!(owner.provenance(&tagged(&near)), Provenance::Another(near.as_str()));
    }

    #[test]
    fn both_forms_are_this_resources_and_any_other_value_is_foreign() {
        let owner = OwnerTag::new(STACK, "Mine");
        assert!(owner.names(owner.plain()) && owner.names(owner.adopted()));
        assert!(!owner.names("guid/Mine") && !owner.names(""));
        assert_eq!(owner.foreign(&tagged("guid/Other")), Some("guid/Other"));
        assert_eq!(owner.foreign(&tagged(owner.plain())), None);
        assert_eq!(owner.foreign(&tagged(owner.adopted())), None);
        assert_eq!(owner.foreign(&Tags::from([("team".into(), "a".into())])), None);
    }

    #[test]
    fn a_value_of_either_form_tells_its_stack_resource_and_how() {
        let owner = OwnerTag::new(STACK, "AgentJohn");
        let read = |value| Held::read(value).unwrap_or_else(|| panic!("{value:?} not read"));
        let made = read(owner.plain());
        assert_eq!(
            (made.stack_guid, made.logical_id, made.taken_over),
            ("6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f", "AgentJohn", false)
        );
        let taken = read(owner.adopted());
        assert_eq!((taken.logical_id, taken.taken_over), ("AgentJohn", true));
        assert_eq!(
            taken.to_string(),
            "taken over by the resource AgentJohn of the stack whose id ends in 6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f"
        );
        assert!(made.to_string().starts_with("made by the resource AgentJohn"));
        for other in ["", "guid", "/Agent", "guid/", "guid/a/b", "guid/a b", "guid//adopted"] {
            assert_eq!(Held::read(other), None, "{other:?}");
        }
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
        assert_ne!(OwnerTag::new(STACK, "A"), OwnerTag::new(STACK, "B"));
        assert_ne!(OwnerTag::new(STACK, "A"), OwnerTag::new("arn:…:stack/other/1234", "A"));
    }
}
