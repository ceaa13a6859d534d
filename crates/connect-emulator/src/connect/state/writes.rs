//! The operations that change users: `CreateUser` with its uniqueness and quota rules, each `UpdateUser*` applied
//! all-or-nothing, proficiencies, tags and `DeleteUser`, and how they resolve the profiles, groups and attributes a
//! request names.

use std::collections::BTreeMap;

use tokio::time::Instant;

use super::{Instance, Store, child_id};
use crate::connect::error::{ApiError, ErrorCode};
use crate::connect::model::{
    AfterContactWork, AutoAccept, Channel, ChannelSettings, IdentityInfo, PhoneNumber, PhoneType, User,
};
use crate::connect::validate::MAX_TAGS;
use crate::connect::wire::{ChannelUpdate, PhoneConfigUpdate, Proficiency};

/// What `CreateUser` stores once the request is checked; resource references still as the caller gave them.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub password: Option<String>,
    pub identity_info: Option<IdentityInfo>,
    pub phone_config: Option<PhoneConfigUpdate>,
    pub channels: ChannelUpdate,
    pub directory_user_id: Option<String>,
    pub security_profile_ids: Vec<String>,
    pub routing_profile_id: String,
    pub hierarchy_group_id: Option<String>,
    pub tags: BTreeMap<String, String>,
}

impl Store {
    /// Creates a user at `now` (epoch seconds); `clock` starts its visibility lag, if its instance has one.
    pub fn create_user(
        &mut self,
        instance: &str,
        new: NewUser,
        now: f64,
        clock: Instant,
    ) -> Result<(String, String), ApiError> {
        let inst = self.instance(instance)?;
        let routing_profile_id =
            resolve(inst, "routing-profile", &new.routing_profile_id, &inst.routing_profiles, "Routing profile")?;
        let security_profile_ids = resolve_security_profiles(inst, &new.security_profile_ids)?;
        let hierarchy_group_id = new
            .hierarchy_group_id
            .as_deref()
            .map(|g| resolve(inst, "agent-group", g, &inst.hierarchy_groups, "Hierarchy group"))
            .transpose()?;
        // Hidden users count: the username is taken the moment CreateUser commits.
        if inst.users.values().any(|u| u.username == new.username) {
            return Err(ApiError::new(
                ErrorCode::DuplicateResource,
                format!("User with username {} already exists", new.username),
            ));
        }
        if let Some(limit) = self.settings.users_per_instance
            && inst.users.len() >= limit
        {
            return Err(ApiError::new(
                ErrorCode::LimitExceeded,
                format!(
                    "The allowed limit for the resource has been exceeded: instance {} has reached its quota of \
                     {limit} users per instance",
                    inst.id
                ),
            ));
        }
        let mut channels = ChannelSettings::default();
        if let Some(config) = &new.phone_config {
            apply_phone_config(&mut channels, config);
        }
        apply_channel_update(&mut channels, &new.channels);
        let channels = channels.with_voice_defaults();
        check_desk_phones(&channels)?;
        let instance_id = inst.id.clone();
        let id = self.new_id();
        let arn = self.seed.user_arn(&instance_id, &id);
        let user = User {
            id: id.clone(),
            arn: arn.clone(),
            instance_id: instance_id.clone(),
            username: new.username,
            password: new.password,
            identity_info: new.identity_info,
            directory_user_id: new.directory_user_id,
            security_profile_ids,
            routing_profile_id,
            hierarchy_group_id,
            tags: new.tags,
            channels,
            proficiencies: BTreeMap::new(),
            last_modified: now,
            proficiencies_modified: now,
        };
        if let Some(inst) = self.instances.get_mut(&instance_id) {
            inst.users.insert(id.clone(), user);
        }
        self.visibility.hide_new(&id, &instance_id, clock);
        Ok((id, arn))
    }

    /// Deletes a user; one still associated with a traffic distribution group is refused, whatever the group's
    /// status, so that no group is left holding a user that is gone.
    pub fn delete_user(&mut self, instance: &str, user: &str) -> Result<(), ApiError> {
        let id = self.user(instance, user)?.id.clone();
        if let Some(group) = self.traffic_group_holding(&id) {
            return Err(ApiError::invalid_request(format!(
                "User {id} is associated with traffic distribution group {} ({}); disassociate it first",
                group.name, group.arn
            )));
        }
        if let Ok(inst) = self.instance_mut(instance) {
            inst.users.remove(&id);
        }
        Ok(())
    }

