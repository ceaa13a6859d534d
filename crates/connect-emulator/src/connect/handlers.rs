//! One function per operation: decode the body, check it (wire), apply it (state), shape the answer. Thin on
//! purpose; the rules live in `wire`, `validate` and `state`. The traffic distribution group operations have no
//! `InvalidParameterException` in Connect's model, so their request problems answer `InvalidRequestException`.

use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::error::{ApiError, ErrorCode};
use super::identity;
use super::routes::{Operation, Route};
use super::state::{Comparison, Criteria, Kind, NewUser, PageRequest, SearchField, Store};
use super::validate::{self, Problems};
use super::wire::{self, required};

/// One request as the handlers see it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub route: &'a Route,
    pub body: &'a [u8],
    /// Epoch seconds, for `LastModifiedTime`.
    pub now: f64,
    /// The monotonic clock of the visibility lag.
    pub clock: Instant,
    /// The region of the request's SigV4 credential scope, when it is signed.
    pub region: Option<&'a str>,
}

/// The instance a request addresses, as it names it: the path's `InstanceId`, the body's for the searches, the
/// resource ARN for the tag operations; none (empty) for the traffic distribution group operations, whose group
/// decides the region.
pub fn addressed_instance(route: &Route, body: &[u8]) -> String {
    match route.operation {
        op if op.instance_in_body() => serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.get("InstanceId").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default(),
        op if op.is_traffic() => String::new(),
        _ => route.target.clone(),
    }
}

/// What the search criteria of `SearchUsers` may name (`FieldName`, compared in lower case).
const USER_FIELDS: &[(&str, SearchField)] = &[
    ("username", SearchField::Username),
    ("firstname", SearchField::FirstName),
    ("lastname", SearchField::LastName),
    ("resourceid", SearchField::ResourceId),
];
/// What the search criteria of the profile searches may name.
const PROFILE_FIELDS: &[(&str, SearchField)] = &[("name", SearchField::Name), ("resourceid", SearchField::ResourceId)];
/// What the search criteria of `SearchUserHierarchyGroups` may name.
const GROUP_FIELDS: &[(&str, SearchField)] = &[
    ("name", SearchField::Name),
    ("resourceid", SearchField::ResourceId),
    ("parentid", SearchField::ParentId),
    ("levelid", SearchField::LevelId),
];

