//! Each port operation as `aws-sdk-connect` calls: builders in, the project's model out.

use aws_sdk_connect::types as sdk;

use super::SdkConnect;
use super::convert::*;
use super::errors::{PASSWORD_PLACEHOLDER, build_error, personal_values, scrub, sdk_error, unexpected};
use crate::app::ports::{Connect, ConnectError};
use std::collections::BTreeSet;

use crate::core::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn, UserArn};
use crate::core::identity::IdentityManagement;
use crate::core::model::{InstanceInfo, LiveUser, Proficiencies};
use crate::core::names::{self, NameKind};
use crate::core::plan::{Call, NewUser};

impl Connect for SdkConnect {
    async fn create_user(&self, user: &NewUser) -> Result<UserArn, ConnectError> {
        const OP: &str = "CreateUser";
        let result = self.send_create_user(user).await;
        // Connect may echo input in its messages; the password and personal data must never leave this function.
        let mut hidden = user.identity_info.as_ref().map(personal_values).unwrap_or_default();
        if let Some(password) = &user.password {
            hidden.push((password.expose(), PASSWORD_PLACEHOLDER));
        }
        let out = result.map_err(|e| scrub(e, &hidden))?;
        if let Some(arn) = out.user_arn().and_then(|a| UserArn::parse(a).ok()) {
            return Ok(arn);
        }
        match out.user_id() {
            Some(id) if !id.is_empty() => Ok(UserArn::new(&user.instance, id)),
            _ => Err(unexpected(OP, "the response carries neither a UserArn nor a UserId")),
        }
    }

    async fn describe_user(&self, user: &UserArn) -> Result<LiveUser, ConnectError> {
        const OP: &str = "DescribeUser";
        let out = self
            .client(user.instance())
            .describe_user()
            .instance_id(user.instance().id())
            .user_id(user.user_id())
            .send()
            .await
            .map_err(sdk_error(OP))?;
        let found = out.user().ok_or_else(|| unexpected(OP, "the response carries no User"))?;
        live_user(user, found)
    }