    /// Applies `change` to a copy of the user and stores it only when `change` succeeds.
    fn modify(
        &mut self,
        instance: &str,
        user: &str,
        now: f64,
        change: impl FnOnce(&Instance, &mut User) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let inst = self.instance(instance)?;
        let mut copy = self.user(instance, user)?.clone();
        change(inst, &mut copy)?;
        copy.last_modified = now;
        *self.user_mut(instance, user)? = copy;
        Ok(())
    }

    pub fn update_identity_info(
        &mut self,
        instance: &str,
        user: &str,
        info: IdentityInfo,
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |_, u| {
            u.identity_info = Some(info);
            Ok(())
        })
    }

    pub fn update_phone_config(
        &mut self,
        instance: &str,
        user: &str,
        config: PhoneConfigUpdate,
        now: f64,
    ) -> Result<(), ApiError> {
        let all_channels = self.settings.phone_config_all_channels;
        self.modify(instance, user, now, |_, u| {
            apply_phone_config(&mut u.channels, &config);
            if all_channels {
                // Connect: "the UpdateUserPhoneConfig API will always set the same ACW timeouts to all channels
                // the user handles".
                for entry in u.channels.after_contact_work.values_mut() {
                    entry.time_limit = config.after_contact_work_time_limit;
                }
            }
            check_desk_phones(&u.channels)
        })
    }

    pub fn update_config(
        &mut self,
        instance: &str,
        user: &str,
        update: ChannelUpdate,
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |_, u| {
            apply_channel_update(&mut u.channels, &update);
            check_desk_phones(&u.channels)
        })
    }

    pub fn update_routing_profile(
        &mut self,
        instance: &str,
        user: &str,
        profile: &str,
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |inst, u| {
            u.routing_profile_id =
                resolve(inst, "routing-profile", profile, &inst.routing_profiles, "Routing profile")?;
            Ok(())
        })
    }

    pub fn update_security_profiles(
        &mut self,
        instance: &str,
        user: &str,
        profiles: &[String],
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |inst, u| {
            u.security_profile_ids = resolve_security_profiles(inst, profiles)?;
            Ok(())
        })
    }

    pub fn update_hierarchy(
        &mut self,
        instance: &str,
        user: &str,
        group: Option<&str>,
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |inst, u| {
            u.hierarchy_group_id = group
                .map(|g| resolve(inst, "agent-group", g, &inst.hierarchy_groups, "Hierarchy group"))
                .transpose()?;
            Ok(())
        })
    }

    /// Associates new proficiencies; an already associated (name, value) is an `InvalidRequestException`.
    pub fn associate_proficiencies(
        &mut self,
        instance: &str,
        user: &str,
        items: &[Proficiency],
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |inst, u| {
            for p in items {
                check_attribute(inst, p)?;
                if u.proficiencies.contains_key(&(p.name.clone(), p.value.clone())) {
                    return Err(ApiError::invalid_request(format!(
                        "Proficiency {}={} is already associated with the user",
                        p.name, p.value
                    )));
                }
                u.proficiencies.insert((p.name.clone(), p.value.clone()), p.level);
            }
            u.proficiencies_modified = now;
            Ok(())
        })
    }

    /// Changes levels of associated proficiencies; one not associated is an `InvalidRequestException`.
    pub fn update_proficiencies(
        &mut self,
        instance: &str,
        user: &str,
        items: &[Proficiency],
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |_, u| {
            for p in items {
                let Some(level) = u.proficiencies.get_mut(&(p.name.clone(), p.value.clone())) else {
                    return Err(ApiError::invalid_request(format!(
                        "Proficiency {}={} is not associated with the user",
                        p.name, p.value
                    )));
                };
                *level = p.level;
            }
            u.proficiencies_modified = now;
            Ok(())
        })
    }

    /// Removes proficiencies; one not associated is ignored, so a repeated call succeeds.
    pub fn disassociate_proficiencies(
        &mut self,
        instance: &str,
        user: &str,
        items: &[Proficiency],
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |_, u| {
            for p in items {
                u.proficiencies.remove(&(p.name.clone(), p.value.clone()));
            }
            u.proficiencies_modified = now;
            Ok(())
        })
    }

    /// Resolves a taggable resource ARN (only users can be tagged here) to (instance id, user id).
    fn tagged_user(&self, arn: &str) -> Result<(String, String), ApiError> {
        if !arn.starts_with("arn:") {
            return Err(ApiError::invalid_parameter(format!("resourceArn is not an ARN: {arn}")));
        }
        self.locate_user(arn)
            .filter(|(_, user)| !self.visibility.is_hidden(user))
            .ok_or_else(|| ApiError::not_found(format!("Resource not found: {arn}")))
    }

    pub fn tag_resource(&mut self, arn: &str, tags: &BTreeMap<String, String>, now: f64) -> Result<(), ApiError> {
        let (instance, user) = self.tagged_user(arn)?;
        self.modify(&instance, &user, now, |_, u| {
            u.tags.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
            if u.tags.len() > MAX_TAGS {
                return Err(ApiError::invalid_parameter(format!(
                    "a resource can have at most {MAX_TAGS} tags; this request would leave {}",
                    u.tags.len()
                )));
            }
            Ok(())
        })
    }

    pub fn untag_resource(&mut self, arn: &str, keys: &[String], now: f64) -> Result<(), ApiError> {
        let (instance, user) = self.tagged_user(arn)?;
        self.modify(&instance, &user, now, |_, u| {
            for key in keys {
                u.tags.remove(key);
            }
            Ok(())
        })
    }
}

