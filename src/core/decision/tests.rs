//! The decision, case by case: every row of the module's table, each request kind, the reads it asks for, and the
//! owner tag's two forms.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::core::arn::{InstanceArn, ResourceKind, TrafficDistributionGroupArn};
use crate::core::model::{IdentityInfo, PhoneConfig, Tags};
use crate::core::names::{Found, NameKind};

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1";
const STACK: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid-1";

fn instance() -> InstanceArn {
    InstanceArn::parse(INSTANCE).unwrap()
}

fn owner_tag() -> OwnerTag {
    OwnerTag::new(STACK, "UserJane")
}

fn other_owner() -> OwnerTag {
    OwnerTag::new(STACK, "UserOther")
}

/// A template that takes `jane` over (no password: an exported one).
fn adopting() -> Value {
    json!({
        "InstanceArn": INSTANCE,
        "Username": "jane",
        "RoutingProfileArn": format!("{INSTANCE}/routing-profile/rp-1"),
        "SecurityProfileArns": [format!("{INSTANCE}/security-profile/sp-1")],
        "IdentityInfo": {"FirstName": "Jane", "LastName": "Doe"},
        "Tags": [{"Key": "team", "Value": "a"}],
        "AdoptExisting": "true",
    })
}

/// The same template, creating: a password, no `AdoptExisting`.
fn creating() -> Value {
    let mut p = adopting();
    p.as_object_mut().unwrap().remove("AdoptExisting");
    p["Password"] = json!("Welcome-2026-Agent");
    p
}

/// `jane` as Connect holds her when she matches the template, with these extra tags.
fn jane(id: &str, tags: &[(&str, &str)]) -> LiveUser {
    let i = instance();
    let mut all: Tags = tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    all.insert("team".into(), "a".into());
    LiveUser {
        arn: UserArn::new(&i, id),
        username: "jane".into(),
        routing_profile: i.child(ResourceKind::RoutingProfile, "rp-1"),
        security_profiles: vec![i.child(ResourceKind::SecurityProfile, "sp-1")],
        directory_user_id: None,
        hierarchy_group: None,
        identity_info: IdentityInfo {
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            ..Default::default()
        },
        phone_config: PhoneConfig::default(),
        channels: Default::default(),
        proficiencies: None,
        tags: all,
        traffic_distribution_groups: None,
    }
}

fn found(live: LiveUser) -> Seen {
    Seen::Found(Box::new(live))
}

fn plain() -> (&'static str, String) {
    (OWNER_TAG_KEY, owner_tag().plain().to_owned())
}

fn with_tag(id: &str, value: &str) -> LiveUser {
    jane(id, &[(OWNER_TAG_KEY, value)])
}

/// A decision with everything this resource knows, as the function has it.
struct Case<'a> {
    request: Request<'a>,
    identity: Option<IdentityManagement>,
    home: Option<Home>,
    current: Seen,
    holder: Seen,
    create_sent: bool,
    known: bool,
    names: Resolved,
    groups: BTreeMap<TrafficDistributionGroupArn, String>,
}

impl<'a> Case<'a> {
    fn new(request: Request<'a>) -> Self {
        Self {
            request,
            identity: Some(IdentityManagement::ConnectManaged),
            home: None,
            current: Seen::Unread,
            holder: Seen::Unread,
            create_sent: false,
            known: true,
            names: Resolved::default(),
            groups: BTreeMap::new(),
        }
    }

    fn holder(mut self, holder: Seen) -> Self {
        self.holder = holder;
        self
    }

    fn current(mut self, current: Seen) -> Self {
        self.current = current;
        self
    }

    fn decide(&self) -> Decision {
        let tag = owner_tag();
        decide(&Situation {
            request: &self.request,
            owner: Owner { tag: &tag, known: self.known },
            identity: self.identity,
            home: self.home.as_ref(),
            current: &self.current,
            holder: &self.holder,
            names: &self.names,
            groups: &self.groups,
            create_sent: self.create_sent,
        })
    }
}

fn user(id: &str) -> UserArn {
    UserArn::new(&instance(), id)
}