    /// Without `MaxResults`: Connect picks the page size and the loop reads every page.
    async fn list_proficiencies(&self, user: &UserArn) -> Result<Proficiencies, ConnectError> {
        const OP: &str = "ListUserProficiencies";
        let mut all = Proficiencies::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client(user.instance())
                .list_user_proficiencies()
                .instance_id(user.instance().id())
                .user_id(user.user_id())
                .set_next_token(token.take())
                .send()
                .await
                .map_err(sdk_error(OP))?;
            for p in page.user_proficiency_list() {
                all.insert(proficiency_key(p.attribute_name(), p.attribute_value()), p.level());
            }
            match page.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(all),
            }
        }
    }

    /// `SearchUsers` with an exact `Username` condition rather than paging `ListUsers`: one request
    /// however many users the instance has, which matters under Connect's low request rates. The
    /// results are still filtered by exact equality, so a search that matched loosely never adopts a
    /// user by a name that only resembles the one asked for.
    async fn find_user(&self, instance: &InstanceArn, username: &str) -> Result<Option<UserArn>, ConnectError> {
        const OP: &str = "SearchUsers";
        let criteria = sdk::UserSearchCriteria::builder()
            .string_condition(
                sdk::StringCondition::builder()
                    .field_name("Username")
                    .value(username)
                    .comparison_type(sdk::StringComparisonType::Exact)
                    .build(),
            )
            .build();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client(instance)
                .search_users()
                .instance_id(instance.id())
                .search_criteria(criteria.clone())
                .set_next_token(token.take())
                .send()
                .await
                .map_err(sdk_error(OP))?;
            for found in page.users() {
                if found.username() != Some(username) {
                    continue;
                }
                if let Some(arn) = found.arn().and_then(|a| UserArn::parse(a).ok()) {
                    return Ok(Some(arn));
                }
                if let Some(id) = found.id().filter(|id| !id.is_empty()) {
                    return Ok(Some(UserArn::new(instance, id)));
                }
            }
            match page.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(None),
            }
        }
    }

    async fn find_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
        name: &str,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        // A group is searched by its own name; the paths of those found tell which is the one.
        let own = if kind == NameKind::HierarchyGroup { names::leaf(name) } else { name };
        self.search_named(instance, kind, Some(own)).await
    }

    async fn list_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        self.search_named(instance, kind, None).await
    }

    async fn group_status(&self, group: &TrafficDistributionGroupArn) -> Result<String, ConnectError> {
        self.describe_group(group).await
    }

    async fn group_users(&self, group: &TrafficDistributionGroupArn) -> Result<BTreeSet<String>, ConnectError> {
        self.users_of(group).await
    }

    async fn apply(&self, user: &UserArn, call: &Call) -> Result<(), ConnectError> {
        let op = call.operation();
        let (instance, id) = (user.instance().id(), user.user_id());
        let c = &self.client(user.instance());
        match call {
            Call::JoinTrafficDistributionGroup(group) => self.membership(group, user, true).await?,
            Call::LeaveTrafficDistributionGroup(group) => self.membership(group, user, false).await?,
            Call::UpdateIdentityInfo(info) => {
                // The whole object is sent, fields set outside the stack included: none may be echoed back out.
                c.update_user_identity_info()
                    .instance_id(instance)
                    .user_id(id)
                    .identity_info(identity_info_to_sdk(info))
                    .send()
                    .await
                    .map_err(|e| scrub(sdk_error(op)(e), &personal_values(info)))?;
            }
            Call::UpdateUserConfig(channels) => {
                let lists = SdkChannels::from_model(op, channels)?;
                c.update_user_config()
                    .instance_id(instance)
                    .user_id(id)
                    .set_auto_accept_configs(lists.auto_accept)
                    .set_after_contact_work_configs(lists.after_contact_work)
                    .set_phone_number_configs(lists.phone_number)
                    .set_persistent_connection_configs(lists.persistent_connection)
                    .set_voice_enhancement_configs(lists.voice_enhancement)
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            Call::UpdateRoutingProfile(profile) => {
                c.update_user_routing_profile()
                    .instance_id(instance)
                    .user_id(id)
                    .routing_profile_id(profile.id())
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            Call::UpdateHierarchy(group) => {
                // No HierarchyGroupId at all is how Connect is told to take the user out of its group.
                c.update_user_hierarchy()
                    .instance_id(instance)
                    .user_id(id)
                    .set_hierarchy_group_id(group.as_ref().map(|g| g.id().to_owned()))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            Call::UpdateSecurityProfiles(profiles) => {
                c.update_user_security_profiles()
                    .instance_id(instance)
                    .user_id(id)
                    .set_security_profile_ids(Some(ids(profiles)))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            // Connect rejects empty lists in the calls below; an empty change is simply nothing to do.
            Call::DisassociateProficiencies(keys) if keys.is_empty() => {}
            Call::DisassociateProficiencies(keys) => {
                let list = keys
                    .iter()
                    .map(|k| {
                        sdk::UserProficiencyDisassociate::builder()
                            .attribute_name(&k.attribute_name)
                            .attribute_value(&k.attribute_value)
                            .build()
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(build_error(op))?;
                c.disassociate_user_proficiencies()
                    .instance_id(instance)
                    .user_id(id)
                    .set_user_proficiencies(Some(list))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            Call::UpdateProficiencies(levels) if levels.is_empty() => {}
            Call::UpdateProficiencies(levels) => {
                c.update_user_proficiencies()
                    .instance_id(instance)
                    .user_id(id)
                    .set_user_proficiencies(Some(proficiencies_to_sdk(op, levels)?))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            Call::AssociateProficiencies(levels) if levels.is_empty() => {}
            Call::AssociateProficiencies(levels) => {
                c.associate_user_proficiencies()
                    .instance_id(instance)
                    .user_id(id)
                    .set_user_proficiencies(Some(proficiencies_to_sdk(op, levels)?))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            Call::Untag(keys) if keys.is_empty() => {}
            Call::Untag(keys) => {
                c.untag_resource()
                    .resource_arn(user.as_str())
                    .set_tag_keys(Some(keys.clone()))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            Call::Tag(tags) if tags.is_empty() => {}
            Call::Tag(tags) => {
                c.tag_resource()
                    .resource_arn(user.as_str())
                    .set_tags(Some(tags_to_sdk(tags)))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
        }
        Ok(())
    }

    /// Asked once per instance per execution environment, however many requests ask at once: the answer, a
    /// denial or another final error included, is kept (see [`SdkConnect`]). A transient failure is not kept, so
    /// the next request asks again.
    async fn describe_instance(&self, instance: &InstanceArn) -> Result<InstanceInfo, ConnectError> {
        const OP: &str = "DescribeInstance";
        let slot = self.instance_slot(instance);
        let mut kept = slot.lock().await;
        if let Some(known) = kept.as_ref() {
            return known.clone();
        }
        let answer = self
            .client(instance)
            .describe_instance()
            .instance_id(instance.id())
            .send()
            .await
            .map_err(sdk_error(OP))
            .and_then(|out| {
                let found = out.instance().ok_or_else(|| unexpected(OP, "the response carries no Instance"))?;
                let kind = found.identity_management_type().map(|t| t.as_str());
                Ok(InstanceInfo { identity_management: kind.and_then(IdentityManagement::parse) })
            });
        if !answer.as_ref().is_err_and(ConnectError::is_retryable) {
            *kept = Some(answer.clone());
        }
        answer
    }

    async fn delete_user(&self, user: &UserArn) -> Result<(), ConnectError> {
        self.client(user.instance())
            .delete_user()
            .instance_id(user.instance().id())
            .user_id(user.user_id())
            .send()
            .await
            .map_err(sdk_error("DeleteUser"))?;
        Ok(())
    }
}

impl SdkConnect {
    async fn send_create_user(
        &self,
        user: &NewUser,
    ) -> Result<aws_sdk_connect::operation::create_user::CreateUserOutput, ConnectError> {
        const OP: &str = "CreateUser";
        let lists = SdkChannels::from_model(OP, &user.channels)?;
        self.client(&user.instance)
            .create_user()
            .instance_id(user.instance.id())
            .username(&user.username)
            .set_password(user.password.as_ref().map(|p| p.expose().to_owned()))
            .set_identity_info(user.identity_info.as_ref().map(identity_info_to_sdk))
            .set_phone_config(user.phone_config.as_ref().map(phone_config_to_sdk))
            .set_directory_user_id(user.directory_user_id.clone())
            .set_hierarchy_group_id(user.hierarchy_group.as_ref().map(|g| g.id().to_owned()))
            .set_security_profile_ids(Some(ids(&user.security_profiles)))
            .routing_profile_id(user.routing_profile.id())
            .set_auto_accept_configs(lists.auto_accept)
            .set_after_contact_work_configs(lists.after_contact_work)
            .set_phone_number_configs(lists.phone_number)
            .set_persistent_connection_configs(lists.persistent_connection)
            .set_voice_enhancement_configs(lists.voice_enhancement)
            .set_tags((!user.tags.is_empty()).then(|| tags_to_sdk(&user.tags)))
            .send()
            .await
            .map_err(sdk_error(OP))
    }
}
