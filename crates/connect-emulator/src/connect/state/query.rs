//! The operations that read many users: `ListUsers`, `SearchUsers` with its criteria, `ListUserProficiencies`;
//! the search criteria and pagination (page sizes and opaque tokens) every list and search shares.

use serde_json::{Value, json};

use super::Store;
use crate::connect::error::ApiError;
use crate::connect::model::User;

/// Largest page of `ListUsers`.
pub const LIST_USERS_MAX: usize = 1000;
/// Default page of `ListUsers`.
pub const LIST_USERS_DEFAULT: usize = 100;
/// Largest (and default) page of `ListUserProficiencies` and `SearchUsers`.
pub const PAGE_100: usize = 100;

/// A page request: an opaque token and a size.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// The string conditions of a search (`SearchUsers`, `SearchRoutingProfiles`, …).
#[derive(Debug, Clone, PartialEq)]
pub enum Criteria {
    Any,
    Field { field: SearchField, value: String, comparison: Comparison },
    And(Vec<Criteria>),
    Or(Vec<Criteria>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SearchField {
    Username,
    FirstName,
    LastName,
    ResourceId,
    /// The name of a routing profile, security profile or hierarchy group.
    Name,
    /// The id of the group above a hierarchy group.
    ParentId,
    /// The level of a hierarchy group, "1" to "5".
    LevelId,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    Exact,
    Contains,
    StartsWith,
}

impl Criteria {
    /// Whether the item whose fields `value_of` gives matches; `fold_case` compares without regard to case.
    pub fn matches<'a>(&self, value_of: &impl Fn(SearchField) -> Option<&'a str>, fold_case: bool) -> bool {
        match self {
            Self::Any => true,
            Self::And(all) => all.iter().all(|c| c.matches(value_of, fold_case)),
            Self::Or(any) => any.iter().any(|c| c.matches(value_of, fold_case)),
            Self::Field { field, value, comparison } => value_of(*field).is_some_and(|candidate| {
                let (candidate, value) = if fold_case {
                    (candidate.to_lowercase(), value.to_lowercase())
                } else {
                    (candidate.to_owned(), value.clone())
                };
                match comparison {
                    Comparison::Exact => candidate == value,
                    Comparison::Contains => candidate.contains(value.as_str()),
                    Comparison::StartsWith => candidate.starts_with(value.as_str()),
                }
            }),
        }
    }

    fn matches_user(&self, user: &User) -> bool {
        let identity = user.identity_info.as_ref();
        let value_of = |field| match field {
            SearchField::Username => Some(user.username.as_str()),
            SearchField::FirstName => identity.and_then(|i| i.first_name.as_deref()),
            SearchField::LastName => identity.and_then(|i| i.last_name.as_deref()),
            SearchField::ResourceId => Some(user.id.as_str()),
            SearchField::Name | SearchField::ParentId | SearchField::LevelId => None,
        };
        self.matches(&value_of, false)
    }
}

impl Store {
    pub fn list_proficiencies(&self, instance: &str, user: &str, page: &PageRequest) -> Result<Value, ApiError> {
        let u = self.user(instance, user)?;
        let size = self.page_len(page, PAGE_100, PAGE_100)?;
        let all = u.proficiencies_json();
        let (items, next) = paginate(&all, page, size, |p| {
            // NUL sorts first, so these keys order like the (name, value) map they come from.
            format!(
                "{}\0{}",
                p["AttributeName"].as_str().unwrap_or_default(),
                p["AttributeValue"].as_str().unwrap_or_default()
            )
        })?;
        let mut out = json!({
            "UserProficiencyList": items,
            "LastModifiedTime": u.proficiencies_modified,
            "LastModifiedRegion": self.region_of(&u.instance_id),
        });
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    pub fn list_users(&self, instance: &str, page: &PageRequest) -> Result<Value, ApiError> {
        let inst = self.instance(instance)?;
        let size = self.page_len(page, LIST_USERS_DEFAULT, LIST_USERS_MAX)?;
        let all: Vec<Value> = inst
            .users
            .values()
            .filter(|u| !self.visibility.is_hidden(&u.id))
            .map(|u| u.summary_json(&inst.region))
            .collect();
        let (items, next) = paginate(&all, page, size, |u| u["Id"].as_str().unwrap_or_default().to_owned())?;
        let mut out = json!({"UserSummaryList": items});
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    pub fn search_users(&self, instance: &str, criteria: &Criteria, page: &PageRequest) -> Result<Value, ApiError> {
        let inst = self.instance(instance)?;
        let size = self.page_len(page, PAGE_100, PAGE_100)?;
        let all: Vec<Value> = inst
            .users
            .values()
            .filter(|u| !self.visibility.is_hidden(&u.id) && criteria.matches_user(u))
            .map(User::search_summary_json)
            .collect();
        let (items, next) = paginate(&all, page, size, |u| u["Id"].as_str().unwrap_or_default().to_owned())?;
        let mut out = json!({"Users": items, "ApproximateTotalCount": all.len()});
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    pub(super) fn page_len(&self, page: &PageRequest, default: usize, max: usize) -> Result<usize, ApiError> {
        match page.max_results {
            None => Ok(self.page_size.unwrap_or(default).clamp(1, max)),
            Some(n) if n >= 1 && n as u64 <= max as u64 => Ok(n as usize),
            Some(n) => Err(ApiError::invalid_parameter(format!("MaxResults must be between 1 and {max}, got {n}"))),
        }
    }
}

/// One page of `all` after the item whose key the token names. Tokens are opaque: hex of the last key.
pub(super) fn paginate(
    all: &[Value],
    page: &PageRequest,
    size: usize,
    key: impl Fn(&Value) -> String,
) -> Result<(Vec<Value>, Option<String>), ApiError> {
    let start = match &page.next_token {
        None => 0,
        Some(token) => {
            let last = decode_token(token).ok_or_else(|| ApiError::invalid_parameter("Invalid NextToken"))?;
            all.iter().position(|item| key(item) > last).unwrap_or(all.len())
        }
    };
    let end = (start + size).min(all.len());
    let items = all[start..end].to_vec();
    let next = (end < all.len()).then(|| items.last().map(|item| encode_token(&key(item)))).flatten();
    Ok((items, next))
}

const TOKEN_PREFIX: &str = "ce1.";

fn encode_token(key: &str) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{TOKEN_PREFIX}{hex}")
}

fn decode_token(token: &str) -> Option<String> {
    let hex = token.strip_prefix(TOKEN_PREFIX)?;
    if hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        assert_eq!(decode_token(&encode_token("Skill=\"Billing\"")).as_deref(), Some("Skill=\"Billing\""));
        assert_eq!(decode_token("garbage"), None);
    }

    #[test]
    fn pages_follow_keys() {
        let all: Vec<Value> = (0..5).map(|i| json!({"Id": format!("u{i}")})).collect();
        let key = |v: &Value| v["Id"].as_str().unwrap_or_default().to_owned();
        let first = paginate(&all, &PageRequest::default(), 2, key);
        let Ok((items, Some(token))) = first else { panic!("expected a second page") };
        assert_eq!(items.len(), 2);
        let second = paginate(&all, &PageRequest { next_token: Some(token), max_results: None }, 2, key);
        let Ok((items, _)) = second else { panic!("expected a page") };
        assert_eq!(items[0]["Id"], "u2");
    }
}