fn update(properties: &Value, old: &Value, id: &str) -> Case<'static> {
    // Leaked so the case can borrow them for the test's length: a test process is short.
    let properties: &'static Value = Box::leak(Box::new(properties.clone()));
    let old: &'static Value = Box::leak(Box::new(old.clone()));
    Case::new(Request::Update { properties, old, physical: PhysicalId::User(user(id)) })
}

fn converged(decision: &Decision) -> &Convergence {
    match decision {
        Decision::Converge(c) => c,
        other => panic!("expected Converge, got {other:?}"),
    }
}

fn refused(decision: &Decision) -> String {
    match decision {
        Decision::Refuse(failure) => failure.to_string(),
        other => panic!("expected Refuse, got {other:?}"),
    }
}

fn holder_read(username: &str, proficiencies: bool) -> Decision {
    let also = Also { proficiencies, groups: vec![] };
    Decision::Read(Read::Holder { instance: instance(), username: username.to_owned(), also })
}

fn current_read(id: &str, proficiencies: bool) -> Decision {
    Decision::Read(Read::Current { user: user(id), also: Also { proficiencies, groups: vec![] } })
}

/// A Delete's properties: none that it reads.
fn nothing() -> &'static Value {
    Box::leak(Box::new(json!({})))
}

fn deletion(id: &str) -> Decision {
    Decision::Delete(Deletion { user: user(id), leave: vec![] })
}

fn adopted_tag() -> Call {
    Call::Tag(BTreeMap::from([(OWNER_TAG_KEY.to_owned(), owner_tag().adopted().to_owned())]))
}

#[test]
fn a_plain_create_asks_create_user_first_with_the_plain_owner_tag() {
    let p = creating();
    for holder in [Seen::Unread, Seen::Absent] {
        let decision = Case::new(Request::Create { properties: &p }).holder(holder).decide();
        let Decision::Create(creation) = &decision else { panic!("{decision:?}") };
        assert_eq!(creation.request.tags.get(OWNER_TAG_KEY).map(String::as_str), Some(owner_tag().plain()));
        assert_eq!(creation.request.username, "jane");
        assert_eq!(creation.then, []);
        assert_eq!(creation.replaces, None);
        assert_eq!(decision.action(), Some(Action::Create));
    }
}

