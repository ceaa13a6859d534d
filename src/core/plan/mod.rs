//! The update plan: (desired template, old template, live user) → what to do, as data.
//!
//! Pure: no I/O, no clock. The edge executes the calls in the order given.

use std::collections::{BTreeMap, BTreeSet};

use super::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn};
use super::model::{
    AfterContactWorkConfig, AfterContactWorkPerChannel, AutoAcceptConfig, Channel, ChannelConfigs, IdentityInfo,
    LiveUser, OWNER_TAG_KEY, OldTemplate, PhoneConfig, PhoneNumberConfig, Proficiencies, ProficiencyKey, Tags,
    UserSpec,
};
use super::owner::{OwnerTag, hand_over_command};
use super::secret::Secret;

/// Everything `CreateUser` is sent, already shaped so Connect accepts it
/// (PhoneConfig and per-channel lists never conflict, tags include the owner tag).
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    /// The instance to create the user in (`InstanceId`).
    pub instance: InstanceArn,
    /// `Username`.
    pub username: String,
    /// `Password`; `None` = not sent.
    pub password: Option<Secret>,
    /// `IdentityInfo`; `None` = not sent.
    pub identity_info: Option<IdentityInfo>,
    /// `PhoneConfig`; `None` when the template does not set it or it was folded into `channels`.
    pub phone_config: Option<PhoneConfig>,
    /// The per-channel lists (`AutoAcceptConfigs` and the rest), VOICE entries folded in from `PhoneConfig`.
    pub channels: ChannelConfigs,
    /// `DirectoryUserId`; `None` = not sent.
    pub directory_user_id: Option<String>,
    /// `HierarchyGroupId`, as an ARN; `None` = not sent.
    pub hierarchy_group: Option<ResourceArn>,
    /// `SecurityProfileIds`, as ARNs.
    pub security_profiles: Vec<ResourceArn>,
    /// `RoutingProfileId`, as an ARN.
    pub routing_profile: ResourceArn,
    /// Sent only when non-empty.
    pub tags: Tags,
}

/// One Connect write call on an existing user.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// `UpdateUserIdentityInfo`, with the whole object it replaces the live one with.
    UpdateIdentityInfo(IdentityInfo),
    /// `UpdateUserConfig`: only the lists that differ are `Some`, each holding only the channels that differ. The
    /// template's `PhoneConfig` travels here as VOICE entries: there is no `UpdateUserPhoneConfig`, which would
    /// overwrite the after-contact-work limit of every channel (docs/real-connect.md §3).
    UpdateUserConfig(ChannelConfigs),
    /// `UpdateUserRoutingProfile`, to this routing profile.
    UpdateRoutingProfile(ResourceArn),
    /// `None` removes the user from its hierarchy group.
    UpdateHierarchy(Option<ResourceArn>),
    /// `UpdateUserSecurityProfiles`, with the whole set of security profiles.
    UpdateSecurityProfiles(Vec<ResourceArn>),
    /// `DisassociateUserProficiencies`, of these keys.
    DisassociateProficiencies(Vec<ProficiencyKey>),
    /// `UpdateUserProficiencies`: new levels for keys the user already has.
    UpdateProficiencies(Proficiencies),
    /// `AssociateUserProficiencies`: keys the user does not have yet, with their levels.
    AssociateProficiencies(Proficiencies),
    /// `UntagResource`, of these tag keys.
    Untag(Vec<String>),
    /// `TagResource`: tags to add or overwrite.
    Tag(Tags),
    /// `AssociateTrafficDistributionGroupUser`, in the group's home region: the user joins the group.
    JoinTrafficDistributionGroup(TrafficDistributionGroupArn),
    /// `DisassociateTrafficDistributionGroupUser`, in the group's home region: the user leaves the group.
    LeaveTrafficDistributionGroup(TrafficDistributionGroupArn),
}

impl Call {
    /// The Connect operation name, as it appears in reasons and logs.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::UpdateIdentityInfo(_) => "UpdateUserIdentityInfo",
            Self::UpdateUserConfig(_) => "UpdateUserConfig",
            Self::UpdateRoutingProfile(_) => "UpdateUserRoutingProfile",
            Self::UpdateHierarchy(_) => "UpdateUserHierarchy",
            Self::UpdateSecurityProfiles(_) => "UpdateUserSecurityProfiles",
            Self::DisassociateProficiencies(_) => "DisassociateUserProficiencies",
            Self::UpdateProficiencies(_) => "UpdateUserProficiencies",
            Self::AssociateProficiencies(_) => "AssociateUserProficiencies",
            Self::Untag(_) => "UntagResource",
            Self::Tag(_) => "TagResource",
            Self::JoinTrafficDistributionGroup(_) => "AssociateTrafficDistributionGroupUser",
            Self::LeaveTrafficDistributionGroup(_) => "DisassociateTrafficDistributionGroupUser",
        }
    }
}