/// Answers a routed request with the JSON body of a 200, or the error Connect would send.
pub fn handle(store: &Mutex<Store>, request: &Request<'_>) -> Result<Value, ApiError> {
    let Request { route, body, now, clock, region } = *request;
    let instance = route.target.as_str();
    let user = route.user.as_deref().unwrap_or_default();
    if !route.operation.instance_in_body()
        && !route.operation.is_traffic()
        && route.operation != Operation::TagResource
        && route.operation != Operation::UntagResource
    {
        Problems(validate::length("InstanceId", instance, 1, 100).into_iter().collect()).into_result()?;
    }
    {
        let mut store = lock(store);
        store.visibility.reveal_due(clock);
        store.check_region(&addressed_instance(route, body), region)?;
    }
    match route.operation {
        Operation::CreateUser => create_user(store, instance, decode(body)?, now, clock),
        Operation::DescribeInstance => lock(store).describe_instance(instance),
        Operation::DescribeUser => {
            let store = lock(store);
            let found = store.user(instance, user)?;
            Ok(json!({"User": found.describe_json(store.region_of(&found.instance_id))}))
        }
        Operation::DeleteUser => lock(store).delete_user(instance, user).map(|()| json!({})),
        Operation::UpdateUserIdentityInfo => {
            let input: wire::IdentityInfoIn = decode(body)?;
            let mut problems = Problems::default();
            if let Some(info) = required(&input.identity_info, "IdentityInfo", &mut problems) {
                wire::identity_info(info, &mut problems);
            }
            problems.into_result()?;
            let info = input.identity_info.unwrap_or_default();
            let mut store = lock(store);
            if let Some(kind) = store.identity_rules_of(instance) {
                identity::check_update(kind, &info)?;
            }
            store.update_identity_info(instance, user, info, now).map(|()| json!({}))
        }
        Operation::UpdateUserPhoneConfig => {
            let input: wire::PhoneConfigUpdateIn = decode(body)?;
            let mut problems = Problems::default();
            let config = required(&input.phone_config, "PhoneConfig", &mut problems)
                .map(|config| wire::phone_config(config, &mut problems));
            problems.into_result()?;
            let Some(config) = config else { return Err(ApiError::invalid_parameter("PhoneConfig is required")) };
            lock(store).update_phone_config(instance, user, config, now).map(|()| json!({}))
        }
        Operation::UpdateUserRoutingProfile => {
            let input: wire::RoutingProfileIn = decode(body)?;
            let Some(profile) = input.routing_profile_id else {
                return Err(ApiError::invalid_parameter("RoutingProfileId is required"));
            };
            lock(store).update_routing_profile(instance, user, &profile, now).map(|()| json!({}))
        }
        Operation::UpdateUserSecurityProfiles => {
            let input: wire::SecurityProfilesIn = decode(body)?;
            let mut problems = Problems::default();
            let ids = required(&input.security_profile_ids, "SecurityProfileIds", &mut problems);
            if let Some(ids) = ids {
                problems.check(security_profile_count(ids));
            }
            problems.into_result()?;
            let ids = input.security_profile_ids.unwrap_or_default();
            lock(store).update_security_profiles(instance, user, &ids, now).map(|()| json!({}))
        }
        Operation::UpdateUserHierarchy => {
            let input: wire::HierarchyIn = decode(body)?;
            lock(store).update_hierarchy(instance, user, input.hierarchy_group_id.as_deref(), now).map(|()| json!({}))
        }
        Operation::UpdateUserConfig => {
            let input: wire::ChannelListsIn = decode(body)?;
            let mut problems = Problems::default();
            let update = wire::channel_lists(&input, &mut problems);
            if update.is_empty() {
                problems.push("at least one of AutoAcceptConfigs, AfterContactWorkConfigs, PhoneNumberConfigs, PersistentConnectionConfigs, VoiceEnhancementConfigs is required");
            }
            problems.into_result()?;
            lock(store).update_config(instance, user, update, now).map(|()| json!({}))
        }
        Operation::AssociateUserProficiencies
        | Operation::UpdateUserProficiencies
        | Operation::DisassociateUserProficiencies => {
            let input: wire::ProficienciesIn = decode(body)?;
            let mut problems = Problems::default();
            let with_level = route.operation != Operation::DisassociateUserProficiencies;
            let items = required(&input.user_proficiencies, "UserProficiencies", &mut problems)
                .map(|items| wire::proficiencies(items, with_level, &mut problems))
                .unwrap_or_default();
            problems.into_result()?;
            let mut store = lock(store);
            let done = match route.operation {
                Operation::AssociateUserProficiencies => store.associate_proficiencies(instance, user, &items, now),
                Operation::UpdateUserProficiencies => store.update_proficiencies(instance, user, &items, now),
                _ => store.disassociate_proficiencies(instance, user, &items, now),
            };
            done.map(|()| json!({}))
        }
        Operation::ListUserProficiencies => lock(store).list_proficiencies(instance, user, &page_from_query(route)?),
        Operation::ListUsers => lock(store).list_users(instance, &page_from_query(route)?),
        Operation::SearchUsers => search_users(store, decode(body)?),
        Operation::ListRoutingProfiles => list_resources(store, Kind::RoutingProfile, route),
        Operation::ListSecurityProfiles => list_resources(store, Kind::SecurityProfile, route),
        Operation::ListUserHierarchyGroups => list_resources(store, Kind::HierarchyGroup, route),
        Operation::SearchRoutingProfiles => search_resources(store, Kind::RoutingProfile, decode(body)?),
        Operation::SearchSecurityProfiles => search_resources(store, Kind::SecurityProfile, decode(body)?),
        Operation::SearchUserHierarchyGroups => search_resources(store, Kind::HierarchyGroup, decode(body)?),
        Operation::DescribeUserHierarchyGroup => {
            let group = route.resource.as_deref().unwrap_or_default();
            Problems(validate::length("HierarchyGroupId", group, 1, 500).into_iter().collect()).into_result()?;
            lock(store).describe_hierarchy_group(instance, group)
        }
        Operation::DescribeTrafficDistributionGroup
        | Operation::ListTrafficDistributionGroups
        | Operation::AssociateTrafficDistributionGroupUser
        | Operation::DisassociateTrafficDistributionGroupUser
        | Operation::ListTrafficDistributionGroupUsers => {
            traffic(store, route, body, region).map_err(|e| match e.code {
                ErrorCode::InvalidParameter => ApiError::invalid_request(e.message),
                _ => e,
            })
        }
        Operation::TagResource => {
            let input: wire::TagResourceIn = decode(body)?;
            let mut problems = Problems::default();
            if let Some(tags) = required(&input.tags, "tags", &mut problems) {
                wire::tags(tags, &mut problems);
            }
            problems.into_result()?;
            let tags = input.tags.unwrap_or_default();
            lock(store).tag_resource(&route.target, &tags, now).map(|()| json!({}))
        }
        Operation::UntagResource => {
            let keys = route.query_all("tagKeys");
            let mut problems = Problems::default();
            if keys.is_empty() || keys.len() > validate::MAX_TAGS {
                problems.push(format!("tagKeys must name 1 to {} keys, got {}", validate::MAX_TAGS, keys.len()));
            }
            for key in &keys {
                problems.check(validate::tag_key(key));
            }
            problems.into_result()?;
            lock(store).untag_resource(&route.target, &keys, now).map(|()| json!({}))
        }
    }
}

