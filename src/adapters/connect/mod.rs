//! [`Connect`] over `aws-sdk-connect`: the client's configuration, the conversions between the
//! project's model and the SDK's types, and the mapping of SDK errors to [`ConnectError`].

use std::collections::{BTreeMap, HashMap};
use std::error::Error as StdError;
use std::time::Duration;

use aws_sdk_connect::Client;
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use aws_sdk_connect::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_connect::error::{BuildError, ProvideErrorMetadata, SdkError};
use aws_sdk_connect::types as sdk;

use super::{Connect, ConnectError, ErrorKind};
use crate::core::arn::{InstanceArn, ResourceArn, ResourceKind, UserArn};
use crate::core::model::{
    AfterContactWorkConfig, AfterContactWorkPerChannel, AutoAcceptConfig, Channel, ChannelConfigs, IdentityInfo,
    LiveUser, PhoneConfig, PhoneNumberConfig, PhoneType, Proficiencies, ProficiencyKey, Tags, VoiceEnhancementMode,
};
use crate::core::plan::{Call, NewUser};

/// Time to open a connection: a Connect endpoint that does not accept within it is unreachable for now.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Time for one attempt, so a hung call becomes a retryable error instead of eating the whole deadline.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `aws-sdk-connect` client behind the [`Connect`] trait. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SdkConnect {
    client: Client,
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).operation_attempt_timeout(ATTEMPT_TIMEOUT).build()
}

impl SdkConnect {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// The standard AWS configuration chain (region, credentials, `AWS_ENDPOINT_URL` /
    /// `AWS_ENDPOINT_URL_CONNECT`), with the SDK's own retries off: [`super::Retrying`] owns the policy.
    pub async fn from_env() -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts())
            .load()
            .await;
        Self::new(Client::new(&config))
    }

    /// A client of the Connect endpoint at `endpoint_url` (an emulator) with static dummy credentials,
    /// configured like [`SdkConnect::from_env`] otherwise.
    pub fn for_endpoint(endpoint_url: &str, region: &str) -> Self {
        let config = aws_sdk_connect::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint_url)
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new("AKIDLOCALEMULATOR", "local-emulator-secret", None, None, "static"))
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts())
            .build();
        Self::new(Client::from_conf(config))
    }
}