/// How the template compares with a live user that the resource may change: what an Update (or a take-over)
/// must do with it.
#[derive(Debug, Clone, PartialEq)]
pub enum Diff {
    /// The template names another instance or username: create a new user instead.
    Replace,
    /// The template asks for a change Connect cannot make in place; the reason says what to do.
    Refuse(String),
    /// Bring the user to the template with these calls, in order (empty when it already matches).
    Reconcile(Vec<Call>),
}

/// The `CreateUser` request for a template, with the owner tag's plain form added (it overrides a template tag of
/// the same key): `CreateUser` is the one call that writes the form meaning "made by this resource".
///
/// `aws-sdk-connect` always serializes a `PhoneType` when a `PhoneConfig` is sent (`SOFT_PHONE` unless told
/// otherwise), and Connect rejects a request that sets a `PhoneConfig` field together with its per-channel
/// counterpart. So when the template sets both `PhoneConfig` and `PhoneNumberConfigs`, no `PhoneConfig` is sent:
/// its remaining fields become the VOICE entries of the per-channel lists (`AutoAccept` → `AutoAcceptConfigs`,
/// `AfterContactWorkTimeLimit` → `AfterContactWorkConfigs`, `PersistentConnection` →
/// `PersistentConnectionConfigs`), which Connect treats as the same settings. Validation guarantees a field and its
/// counterpart list are never both set, so folding never overrides a template entry. Otherwise the template passes
/// through unchanged.
pub fn new_user(spec: &UserSpec, owner: &OwnerTag) -> NewUser {
    let mut channels = spec.channels.clone();
    let phone_config = match &spec.phone_config {
        Some(pc) if channels.phone_number.is_some() => {
            fold_into_voice(pc, &mut channels);
            None
        }
        other => other.clone(),
    };
    let mut tags = spec.tags.clone().unwrap_or_default();
    tags.insert(OWNER_TAG_KEY.to_owned(), owner.plain().to_owned());
    NewUser {
        instance: spec.instance.clone(),
        username: spec.username.clone(),
        password: spec.password.clone(),
        identity_info: spec.identity_info.clone(),
        phone_config,
        channels,
        directory_user_id: spec.directory_user_id.clone(),
        hierarchy_group: spec.hierarchy_group.clone(),
        security_profiles: spec.security_profiles.clone(),
        routing_profile: spec.routing_profile.clone(),
        tags,
    }
}

/// Moves the `PhoneConfig` fields that have a per-channel counterpart into the VOICE entries of those lists.
fn fold_into_voice(pc: &PhoneConfig, channels: &mut ChannelConfigs) {
    if let Some(auto_accept) = pc.auto_accept {
        channels
            .auto_accept
            .get_or_insert_with(BTreeMap::new)
            .entry(Channel::Voice)
            .or_insert(AutoAcceptConfig { auto_accept, agent_first_callback_auto_accept: None });
    }
    if let Some(limit) = pc.after_contact_work_time_limit {
        channels.after_contact_work.get_or_insert_with(BTreeMap::new).entry(Channel::Voice).or_insert(
            AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(limit) },
                agent_first_callback: None,
            },
        );
    }
    if let Some(persistent) = pc.persistent_connection {
        channels.persistent_connection.get_or_insert_with(BTreeMap::new).entry(Channel::Voice).or_insert(persistent);
    }
}

/// Calls that follow `CreateUser`: the proficiencies, then the traffic distribution groups.
pub fn after_create(spec: &UserSpec) -> Vec<Call> {
    let mut calls = Vec::new();
    if let Some(p) = spec.proficiencies.as_ref().filter(|p| !p.is_empty()) {
        calls.push(Call::AssociateProficiencies(p.clone()));
    }
    for group in spec.traffic_distribution_groups.iter().flatten() {
        calls.push(Call::JoinTrafficDistributionGroup(group.clone()));
    }
    calls
}