#[test]
fn proficiencies_follow_create_user() {
    let mut p = creating();
    p["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    let Decision::Create(creation) = Case::new(Request::Create { properties: &p }).decide() else { panic!() };
    assert!(matches!(creation.then.as_slice(), [Call::AssociateProficiencies(levels)] if levels.len() == 1));
}

#[test]
fn a_take_over_looks_first_and_needs_no_password() {
    let p = adopting();
    let case = Case::new(Request::Create { properties: &p });
    assert_eq!(case.decide(), holder_read("jane", false));
    assert_eq!(case.decide().action(), None, "a read is no action yet");

    let found = case.holder(found(jane("u-1", &[])));
    let decision = found.decide();
    let c = converged(&decision);
    assert_eq!(
        (c.user.clone(), c.how, c.calls.clone()),
        (user("u-1"), How::TakenOver { tagged: false }, vec![adopted_tag()])
    );
    assert_eq!(decision.action(), Some(Action::Adopt));
    assert!(decision.tag_only());
}

#[test]
fn a_take_over_reads_proficiencies_when_the_template_has_some() {
    let mut p = adopting();
    p["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    assert_eq!(Case::new(Request::Create { properties: &p }).decide(), holder_read("jane", true));
}

#[test]
fn a_take_over_that_finds_nobody_needs_a_password_on_connect_managed_only() {
    let p = adopting();
    let case = Case::new(Request::Create { properties: &p }).holder(Seen::Absent);
    let reason = refused(&case.decide());
    assert_eq!(
        reason,
        "invalid properties: Password: required (or PasswordSecretArn) to create a user, the instance uses \
         CONNECT_MANAGED for identity management, and AdoptExisting found no user named \"jane\" to take over"
    );
    // Unknown type: Connect decides.
    let unknown = Case { identity: None, ..Case::new(Request::Create { properties: &p }).holder(Seen::Absent) };
    assert!(matches!(unknown.decide(), Decision::Create(_)));
    // With a password it is created.
    let mut with_password = adopting();
    with_password["Password"] = json!("Welcome-2026-Agent");
    let case = Case::new(Request::Create { properties: &with_password }).holder(Seen::Absent);
    assert!(matches!(case.decide(), Decision::Create(_)));
    let mut with_secret = adopting();
    with_secret["PasswordSecretArn"] = json!("arn:aws:secretsmanager:us-east-1:123456789012:secret:agent-pw-AbCdEf");
    let case = Case::new(Request::Create { properties: &with_secret }).holder(Seen::Absent);
    assert!(matches!(case.decide(), Decision::Create(_)));
}

#[test]
fn a_plain_create_without_a_password_is_refused_up_front_with_every_problem() {
    let mut p = creating();
    p.as_object_mut().unwrap().remove("Password");
    p["Username"] = json!("j a n e");
    let reason = refused(&Case::new(Request::Create { properties: &p }).decide());
    assert!(reason.contains("Username: may contain only letters"), "{reason}");
    assert!(
        reason.contains("Password: required (or PasswordSecretArn), the instance uses CONNECT_MANAGED"),
        "{reason}"
    );
}

#[test]
fn an_untagged_holder_is_taken_only_when_the_template_asks() {
    let p = creating();
    let reason = refused(&Case::new(Request::Create { properties: &p }).holder(found(jane("u-1", &[]))).decide());
    assert!(reason.contains("(it has no owner tag); set AdoptExisting"), "{reason}");
}

#[test]
fn another_resources_user_is_never_taken_in_either_form() {
    for held in [other_owner().plain().to_owned(), other_owner().adopted().to_owned()] {
        for p in [adopting(), creating()] {
            let case = Case::new(Request::Create { properties: &p }).holder(found(with_tag("u-1", &held)));
            let reason = refused(&case.decide());
            assert!(reason.contains(&format!("names another stack or logical resource ({held:?}, ")), "{reason}");
        }
    }
}

#[test]
fn the_plain_form_is_a_repeated_creates_own_user_and_answerable() {
    for p in [creating(), adopting()] {
        let (_, value) = plain();
        let case = Case::new(Request::Create { properties: &p }).holder(found(with_tag("u-1", &value)));
        let decision = case.decide();
        let c = converged(&decision);
        assert_eq!((c.how, c.calls.clone()), (How::Made, vec![]));
        assert_eq!(decision.action(), Some(Action::NoChange));
        assert!(!decision.tag_only());
    }
}

#[test]
fn the_take_over_form_is_still_a_take_over_on_every_delivery() {
    // An earlier delivery took the user over and died: the repeat must not count it as made here.
    for p in [adopting(), creating()] {
        let case = Case::new(Request::Create { properties: &p }).holder(found(with_tag("u-1", owner_tag().adopted())));
        let decision = case.decide();
        let c = converged(&decision);
        assert_eq!((c.how, c.calls.clone()), (How::TakenOver { tagged: true }, vec![]));
        assert_eq!(decision.action(), Some(Action::NoChange));
    }
    // What differs is still brought to the template.
    let mut changed = adopting();
    changed["IdentityInfo"]["LastName"] = json!("Roe");
    let case =
        Case::new(Request::Create { properties: &changed }).holder(found(with_tag("u-1", owner_tag().adopted())));
    let decision = case.decide();
    assert_eq!(decision.action(), Some(Action::Update));
    assert!(matches!(converged(&decision).calls.as_slice(), [Call::UpdateIdentityInfo(_)]));
}

#[test]
fn a_holder_whose_username_or_instance_differs_is_not_the_templates() {
    let p = adopting();
    let mut other = jane("u-1", &[]);
    other.username = "janet".into();
    let reason = refused(&Case::new(Request::Create { properties: &p }).holder(found(other)).decide());
    assert!(reason.contains("does not match the template's instance and username"), "{reason}");
}

#[test]
fn a_take_over_that_cannot_change_the_directory_id_is_refused_as_an_adoption() {
    let mut p = adopting();
    p["DirectoryUserId"] = json!("d-2");
    let mut held = jane("u-1", &[]);
    held.directory_user_id = Some("d-1".into());
    let reason = refused(&Case::new(Request::Create { properties: &p }).holder(found(held)).decide());
    assert!(reason.starts_with("cannot adopt the existing user: DirectoryUserId cannot be changed"), "{reason}");
}

#[test]
fn an_update_of_a_failed_creates_marker_makes_the_user_as_a_create() {
    let p = creating();
    let old = json!({});
    let request = Request::Update { properties: &p, old: &old, physical: PhysicalId::NoUser };
    assert!(matches!(Case::new(request.clone()).decide(), Decision::Create(_)));
    // Its password is checked up front too.
    let mut bare = creating();
    bare.as_object_mut().unwrap().remove("Password");
    let request = Request::Update { properties: &bare, old: &old, physical: PhysicalId::NoUser };
    assert!(refused(&Case::new(request).decide()).contains("Password: required"));
}

#[test]
fn an_update_reads_the_current_user_then_reconciles_only_what_differs() {
    let (_, value) = plain();
    let case = update(&creating(), &creating(), "u-1");
    assert_eq!(case.decide(), current_read("u-1", false));
    let same = case.current(found(with_tag("u-1", &value)));
    let decision = same.decide();
    assert_eq!(converged(&decision).how, How::Own);
    assert_eq!(decision.action(), Some(Action::NoChange));

    let mut changed = creating();
    changed["Tags"] = json!([{"Key": "team", "Value": "b"}]);
    let decision = update(&changed, &creating(), "u-1").current(found(with_tag("u-1", &value))).decide();
    assert_eq!(converged(&decision).calls, [Call::Tag(BTreeMap::from([("team".to_owned(), "b".to_owned())]))]);
    assert_eq!(decision.action(), Some(Action::Update));
}

#[test]
fn an_update_drops_what_the_previous_template_set() {
    let (_, value) = plain();
    let mut dropped = creating();
    dropped.as_object_mut().unwrap().remove("Tags");
    let decision = update(&dropped, &creating(), "u-1").current(found(with_tag("u-1", &value))).decide();
    assert_eq!(converged(&decision).calls, [Call::Untag(vec!["team".to_owned()])]);
    assert_eq!(converged(&decision).old.tag_keys, ["team"]);
}

#[test]
fn an_update_reads_proficiencies_when_either_template_has_some() {
    let mut with = creating();
    with["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    for (new, old) in [(&with, &creating()), (&creating(), &with)] {
        assert_eq!(update(new, old, "u-1").decide(), current_read("u-1", true));
    }
}

#[test]
fn an_update_whose_user_is_gone_is_refused() {
    let reason = refused(&update(&creating(), &creating(), "u-1").current(Seen::Absent).decide());
    assert!(reason.starts_with("the user no longer exists"), "{reason}");
}

#[test]
fn an_update_of_a_user_handed_over_is_refused() {
    let held = other_owner().plain().to_owned();
    let reason = refused(&update(&creating(), &creating(), "u-1").current(found(with_tag("u-1", &held))).decide());
    assert!(reason.contains("was handed over to another stack or logical resource"), "{reason}");
}

#[test]
fn a_replacement_looks_first_and_then_creates_the_new_user() {
    let (_, value) = plain();
    let mut renamed = creating();
    renamed["Username"] = json!("jane.doe");
    let case = update(&renamed, &creating(), "u-1").current(found(with_tag("u-1", &value)));
    assert_eq!(case.decide(), holder_read("jane.doe", false));
    let decision = case.holder(Seen::Absent).decide();
    let Decision::Create(creation) = &decision else { panic!("{decision:?}") };
    assert_eq!(creation.request.username, "jane.doe");
    assert_eq!(creation.replaces, Some(user("u-1")));
    assert_eq!(decision.action(), Some(Action::Replace));
}

#[test]
fn a_replacement_without_a_password_on_connect_managed_is_refused_before_create_user() {
    let (_, value) = plain();
    let mut renamed = adopting();
    renamed["Username"] = json!("jane.doe");
    let case = update(&renamed, &adopting(), "u-1").current(found(with_tag("u-1", &value))).holder(Seen::Absent);
    let reason = refused(&case.decide());
    assert!(reason.contains("Password: required (or PasswordSecretArn) to create a user"), "{reason}");
    assert!(reason.contains("the template replaces the user"), "{reason}");
}

#[test]
fn a_replacement_that_finds_the_resources_earlier_user_goes_back_to_it_without_answering_for_it() {
    // The rollback of a replacement: the user it goes back to is the resource's own, from before.
    let (_, value) = plain();
    let mut renamed = creating();
    renamed["Username"] = json!("jane.doe");
    let mut earlier = with_tag("u-0", &value);
    earlier.username = "jane.doe".into();
    let case =
        update(&renamed, &creating(), "u-1").current(found(with_tag("u-1", &value))).holder(found(earlier.clone()));
    let decision = case.decide();
    let c = converged(&decision);
    assert_eq!((c.how, c.user.clone(), c.replaces.clone()), (How::Own, user("u-0"), Some(user("u-1"))));
    assert_eq!(decision.action(), Some(Action::Replace));
    // Found only after its own CreateUser was told the name is taken: the user it made.
    let sent = Case { create_sent: true, ..case };
    assert_eq!(converged(&sent.decide()).how, How::Made);
}

#[test]
fn a_replacement_never_takes_another_resources_user() {
    let (_, value) = plain();
    let mut renamed = adopting();
    renamed["Username"] = json!("jane.doe");
    let mut stranger = with_tag("u-9", other_owner().plain());
    stranger.username = "jane.doe".into();
    let case = update(&renamed, &adopting(), "u-1").current(found(with_tag("u-1", &value))).holder(found(stranger));
    assert!(refused(&case.decide()).contains("names another stack or logical resource"));
}

#[test]
fn an_invalid_template_is_refused_before_any_read() {
    let mut p = creating();
    p["Username"] = json!("");
    for decision in [Case::new(Request::Create { properties: &p }).decide(), update(&p, &creating(), "u-1").decide()] {
        assert!(refused(&decision).starts_with("invalid properties: Username"), "{decision:?}");
    }
}

#[test]
fn an_instance_out_of_the_functions_reach_is_refused_up_front() {
    let home = Home::from_function_arn("arn:aws:lambda:us-east-1:999999999999:function:f").unwrap();
    let p = creating();
    let case = Case { home: Some(home.clone()), ..Case::new(Request::Create { properties: &p }) };
    let reason = refused(&case.decide());
    assert!(reason.starts_with("invalid properties: InstanceArn: is in account 123456789012"), "{reason}");
    let delete = Case {
        home: Some(home),
        ..Case::new(Request::Delete { physical: PhysicalId::User(user("u-1")), properties: nothing() })
    };
    assert!(refused(&delete.decide()).starts_with(&format!("the user {} is in account", user("u-1"))));
}

#[test]
fn identity_rules_apply_to_updates_except_the_password() {
    let mut saml = creating();
    saml["IdentityInfo"]["Email"] = json!("jane@example.com");
    let case = Case { identity: Some(IdentityManagement::Saml), ..update(&saml, &saml, "u-1") };
    let reason = refused(&case.decide());
    assert!(reason.contains("Password: not allowed") && reason.contains("IdentityInfo.Email: not allowed"), "{reason}");
    let mut bare = creating();
    bare.as_object_mut().unwrap().remove("Password");
    assert!(matches!(update(&bare, &bare, "u-1").decide(), Decision::Read(_)));
}

#[test]
fn a_delete_deletes_the_resources_user_in_either_form_or_an_untagged_one() {
    let request = Request::Delete { physical: PhysicalId::User(user("u-1")), properties: nothing() };
    let case = Case::new(request.clone());
    assert_eq!(case.decide(), current_read("u-1", false));
    for live in [with_tag("u-1", owner_tag().plain()), with_tag("u-1", owner_tag().adopted()), jane("u-1", &[])] {
        let decision = Case::new(request.clone()).current(found(live)).decide();
        assert_eq!(decision, deletion("u-1"));
        assert_eq!(decision.action(), Some(Action::Delete));
    }
}

#[test]
fn a_delete_leaves_a_handed_over_user_a_gone_one_and_a_marker_alone() {
    let request = Request::Delete { physical: PhysicalId::User(user("u-1")), properties: nothing() };
    let held = other_owner().adopted().to_owned();
    let decision = Case::new(request.clone()).current(found(with_tag("u-1", &held))).decide();
    assert_eq!(decision, Decision::Leave(Left::HandedOver { user: user("u-1"), owner: held }));
    assert_eq!(decision.action(), Some(Action::Retain));
    let gone = Case::new(request).current(Seen::Absent).decide();
    assert_eq!((gone.clone(), gone.action()), (Decision::Leave(Left::Gone), Some(Action::NoChange)));
    let marker = Case::new(Request::Delete { physical: PhysicalId::NoUser, properties: nothing() }).decide();
    assert_eq!((marker.clone(), marker.action()), (Decision::Leave(Left::NoUser), Some(Action::NoChange)));
}

#[test]
fn a_delete_never_validates_the_properties() {
    // Nothing in a Delete reads them: the request carries only the id.
    let decision = Case::new(Request::Delete { physical: PhysicalId::NoUser, properties: nothing() }).decide();
    assert_eq!(decision, Decision::Leave(Left::NoUser));
}

#[test]
fn without_the_owner_any_tagged_user_is_unknown_and_an_untagged_one_is_decided() {
    let unknown = |case: Case<'_>| Case { known: false, ..case }.decide();
    let p = adopting();
    let tagged = with_tag("u-1", "guid-9/UserJane");
    let expected = Decision::OwnerUnknown { user: user("u-1"), tag: "guid-9/UserJane".into() };
    assert_eq!(unknown(Case::new(Request::Create { properties: &p }).holder(found(tagged.clone()))), expected);
    assert_eq!(unknown(update(&creating(), &creating(), "u-1").current(found(tagged.clone()))), expected);
    let delete = Case::new(Request::Delete { physical: PhysicalId::User(user("u-1")), properties: nothing() });
    assert_eq!(unknown(delete.current(found(tagged))), expected);
    assert_eq!(expected.action(), Some(Action::OwnerUnknown));
    // Untagged or absent: nothing depends on the owner.
    let untagged = unknown(Case::new(Request::Create { properties: &p }).holder(found(jane("u-1", &[]))));
    assert_eq!(untagged.action(), Some(Action::Adopt));
    let mut with_password = adopting();
    with_password["Password"] = json!("Welcome-2026-Agent");
    assert!(matches!(
        unknown(Case::new(Request::Create { properties: &with_password }).holder(Seen::Absent)),
        Decision::Create(_)
    ));
}

#[test]
fn actions_read_as_terraform_words_and_say_whether_they_change_connect() {
    let changing =
        [Action::Create, Action::Adopt, Action::Update, Action::Replace, Action::Delete, Action::OwnerUnknown];
    for action in changing {
        assert!(action.changes(), "{action:?}");
    }
    for action in [Action::NoChange, Action::Refuse, Action::Retain] {
        assert!(!action.changes(), "{action:?}");
    }
    let words: Vec<&str> = [
        Action::Create,
        Action::Adopt,
        Action::Update,
        Action::Replace,
        Action::NoChange,
        Action::Refuse,
        Action::Delete,
        Action::Retain,
        Action::OwnerUnknown,
    ]
    .into_iter()
    .map(Action::as_str)
    .collect();
    assert_eq!(
        words,
        ["create", "adopt", "update", "replace", "no changes", "refused", "delete", "retain", "owner unknown"]
    );
}

#[test]
fn a_take_over_with_more_than_the_owner_tag_is_not_tag_only() {
    let mut p = adopting();
    p["IdentityInfo"]["LastName"] = json!("Roe");
    let decision = Case::new(Request::Create { properties: &p }).holder(found(jane("u-1", &[]))).decide();
    assert_eq!(decision.action(), Some(Action::Adopt));
    assert!(!decision.tag_only());
}

fn group(id: &str) -> TrafficDistributionGroupArn {
    TrafficDistributionGroupArn::parse(&format!(
        "arn:aws:connect:us-east-1:123456789012:traffic-distribution-group/{id}"
    ))
    .unwrap()
}

/// `creating()` with the profiles and the group given by name.
fn by_names() -> Value {
    let mut p = creating();
    let p_map = p.as_object_mut().unwrap();
    p_map.remove("RoutingProfileArn");
    p_map.remove("SecurityProfileArns");
    p["RoutingProfileName"] = json!("Sales");
    p["SecurityProfileNames"] = json!(["Agent"]);
    p["HierarchyGroupPath"] = json!("Europe/Berlin/Team 4");
    p
}

fn resolved_all(case: &mut Case<'_>) {
    let i = instance();
    case.names.insert(
        Wanted { kind: NameKind::RoutingProfile, name: "Sales".into() },
        Found::One(i.child(ResourceKind::RoutingProfile, "rp-1")),
    );
    case.names.insert(
        Wanted { kind: NameKind::SecurityProfile, name: "Agent".into() },
        Found::One(i.child(ResourceKind::SecurityProfile, "sp-1")),
    );
    case.names.insert(
        Wanted { kind: NameKind::HierarchyGroup, name: "Europe/Berlin/Team 4".into() },
        Found::One(i.child(ResourceKind::AgentGroup, "g-4")),
    );
}

#[test]
fn names_are_resolved_once_everything_else_holds_and_then_stand_for_their_arns() {
    let p = by_names();
    let mut case = Case::new(Request::Create { properties: &p });
    let Decision::Read(Read::Names { instance: at, wanted }) = case.decide() else { panic!("{:?}", case.decide()) };
    assert_eq!(at, instance());
    assert_eq!(
        wanted,
        [
            Wanted { kind: NameKind::RoutingProfile, name: "Sales".into() },
            Wanted { kind: NameKind::SecurityProfile, name: "Agent".into() },
            Wanted { kind: NameKind::HierarchyGroup, name: "Europe/Berlin/Team 4".into() },
        ]
    );
    resolved_all(&mut case);
    let Decision::Create(creation) = case.decide() else { panic!("{:?}", case.decide()) };
    assert_eq!(creation.request.routing_profile, instance().child(ResourceKind::RoutingProfile, "rp-1"));
    assert_eq!(creation.request.security_profiles, [instance().child(ResourceKind::SecurityProfile, "sp-1")]);
    assert_eq!(creation.request.hierarchy_group, Some(instance().child(ResourceKind::AgentGroup, "g-4")));
    assert_eq!(creation.spec.named.routing_profile.as_deref(), Some("Sales"));
    assert_eq!(creation.spec.named.hierarchy_group.as_deref(), Some("Europe/Berlin/Team 4"));
}

#[test]
fn a_template_invalid_otherwise_is_refused_before_any_name_is_looked_up() {
    let mut p = by_names();
    p["Username"] = json!("");
    assert!(
        refused(&Case::new(Request::Create { properties: &p }).decide()).starts_with("invalid properties: Username")
    );
}

#[test]
fn a_name_that_matches_nothing_or_several_things_is_refused_naming_the_property_the_name_and_the_closest() {
    let p = by_names();
    let mut case = Case::new(Request::Create { properties: &p });
    resolved_all(&mut case);
    case.names.insert(
        Wanted { kind: NameKind::RoutingProfile, name: "Sales".into() },
        Found::Nothing { closest: vec!["Sales EU".into()] },
    );
    let i = instance();
    case.names.insert(
        Wanted { kind: NameKind::SecurityProfile, name: "Agent".into() },
        Found::Several(vec![i.child(ResourceKind::SecurityProfile, "a"), i.child(ResourceKind::SecurityProfile, "b")]),
    );
    let reason = refused(&case.decide());
    assert!(
        reason.contains("RoutingProfileName: no routing profile is named \"Sales\"")
            && reason.contains("the closest: \"Sales EU\""),
        "{reason}"
    );
    assert!(reason.contains("SecurityProfileNames[0]: 2 security profiles are named \"Agent\""), "{reason}");
}

#[test]
fn a_name_and_its_arn_together_are_refused_and_neither_is_required_where_one_is() {
    let mut both = creating();
    both["RoutingProfileName"] = json!("Sales");
    let reason = refused(&Case::new(Request::Create { properties: &both }).decide());
    assert!(reason.contains("RoutingProfileName: excludes RoutingProfileArn"), "{reason}");
    let mut neither = creating();
    neither.as_object_mut().unwrap().remove("SecurityProfileArns");
    let reason = refused(&Case::new(Request::Create { properties: &neither }).decide());
    assert!(reason.contains("SecurityProfileArns: required (or SecurityProfileNames)"), "{reason}");
}

#[test]
fn an_update_compares_what_the_names_resolve_to() {
    let (_, value) = plain();
    let p = by_names();
    let live = LiveUser {
        hierarchy_group: Some(instance().child(ResourceKind::AgentGroup, "g-4")),
        ..with_tag("u-1", &value)
    };
    let mut case = update(&p, &p, "u-1").current(found(live.clone()));
    resolved_all(&mut case);
    assert_eq!(case.decide().action(), Some(Action::NoChange), "renaming a profile in the console is no drift");
    // The name now resolves to another routing profile (deleted and made again): an update.
    case.names.insert(
        Wanted { kind: NameKind::RoutingProfile, name: "Sales".into() },
        Found::One(instance().child(ResourceKind::RoutingProfile, "rp-new")),
    );
    let decision = case.decide();
    assert!(matches!(converged(&decision).calls.as_slice(), [Call::UpdateRoutingProfile(rp)] if rp.id() == "rp-new"));
}

#[test]
fn a_user_joins_the_templates_groups_once_they_are_known_to_be_active() {
    let mut p = creating();
    p["TrafficDistributionGroupArns"] = json!([group("g-1").as_str()]);
    let mut case = Case::new(Request::Create { properties: &p });
    assert_eq!(case.decide(), Decision::Read(Read::Groups(vec![group("g-1")])));
    case.groups.insert(group("g-1"), ACTIVE.into());
    let Decision::Create(creation) = case.decide() else { panic!() };
    assert_eq!(creation.then, [Call::JoinTrafficDistributionGroup(group("g-1"))]);
    case.groups.insert(group("g-1"), "PENDING_DELETION".into());
    let reason = refused(&case.decide());
    assert!(
        reason.contains(&format!(
            "TrafficDistributionGroupArns[0]: the traffic distribution group {} is PENDING_DELETION, not ACTIVE",
            group("g-1")
        )),
        "{reason}"
    );
}

#[test]
fn an_update_joins_and_leaves_groups_by_the_templates_and_reads_only_what_it_needs() {
    let (_, value) = plain();
    let mut old = creating();
    old["TrafficDistributionGroupArns"] = json!([group("g-1").as_str(), group("g-2").as_str()]);
    let mut new = creating();
    new["TrafficDistributionGroupArns"] = json!([group("g-1").as_str(), group("g-3").as_str()]);
    let case = update(&new, &old, "u-1");
    assert_eq!(
        case.decide(),
        Decision::Read(Read::Current {
            user: user("u-1"),
            also: Also { proficiencies: false, groups: vec![group("g-1"), group("g-2"), group("g-3")] }
        })
    );
    let live = LiveUser {
        traffic_distribution_groups: Some([group("g-1"), group("g-2")].into_iter().collect()),
        ..with_tag("u-1", &value)
    };
    let mut case = case.current(found(live));
    assert_eq!(case.decide(), Decision::Read(Read::Groups(vec![group("g-3")])), "only the group it joins");
    case.groups.insert(group("g-3"), ACTIVE.into());
    assert_eq!(
        converged(&case.decide()).calls,
        [Call::LeaveTrafficDistributionGroup(group("g-2")), Call::JoinTrafficDistributionGroup(group("g-3"))]
    );
}

#[test]
fn a_delete_leaves_its_templates_groups_first() {
    let properties: &'static Value =
        Box::leak(Box::new(json!({"TrafficDistributionGroupArns": [group("g-1").as_str(), group("g-2").as_str()]})));
    let request = Request::Delete { physical: PhysicalId::User(user("u-1")), properties };
    let case = Case::new(request.clone());
    assert_eq!(
        case.decide(),
        Decision::Read(Read::Current {
            user: user("u-1"),
            also: Also { proficiencies: false, groups: vec![group("g-1"), group("g-2")] }
        })
    );
    let live = LiveUser {
        traffic_distribution_groups: Some([group("g-2")].into_iter().collect()),
        ..with_tag("u-1", owner_tag().plain())
    };
    assert_eq!(
        Case::new(request).current(found(live)).decide(),
        Decision::Delete(Deletion { user: user("u-1"), leave: vec![group("g-2")] })
    );
}