fn create_user(
    store: &Mutex<Store>,
    instance: &str,
    input: wire::CreateUserIn,
    now: f64,
    clock: Instant,
) -> Result<Value, ApiError> {
    let mut problems = Problems::default();
    if let Some(username) = required(&input.username, "Username", &mut problems) {
        problems.check(validate::username(username));
    }
    if let Some(password) = &input.password {
        problems.check(validate::password(password));
    }
    if let Some(info) = &input.identity_info {
        wire::identity_info(info, &mut problems);
    }
    let phone_config = input.phone_config.as_ref().map(|config| {
        wire::phone_config_conflicts(config, &input.channels, &mut problems);
        wire::phone_config(config, &mut problems)
    });
    let channels = wire::channel_lists(&input.channels, &mut problems);
    if let Some(ids) = required(&input.security_profile_ids, "SecurityProfileIds", &mut problems) {
        problems.check(security_profile_count(ids));
    }
    if let Some(profile) = required(&input.routing_profile_id, "RoutingProfileId", &mut problems) {
        problems.check(validate::length("RoutingProfileId", profile, 1, 500));
    }
    if let Some(tags) = &input.tags {
        wire::tags(tags, &mut problems);
    }
    problems.into_result()?;
    let mut store = lock(store);
    if let Some(kind) = store.identity_rules_of(instance) {
        let request = identity::CreateRequest {
            username: input.username.as_deref().unwrap_or_default(),
            password_given: input.password.is_some() || input.password_secret_arn.is_some(),
            identity_info: input.identity_info.as_ref(),
            directory_user_id_given: input.directory_user_id.is_some(),
        };
        identity::check_create(kind, request)?;
    }
    let new = NewUser {
        username: input.username.unwrap_or_default(),
        password: input.password,
        identity_info: input.identity_info,
        phone_config,
        channels,
        directory_user_id: input.directory_user_id,
        security_profile_ids: input.security_profile_ids.unwrap_or_default(),
        routing_profile_id: input.routing_profile_id.unwrap_or_default(),
        hierarchy_group_id: input.hierarchy_group_id,
        tags: input.tags.unwrap_or_default(),
    };
    let (id, arn) = store.create_user(instance, new, now, clock)?;
    Ok(json!({"UserId": id, "UserArn": arn}))
}

fn search_users(store: &Mutex<Store>, input: wire::SearchUsersIn) -> Result<Value, ApiError> {
    let mut problems = Problems::default();
    let instance = required(&input.instance_id, "InstanceId", &mut problems).cloned();
    let criteria = match &input.search_criteria {
        None => Criteria::Any,
        Some(criteria) => search_criteria(criteria, "SearchCriteria", USER_FIELDS, &mut problems),
    };
    problems.into_result()?;
    let page = PageRequest { next_token: input.next_token, max_results: input.max_results };
    lock(store).search_users(&instance.unwrap_or_default(), &criteria, &page)
}

fn list_resources(store: &Mutex<Store>, kind: Kind, route: &Route) -> Result<Value, ApiError> {
    let page = page_from_query(route)?;
    lock(store).list_resources(kind, &route.target, &page)
}

fn search_resources(store: &Mutex<Store>, kind: Kind, input: wire::SearchResourcesIn) -> Result<Value, ApiError> {
    let mut problems = Problems::default();
    if let Some(instance) = required(&input.instance_id, "InstanceId", &mut problems) {
        problems.check(validate::length("InstanceId", instance, 1, 100));
    }
    let criteria = match &input.search_criteria {
        None => Criteria::Any,
        Some(criteria) => {
            let fields = if kind == Kind::HierarchyGroup { GROUP_FIELDS } else { PROFILE_FIELDS };
            search_criteria(criteria, "SearchCriteria", fields, &mut problems)
        }
    };
    problems.into_result()?;
    let page = PageRequest { next_token: input.next_token, max_results: input.max_results };
    lock(store).search_resources(kind, &input.instance_id.unwrap_or_default(), &criteria, &page)
}