/// Compares the template with the live user (docs/connect-user.md §4).
///
/// A user whose owner tag names another stack or logical resource → `Refuse`, before anything else: it was handed
/// over, and no write (a replacement's `CreateUser` included) may follow from a resource that no longer owns it.
/// Another instance or username → `Replace`; a `DirectoryUserId` the template sets and Connect holds otherwise →
/// `Refuse`; else the calls that bring the user to the template, in the spec's order, only for what differs.
/// `old` says what the previous template set, so that dropped tags, proficiencies and hierarchy group are removed
/// while what was added outside the stack survives. A user that carries neither form of `owner` gets its take-over
/// form (a take-over adds it; `TagResource` never writes the plain form, which says "made by this resource").
pub fn plan(desired: &UserSpec, old: &OldTemplate, live: &LiveUser, owner: &OwnerTag) -> Diff {
    if let Some(held) = owner.foreign(&live.tags) {
        return Diff::Refuse(format!(
            "the user {} was handed over to another stack or logical resource (its {OWNER_TAG_KEY} tag is {held:?}, \
             this resource's is {:?}), so this resource no longer changes it; remove the resource from \
             the template (its Delete leaves the user in place), or take the user back by removing that tag: {}",
            live.arn,
            owner.plain(),
            hand_over_command(live.arn.as_str())
        ));
    }
    if live.arn.instance().id() != desired.instance.id() || live.username != desired.username {
        return Diff::Replace;
    }
    if let Some(wanted) = &desired.directory_user_id
        && live.directory_user_id.as_ref() != Some(wanted)
    {
        let held = live.directory_user_id.as_ref().map_or_else(|| "none".to_owned(), |d| format!("{d:?}"));
        return Diff::Refuse(format!(
            "DirectoryUserId cannot be changed in place (Connect has {held}, the template asks for {wanted:?}); \
             change Username too to replace the user"
        ));
    }

    let mut calls = Vec::new();
    if let Some(wanted) = &desired.identity_info {
        let merged = live.identity_info.overlaid_with(wanted);
        if merged != live.identity_info {
            calls.push(Call::UpdateIdentityInfo(merged));
        }
    }
    let live_channels = with_voice_view(&live.channels, &live.phone_config);
    if let Some(lists) = channel_update(&desired_channels(desired, &live_channels), &live_channels) {
        calls.push(Call::UpdateUserConfig(lists));
    }
    if desired.routing_profile.id() != live.routing_profile.id() {
        calls.push(Call::UpdateRoutingProfile(desired.routing_profile.clone()));
    }
    match (&desired.hierarchy_group, &live.hierarchy_group) {
        (Some(wanted), held) if held.as_ref().map(ResourceArn::id) != Some(wanted.id()) => {
            calls.push(Call::UpdateHierarchy(Some(wanted.clone())));
        }
        (None, Some(_)) if old.hierarchy_group => calls.push(Call::UpdateHierarchy(None)),
        _ => {}
    }
    let ids = |arns: &[ResourceArn]| arns.iter().map(|a| a.id().to_owned()).collect::<BTreeSet<_>>();
    if ids(&desired.security_profiles) != ids(&live.security_profiles) {
        calls.push(Call::UpdateSecurityProfiles(desired.security_profiles.clone()));
    }
    proficiency_calls(desired, old, live, &mut calls);
    tag_calls(desired, old, live, owner, &mut calls);
    group_calls(desired, old, live, &mut calls);
    Diff::Reconcile(calls)
}

/// The template's per-channel lists with its `PhoneConfig` laid in as VOICE entries, which is how
/// `UpdateUserConfig` carries it (docs/connect-user.md §4.6).
///
/// Inside a `PhoneConfig`, absent `AutoAccept` counts as false and absent `AfterContactWorkTimeLimit` as 0: the
/// template says "voice as configured here", and Connect's own defaults are those. Absent `PhoneType`,
/// `DeskPhoneNumber` and `PersistentConnection` are not compared (a `DeskPhoneNumber` alone keeps the live phone
/// type, since a `PhoneNumberConfigs` entry must name one). A field whose per-channel list the template sets is
/// left to that list; validation guarantees they never both set the same thing.
fn desired_channels(desired: &UserSpec, live: &ChannelConfigs) -> ChannelConfigs {
    let mut channels = desired.channels.clone();
    let Some(pc) = &desired.phone_config else { return channels };
    if channels.auto_accept.is_none() {
        channels.auto_accept = voice(AutoAcceptConfig {
            auto_accept: pc.auto_accept.unwrap_or(false),
            agent_first_callback_auto_accept: None,
        });
    }
    if channels.after_contact_work.is_none() {
        channels.after_contact_work = voice(AfterContactWorkPerChannel {
            config: AfterContactWorkConfig { time_limit: Some(pc.after_contact_work_time_limit.unwrap_or(0)) },
            agent_first_callback: None,
        });
    }
    if channels.phone_number.is_none() && (pc.phone_type.is_some() || pc.desk_phone_number.is_some()) {
        let held = live.phone_number.as_ref().and_then(|l| l.get(&Channel::Voice)).map(|h| h.phone_type);
        channels.phone_number = voice(PhoneNumberConfig {
            phone_type: pc.phone_type.or(held).unwrap_or_default(),
            phone_number: pc.desk_phone_number.clone(),
        });
    }
    if channels.persistent_connection.is_none()
        && let Some(persistent) = pc.persistent_connection
    {
        channels.persistent_connection = voice(persistent);
    }
    channels
}