impl Connect for SdkConnect {
    async fn create_user(&self, user: &NewUser) -> Result<UserArn, ConnectError> {
        const OP: &str = "CreateUser";
        let result = self.send_create_user(user).await;
        // Connect may echo input in its messages; the password must never leave this function.
        let scrub = |e: ConnectError| match &user.password {
            Some(p) => scrub_secret(e, p.expose()),
            None => e,
        };
        let out = result.map_err(scrub)?;
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
            .client
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
                .client
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
                .client
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

    async fn apply(&self, user: &UserArn, call: &Call) -> Result<(), ConnectError> {
        let op = call.operation();
        let (instance, id) = (user.instance().id(), user.user_id());
        let c = &self.client;
        match call {
            Call::UpdateIdentityInfo(info) => {
                c.update_user_identity_info()
                    .instance_id(instance)
                    .user_id(id)
                    .identity_info(identity_info_to_sdk(info))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
            }
            Call::UpdatePhoneConfig(pc) => {
                c.update_user_phone_config()
                    .instance_id(instance)
                    .user_id(id)
                    .phone_config(phone_config_to_sdk(pc))
                    .send()
                    .await
                    .map_err(sdk_error(op))?;
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

    async fn delete_user(&self, user: &UserArn) -> Result<(), ConnectError> {
        self.client
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
        self.client
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

// ---------------------------------------------------------------------------------------------
// Errors

/// The error of a response that does not carry what the operation promises.
fn unexpected(operation: &'static str, what: &str) -> ConnectError {
    ConnectError::new(operation, ErrorKind::Other, "UnexpectedResponse", what)
}

/// A request the SDK refused to build (a required member missing): the input is at fault, not Connect.
fn build_error(operation: &'static str) -> impl Fn(BuildError) -> ConnectError {
    move |e| ConnectError::new(operation, ErrorKind::Invalid, "InvalidInput", e.to_string())
}

/// The kind of a Connect error, from its code and, for codes this crate does not know, its HTTP status.
fn kind_of(code: &str, status: u16) -> ErrorKind {
    match code {
        "ResourceNotFoundException" => ErrorKind::NotFound,
        "DuplicateResourceException" => ErrorKind::Duplicate,
        "ThrottlingException" | "TooManyRequestsException" | "LimitExceededException" => ErrorKind::Throttled,
        "InternalServiceException" => ErrorKind::Server,
        "InvalidParameterException" | "InvalidRequestException" => ErrorKind::Invalid,
        _ if status == 429 => ErrorKind::Throttled,
        _ if status >= 500 => ErrorKind::Server,
        _ => ErrorKind::Other,
    }
}

/// Maps an SDK error of `operation` to a [`ConnectError`].
fn sdk_error<E>(operation: &'static str) -> impl Fn(SdkError<E>) -> ConnectError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    move |err| match &err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().filter(|c| !c.is_empty()).map(str::to_owned);
            let code = code.unwrap_or_else(|| format!("HTTP {status}"));
            let message = service.err().message().filter(|m| !m.is_empty()).map(str::to_owned);
            let message = message.unwrap_or_else(|| format!("Amazon Connect answered HTTP {status} without a message"));
            ConnectError::new(operation, kind_of(&code, status), code, message)
        }
        SdkError::TimeoutError(_) => ConnectError::new(
            operation,
            ErrorKind::Network,
            "Timeout",
            format!("no response within {} s", ATTEMPT_TIMEOUT.as_secs()),
        ),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => ConnectError::new(
            operation,
            ErrorKind::Network,
            "Timeout",
            format!("could not connect within {} s: {}", CONNECT_TIMEOUT.as_secs(), causes(&err)),
        ),
        // A request the HTTP client itself refused (a malformed endpoint): trying again cannot help.
        SdkError::DispatchFailure(failure) if failure.is_user() => {
            ConnectError::new(operation, ErrorKind::Other, "DispatchFailure", causes(&err))
        }
        SdkError::DispatchFailure(_) => ConnectError::new(operation, ErrorKind::Network, "NetworkError", causes(&err)),
        SdkError::ResponseError(response) if response.raw().status().is_server_error() => {
            let status = response.raw().status().as_u16();
            ConnectError::new(
                operation,
                ErrorKind::Server,
                format!("HTTP {status}"),
                format!("unreadable response: {}", causes(&err)),
            )
        }
        SdkError::ResponseError(_) => ConnectError::new(
            operation,
            ErrorKind::Network,
            "NetworkError",
            format!("the response could not be read: {}", causes(&err)),
        ),
        SdkError::ConstructionFailure(_) => {
            ConnectError::new(operation, ErrorKind::Invalid, "InvalidInput", causes(&err))
        }
        _ => ConnectError::new(operation, ErrorKind::Other, "SdkError", causes(&err)),
    }
}

/// The chain of causes under an SDK error, joined with `": "`, with repeats dropped and URLs cut
/// before their query strings (which may hold signatures).
fn causes(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = err.source();
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    if parts.is_empty() {
        parts.push(err.to_string());
    }
    strip_query_strings(&parts.join(": "))
}

fn strip_query_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("http") {
        let (before, from_url) = rest.split_at(at);
        out.push_str(before);
        let end =
            from_url.find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ')').unwrap_or(from_url.len());
        let (url, after) = from_url.split_at(end);
        out.push_str(url.split_once('?').map_or(url, |(path, _)| path));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `error` with every occurrence of `secret` replaced.
fn scrub_secret(mut error: ConnectError, secret: &str) -> ConnectError {
    if !secret.is_empty() {
        error.message = error.message.replace(secret, "***");
        error.code = error.code.replace(secret, "***");
    }
    error
}

// ---------------------------------------------------------------------------------------------
// Model → SDK

fn ids(arns: &[ResourceArn]) -> Vec<String> {
    arns.iter().map(|a| a.id().to_owned()).collect()
}

fn tags_to_sdk(tags: &Tags) -> HashMap<String, String> {
    tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn identity_info_to_sdk(info: &IdentityInfo) -> sdk::UserIdentityInfo {
    sdk::UserIdentityInfo::builder()
        .set_first_name(info.first_name.clone())
        .set_last_name(info.last_name.clone())
        .set_email(info.email.clone())
        .set_secondary_email(info.secondary_email.clone())
        .set_mobile(info.mobile.clone())
        .build()
}

/// The SDK fills an absent `PhoneType` with `SOFT_PHONE` and leaves out `AutoAccept: false` and
/// `AfterContactWorkTimeLimit: 0` on the wire; the plan accounts for both.
fn phone_config_to_sdk(pc: &PhoneConfig) -> sdk::UserPhoneConfig {
    sdk::UserPhoneConfig::builder()
        .set_phone_type(pc.phone_type.map(phone_type_to_sdk))
        .set_auto_accept(pc.auto_accept)
        .set_after_contact_work_time_limit(pc.after_contact_work_time_limit)
        .set_desk_phone_number(pc.desk_phone_number.clone())
        .set_persistent_connection(pc.persistent_connection)
        .build()
}

fn channel_to_sdk(channel: Channel) -> sdk::Channel {
    sdk::Channel::from(channel.as_str())
}

fn phone_type_to_sdk(phone_type: PhoneType) -> sdk::PhoneType {
    sdk::PhoneType::from(phone_type.as_str())
}

fn acw_to_sdk(config: &AfterContactWorkConfig) -> sdk::AfterContactWorkConfig {
    sdk::AfterContactWorkConfig::builder().set_after_contact_work_time_limit(config.time_limit).build()
}

fn proficiencies_to_sdk(
    operation: &'static str,
    levels: &Proficiencies,
) -> Result<Vec<sdk::UserProficiency>, ConnectError> {
    levels
        .iter()
        .map(|(key, level)| {
            sdk::UserProficiency::builder()
                .attribute_name(&key.attribute_name)
                .attribute_value(&key.attribute_value)
                .level(*level)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(build_error(operation))
}

/// The five per-channel lists as the SDK takes them; `None` lists are not sent.
#[derive(Default)]
struct SdkChannels {
    auto_accept: Option<Vec<sdk::AutoAcceptConfig>>,
    after_contact_work: Option<Vec<sdk::AfterContactWorkConfigPerChannel>>,
    phone_number: Option<Vec<sdk::PhoneNumberConfig>>,
    persistent_connection: Option<Vec<sdk::PersistentConnectionConfig>>,
    voice_enhancement: Option<Vec<sdk::VoiceEnhancementConfig>>,
}

/// Each entry of a per-channel map through `convert`, or `None` for an unset list.
fn per_channel<V, T>(
    operation: &'static str,
    map: &Option<BTreeMap<Channel, V>>,
    convert: impl Fn(Channel, &V) -> Result<T, BuildError>,
) -> Result<Option<Vec<T>>, ConnectError> {
    map.as_ref()
        .map(|m| m.iter().map(|(c, v)| convert(*c, v)).collect::<Result<Vec<_>, _>>())
        .transpose()
        .map_err(build_error(operation))
}

impl SdkChannels {
    fn from_model(operation: &'static str, channels: &ChannelConfigs) -> Result<Self, ConnectError> {
        Ok(Self {
            auto_accept: per_channel(operation, &channels.auto_accept, |c, v| {
                sdk::AutoAcceptConfig::builder()
                    .channel(channel_to_sdk(c))
                    .auto_accept(v.auto_accept)
                    .set_agent_first_callback_auto_accept(v.agent_first_callback_auto_accept)
                    .build()
            })?,
            after_contact_work: per_channel(operation, &channels.after_contact_work, |c, v| {
                sdk::AfterContactWorkConfigPerChannel::builder()
                    .channel(channel_to_sdk(c))
                    .after_contact_work_config(acw_to_sdk(&v.config))
                    .set_agent_first_callback_after_contact_work_config(v.agent_first_callback.as_ref().map(acw_to_sdk))
                    .build()
            })?,
            phone_number: per_channel(operation, &channels.phone_number, |c, v| {
                sdk::PhoneNumberConfig::builder()
                    .channel(channel_to_sdk(c))
                    .phone_type(phone_type_to_sdk(v.phone_type))
                    .set_phone_number(v.phone_number.clone())
                    .build()
            })?,
            persistent_connection: per_channel(operation, &channels.persistent_connection, |c, v| {
                sdk::PersistentConnectionConfig::builder().channel(channel_to_sdk(c)).persistent_connection(*v).build()
            })?,
            voice_enhancement: per_channel(operation, &channels.voice_enhancement, |c, v| {
                sdk::VoiceEnhancementConfig::builder()
                    .channel(channel_to_sdk(c))
                    .voice_enhancement_mode(sdk::VoiceEnhancementMode::from(v.as_str()))
                    .build()
            })?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// SDK → model

fn proficiency_key(name: &str, value: &str) -> ProficiencyKey {
    ProficiencyKey { attribute_name: name.to_owned(), attribute_value: value.to_owned() }
}

/// A resource of the user's instance from what Connect returns: normally an id, but an ARN is taken as is.
fn resource(instance: &InstanceArn, kind: ResourceKind, value: &str) -> ResourceArn {
    ResourceArn::parse(value, kind).unwrap_or_else(|_| instance.child(kind, value))
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

fn live_user(arn: &UserArn, user: &sdk::User) -> Result<LiveUser, ConnectError> {
    const OP: &str = "DescribeUser";
    let instance = arn.instance();
    let routing_profile = non_empty(user.routing_profile_id())
        .map(|id| resource(instance, ResourceKind::RoutingProfile, id))
        .ok_or_else(|| unexpected(OP, "the user has no RoutingProfileId"))?;
    Ok(LiveUser {
        arn: arn.clone(),
        username: user.username().unwrap_or_default().to_owned(),
        routing_profile,
        security_profiles: user
            .security_profile_ids()
            .iter()
            .filter(|id| !id.is_empty())
            .map(|id| resource(instance, ResourceKind::SecurityProfile, id))
            .collect(),
        directory_user_id: non_empty(user.directory_user_id()).map(str::to_owned),
        hierarchy_group: non_empty(user.hierarchy_group_id())
            .map(|id| resource(instance, ResourceKind::AgentGroup, id)),
        identity_info: user.identity_info().map(identity_info_from_sdk).unwrap_or_default(),
        phone_config: user.phone_config().map(phone_config_from_sdk).unwrap_or_default(),
        channels: channels_from_sdk(user),
        proficiencies: None,
        tags: user.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
    })
}

fn identity_info_from_sdk(info: &sdk::UserIdentityInfo) -> IdentityInfo {
    IdentityInfo {
        first_name: info.first_name().map(str::to_owned),
        last_name: info.last_name().map(str::to_owned),
        email: info.email().map(str::to_owned),
        secondary_email: info.secondary_email().map(str::to_owned),
        mobile: info.mobile().map(str::to_owned),
    }
}

/// Every field Connect answers is `Some`: the SDK cannot tell an absent `AutoAccept` from `false`, and
/// Connect's absent values mean exactly that (`false`, `0`).
fn phone_config_from_sdk(pc: &sdk::UserPhoneConfig) -> PhoneConfig {
    PhoneConfig {
        phone_type: PhoneType::parse(pc.phone_type().as_str()),
        auto_accept: Some(pc.auto_accept()),
        after_contact_work_time_limit: Some(pc.after_contact_work_time_limit()),
        desk_phone_number: non_empty(pc.desk_phone_number()).map(str::to_owned),
        persistent_connection: pc.persistent_connection(),
    }
}

fn acw_from_sdk(config: Option<&sdk::AfterContactWorkConfig>) -> AfterContactWorkConfig {
    AfterContactWorkConfig { time_limit: config.map(|c| c.after_contact_work_time_limit()) }
}

/// Entries on channels this crate does not know (added to Connect later) are left out: no template can set them.
fn channel_map<S, V>(list: &[S], entry: impl Fn(&S) -> (&sdk::Channel, Option<V>)) -> BTreeMap<Channel, V> {
    list.iter()
        .filter_map(|s| {
            let (channel, value) = entry(s);
            Some((Channel::parse(channel.as_str())?, value?))
        })
        .collect()
}

fn channels_from_sdk(user: &sdk::User) -> ChannelConfigs {
    ChannelConfigs {
        auto_accept: Some(channel_map(user.auto_accept_configs(), |c| {
            (
                c.channel(),
                Some(AutoAcceptConfig {
                    auto_accept: c.auto_accept(),
                    agent_first_callback_auto_accept: c.agent_first_callback_auto_accept(),
                }),
            )
        })),
        after_contact_work: Some(channel_map(user.after_contact_work_configs(), |c| {
            (
                c.channel(),
                Some(AfterContactWorkPerChannel {
                    config: acw_from_sdk(c.after_contact_work_config()),
                    agent_first_callback: c
                        .agent_first_callback_after_contact_work_config()
                        .map(|a| acw_from_sdk(Some(a))),
                }),
            )
        })),
        phone_number: Some(channel_map(user.phone_number_configs(), |c| {
            let phone_type = PhoneType::parse(c.phone_type().as_str());
            let phone_number = non_empty(c.phone_number()).map(str::to_owned);
            (c.channel(), phone_type.map(|phone_type| PhoneNumberConfig { phone_type, phone_number }))
        })),
        persistent_connection: Some(channel_map(user.persistent_connection_configs(), |c| {
            (c.channel(), Some(c.persistent_connection()))
        })),
        voice_enhancement: Some(channel_map(user.voice_enhancement_configs(), |c| {
            (c.channel(), VoiceEnhancementMode::parse(c.voice_enhancement_mode().as_str()))
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_codes_then_status() {
        assert_eq!(kind_of("ResourceNotFoundException", 404), ErrorKind::NotFound);
        assert_eq!(kind_of("DuplicateResourceException", 409), ErrorKind::Duplicate);
        for throttle in ["ThrottlingException", "TooManyRequestsException", "LimitExceededException"] {
            assert_eq!(kind_of(throttle, 400), ErrorKind::Throttled, "{throttle}");
        }
        assert_eq!(kind_of("InternalServiceException", 500), ErrorKind::Server);
        assert_eq!(kind_of("SomethingNew", 503), ErrorKind::Server);
        assert_eq!(kind_of("InvalidParameterException", 400), ErrorKind::Invalid);
        assert_eq!(kind_of("InvalidRequestException", 400), ErrorKind::Invalid);
        assert_eq!(kind_of("AccessDeniedException", 403), ErrorKind::Other);
    }

    #[test]
    fn query_strings_are_cut_from_urls() {
        assert_eq!(
            strip_query_strings("error sending to (https://host/path?X-Amz-Signature=abc) refused"),
            "error sending to (https://host/path) refused"
        );
        assert_eq!(strip_query_strings("no url here"), "no url here");
    }

    #[test]
    fn the_secret_is_scrubbed() {
        let e = ConnectError::new("CreateUser", ErrorKind::Invalid, "InvalidParameterException", "bad Pa55word!x");
        assert_eq!(scrub_secret(e, "Pa55word!x").to_string(), "CreateUser: InvalidParameterException: bad ***");
    }
}