/// The traffic distribution group operations; `route.target` is the group's id or ARN.
fn traffic(store: &Mutex<Store>, route: &Route, body: &[u8], region: Option<&str>) -> Result<Value, ApiError> {
    let group = route.target.as_str();
    match route.operation {
        Operation::DescribeTrafficDistributionGroup => lock(store).describe_traffic_group(group, region),
        Operation::ListTrafficDistributionGroups => {
            let page = page_from_query(route)?;
            lock(store).list_traffic_groups(route.query_one("instanceId"), region, &page)
        }
        Operation::ListTrafficDistributionGroupUsers => {
            let page = page_from_query(route)?;
            lock(store).list_traffic_group_users(group, region, &page)
        }
        Operation::AssociateTrafficDistributionGroupUser => {
            let input: wire::TrafficGroupUserIn = decode(body)?;
            let mut problems = Problems::default();
            let user = required(&input.user_id, "UserId", &mut problems);
            let instance = required(&input.instance_id, "InstanceId", &mut problems);
            problems.into_result()?;
            let (user, instance) = (user.cloned().unwrap_or_default(), instance.cloned().unwrap_or_default());
            lock(store).associate_traffic_group_user(group, &instance, &user, region).map(|()| json!({}))
        }
        _ => {
            let mut problems = Problems::default();
            let user = route.query_one("UserId").map(str::to_owned);
            let instance = route.query_one("InstanceId").map(str::to_owned);
            required(&user, "UserId", &mut problems);
            required(&instance, "InstanceId", &mut problems);
            problems.into_result()?;
            let (user, instance) = (user.unwrap_or_default(), instance.unwrap_or_default());
            lock(store).disassociate_traffic_group_user(group, &instance, &user, region).map(|()| json!({}))
        }
    }
}

fn search_criteria(
    input: &wire::SearchCriteriaIn,
    path: &str,
    fields: &[(&str, SearchField)],
    problems: &mut Problems,
) -> Criteria {
    let mut parts = Vec::new();
    if let Some(condition) = &input.string_condition {
        let path = format!("{path}.StringCondition");
        let field = required(&condition.field_name, &format!("{path}.FieldName"), problems).and_then(|raw| {
            let lower = raw.to_ascii_lowercase();
            let field = fields.iter().find(|(name, _)| *name == lower).map(|(_, field)| *field);
            if field.is_none() {
                problems.push(format!("{path}.FieldName {raw:?} is not supported"));
            }
            field
        });
        let value = required(&condition.value, &format!("{path}.Value"), problems);
        let comparison =
            required(&condition.comparison_type, &format!("{path}.ComparisonType"), problems).and_then(|raw| {
                let comparison = match raw.as_str() {
                    "EXACT" => Some(Comparison::Exact),
                    "CONTAINS" => Some(Comparison::Contains),
                    "STARTS_WITH" => Some(Comparison::StartsWith),
                    _ => None,
                };
                if comparison.is_none() {
                    problems.push(format!("{path}.ComparisonType must be EXACT, CONTAINS or STARTS_WITH, got {raw:?}"));
                }
                comparison
            });
        if let (Some(field), Some(value), Some(comparison)) = (field, value, comparison) {
            parts.push(Criteria::Field { field, value: value.clone(), comparison });
        }
    }
    if let Some(all) = &input.and_conditions {
        let all = all
            .iter()
            .enumerate()
            .map(|(i, c)| search_criteria(c, &format!("{path}.AndConditions[{i}]"), fields, problems));
        parts.push(Criteria::And(all.collect()));
    }
    if let Some(any) = &input.or_conditions {
        let any = any
            .iter()
            .enumerate()
            .map(|(i, c)| search_criteria(c, &format!("{path}.OrConditions[{i}]"), fields, problems));
        parts.push(Criteria::Or(any.collect()));
    }
    match parts.len() {
        0 => Criteria::Any,
        1 => parts.pop().unwrap_or(Criteria::Any),
        _ => Criteria::And(parts),
    }
}

fn security_profile_count(ids: &[String]) -> Option<String> {
    (ids.is_empty() || ids.len() > 10).then(|| format!("SecurityProfileIds must hold 1 to 10 ids, got {}", ids.len()))
}

fn page_from_query(route: &Route) -> Result<PageRequest, ApiError> {
    let max_results = route
        .query_one("maxResults")
        .map(|raw| {
            raw.parse::<i64>().map_err(|_| ApiError::invalid_parameter(format!("maxResults is not a number: {raw:?}")))
        })
        .transpose()?;
    Ok(PageRequest { next_token: route.query_one("nextToken").map(str::to_owned), max_results })
}

/// Decodes a JSON body; an empty body reads as `{}`.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    serde_json::from_slice(body).map_err(|e| ApiError::invalid_request(format!("the request body is not valid: {e}")))
}

/// The store survives a panicking holder: each operation leaves it consistent before it can panic.
pub fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}