/// The live per-channel lists, with a VOICE entry that only `PhoneConfig` reports taken from it: Connect's
/// `PhoneConfig` is the VOICE channel's view of the same settings, and a missing entry must not look like a
/// difference.
fn with_voice_view(channels: &ChannelConfigs, pc: &PhoneConfig) -> ChannelConfigs {
    fn fill<T>(list: &mut Option<BTreeMap<Channel, T>>, entry: Option<T>) {
        if let Some(entry) = entry {
            list.get_or_insert_with(BTreeMap::new).entry(Channel::Voice).or_insert(entry);
        }
    }
    let mut channels = channels.clone();
    let auto_accept =
        pc.auto_accept.map(|auto_accept| AutoAcceptConfig { auto_accept, agent_first_callback_auto_accept: None });
    fill(&mut channels.auto_accept, auto_accept);
    let acw = pc.after_contact_work_time_limit.map(|limit| AfterContactWorkPerChannel {
        config: AfterContactWorkConfig { time_limit: Some(limit) },
        agent_first_callback: None,
    });
    fill(&mut channels.after_contact_work, acw);
    let number =
        pc.phone_type.map(|phone_type| PhoneNumberConfig { phone_type, phone_number: pc.desk_phone_number.clone() });
    fill(&mut channels.phone_number, number);
    fill(&mut channels.persistent_connection, pc.persistent_connection);
    channels
}

fn voice<T>(entry: T) -> Option<BTreeMap<Channel, T>> {
    Some(BTreeMap::from([(Channel::Voice, entry)]))
}

/// How one per-channel list's entries compare and how a template entry borrows what it leaves unset.
trait ChannelEntry: Clone + PartialEq {
    /// `self` (the template's entry) with its unset optional sub-fields taken from `live`.
    fn filled_from(&self, live: &Self) -> Self;
}

impl ChannelEntry for AutoAcceptConfig {
    fn filled_from(&self, live: &Self) -> Self {
        Self {
            auto_accept: self.auto_accept,
            agent_first_callback_auto_accept: self
                .agent_first_callback_auto_accept
                .or(live.agent_first_callback_auto_accept),
        }
    }
}

impl ChannelEntry for AfterContactWorkPerChannel {
    fn filled_from(&self, live: &Self) -> Self {
        let fill = |own: AfterContactWorkConfig, held: Option<AfterContactWorkConfig>| AfterContactWorkConfig {
            time_limit: own.time_limit.or(held.and_then(|h| h.time_limit)),
        };
        Self {
            config: fill(self.config, Some(live.config)),
            agent_first_callback: match self.agent_first_callback {
                Some(own) => Some(fill(own, live.agent_first_callback)),
                None => live.agent_first_callback,
            },
        }
    }
}

impl ChannelEntry for PhoneNumberConfig {
    fn filled_from(&self, live: &Self) -> Self {
        Self {
            phone_type: self.phone_type,
            phone_number: self.phone_number.clone().or_else(|| live.phone_number.clone()),
        }
    }
}

impl ChannelEntry for bool {
    fn filled_from(&self, _live: &Self) -> Self {
        *self
    }
}

impl ChannelEntry for super::model::VoiceEnhancementMode {
    fn filled_from(&self, _live: &Self) -> Self {
        *self
    }
}