fn resolve<V>(
    instance: &Instance,
    kind: &str,
    ident: &str,
    known: &BTreeMap<String, V>,
    what: &str,
) -> Result<String, ApiError> {
    child_id(instance, kind, ident)
        .filter(|id| known.contains_key(*id))
        .map(str::to_owned)
        .ok_or_else(|| ApiError::not_found(format!("{what} not found in instance {}: {ident}", instance.id)))
}

/// Resolves 1–10 security profiles, keeping the first of any repeated id.
fn resolve_security_profiles(instance: &Instance, idents: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for ident in idents {
        let id = resolve(instance, "security-profile", ident, &instance.security_profiles, "Security profile")?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn check_attribute(instance: &Instance, p: &Proficiency) -> Result<(), ApiError> {
    let known = instance.attributes.get(&p.name).is_some_and(|values| values.contains(&p.value));
    if known {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(format!(
            "{}={} is not a predefined attribute of instance {}",
            p.name, p.value, instance.id
        )))
    }
}

/// Writes a `PhoneConfig` into the VOICE entries (see [`PhoneConfigUpdate`] for absent members).
fn apply_phone_config(channels: &mut ChannelSettings, config: &PhoneConfigUpdate) {
    let voice = Channel::Voice;
    let previous_first = channels.auto_accept.get(&voice).and_then(|a| a.agent_first_callback);
    channels
        .auto_accept
        .insert(voice, AutoAccept { auto_accept: config.auto_accept, agent_first_callback: previous_first });
    let previous_first = channels.after_contact_work.get(&voice).and_then(|a| a.agent_first_callback_time_limit);
    channels.after_contact_work.insert(
        voice,
        AfterContactWork {
            time_limit: config.after_contact_work_time_limit,
            agent_first_callback_time_limit: previous_first,
        },
    );
    let previous_number = channels.phone_number.get(&voice).and_then(|p| p.number.clone());
    let number = config.desk_phone_number.clone().or(previous_number);
    channels.phone_number.insert(voice, PhoneNumber { phone_type: config.phone_type, number });
    if let Some(persistent) = config.persistent_connection {
        channels.persistent_connection.insert(voice, persistent);
    }
}

/// Replaces, in each list given, the entries of the channels that list names.
fn apply_channel_update(channels: &mut ChannelSettings, update: &ChannelUpdate) {
    fn merge<T: Clone>(into: &mut BTreeMap<Channel, T>, from: &Option<BTreeMap<Channel, T>>) {
        if let Some(from) = from {
            into.extend(from.iter().map(|(c, v)| (*c, v.clone())));
        }
    }
    merge(&mut channels.auto_accept, &update.auto_accept);
    merge(&mut channels.after_contact_work, &update.after_contact_work);
    merge(&mut channels.phone_number, &update.phone_number);
    merge(&mut channels.persistent_connection, &update.persistent_connection);
    merge(&mut channels.voice_enhancement, &update.voice_enhancement);
}

fn check_desk_phones(channels: &ChannelSettings) -> Result<(), ApiError> {
    for (channel, entry) in &channels.phone_number {
        if entry.phone_type == PhoneType::DeskPhone && entry.number.is_none() {
            return Err(ApiError::invalid_parameter(format!(
                "a desk phone number is required for DESK_PHONE on channel {}",
                channel.as_str()
            )));
        }
    }
    Ok(())
}