/// The template's entries of the channels that differ in a field the template sets (a channel live lacks
/// differs), each with its unset sub-fields filled from live; `None` when the template does not set the list or
/// it already matches. Channels that match are not sent: `UpdateUserConfig` replaces only the channels it names.
///
/// Filling first and comparing after is the same as comparing only the fields the template sets.
fn list_update<T: ChannelEntry>(
    wanted: Option<&BTreeMap<Channel, T>>,
    live: Option<&BTreeMap<Channel, T>>,
) -> Option<BTreeMap<Channel, T>> {
    let differing: BTreeMap<Channel, T> = wanted?
        .iter()
        .filter_map(|(channel, entry)| {
            let held = live.and_then(|l| l.get(channel));
            let sent = held.map_or_else(|| entry.clone(), |h| entry.filled_from(h));
            (held != Some(&sent)).then_some((*channel, sent))
        })
        .collect();
    (!differing.is_empty()).then_some(differing)
}

fn channel_update(wanted: &ChannelConfigs, live: &ChannelConfigs) -> Option<ChannelConfigs> {
    let update = ChannelConfigs {
        auto_accept: list_update(wanted.auto_accept.as_ref(), live.auto_accept.as_ref()),
        after_contact_work: list_update(wanted.after_contact_work.as_ref(), live.after_contact_work.as_ref()),
        phone_number: list_update(wanted.phone_number.as_ref(), live.phone_number.as_ref()),
        persistent_connection: list_update(wanted.persistent_connection.as_ref(), live.persistent_connection.as_ref()),
        voice_enhancement: list_update(wanted.voice_enhancement.as_ref(), live.voice_enhancement.as_ref()),
    };
    (!update.is_empty()).then_some(update)
}

fn proficiency_calls(desired: &UserSpec, old: &OldTemplate, live: &LiveUser, calls: &mut Vec<Call>) {
    let empty = Proficiencies::new();
    let wanted = desired.proficiencies.as_ref().unwrap_or(&empty);
    let held = live.proficiencies.as_ref().unwrap_or(&empty);

    let dropped: BTreeSet<ProficiencyKey> =
        old.proficiency_keys.iter().filter(|k| !wanted.contains_key(*k) && held.contains_key(*k)).cloned().collect();
    let mut changed = Proficiencies::new();
    let mut added = Proficiencies::new();
    for (key, level) in wanted {
        match held.get(key) {
            Some(held_level) if held_level == level => {}
            Some(_) => {
                changed.insert(key.clone(), *level);
            }
            None => {
                added.insert(key.clone(), *level);
            }
        }
    }
    if !dropped.is_empty() {
        calls.push(Call::DisassociateProficiencies(dropped.into_iter().collect()));
    }
    if !changed.is_empty() {
        calls.push(Call::UpdateProficiencies(changed));
    }
    if !added.is_empty() {
        calls.push(Call::AssociateProficiencies(added));
    }
}

fn tag_calls(desired: &UserSpec, old: &OldTemplate, live: &LiveUser, owner: &OwnerTag, calls: &mut Vec<Call>) {
    let empty = Tags::new();
    let wanted = desired.tags.as_ref().unwrap_or(&empty);

    let dropped: BTreeSet<&String> = old
        .tag_keys
        .iter()
        .filter(|k| *k != OWNER_TAG_KEY && !wanted.contains_key(*k) && live.tags.contains_key(*k))
        .collect();
    let mut set: Tags = wanted
        .iter()
        .filter(|(k, v)| *k != OWNER_TAG_KEY && live.tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // `plan` has refused a user another resource owns, so this only adds the tag to a user that has none.
    if !live.tags.get(OWNER_TAG_KEY).is_some_and(|held| owner.names(held)) {
        set.insert(OWNER_TAG_KEY.to_owned(), owner.adopted().to_owned());
    }
    if !dropped.is_empty() {
        calls.push(Call::Untag(dropped.into_iter().cloned().collect()));
    }
    if !set.is_empty() {
        calls.push(Call::Tag(set));
    }
}

/// The traffic distribution groups: the user leaves those the old template set and the new one drops, and joins
/// those the new one sets that it is not in. Groups the user joined outside the stack stay, as tags do.
fn group_calls(desired: &UserSpec, old: &OldTemplate, live: &LiveUser, calls: &mut Vec<Call>) {
    let empty = BTreeSet::new();
    let held = live.traffic_distribution_groups.as_ref().unwrap_or(&empty);
    let wanted: &[TrafficDistributionGroupArn] = desired.traffic_distribution_groups.as_deref().unwrap_or_default();
    for group in &old.traffic_distribution_groups {
        if !wanted.contains(group) && held.contains(group) {
            calls.push(Call::LeaveTrafficDistributionGroup(group.clone()));
        }
    }
    for group in wanted {
        if !held.contains(group) {
            calls.push(Call::JoinTrafficDistributionGroup(group.clone()));
        }
    }
}

#[cfg(test)]
mod tests;
