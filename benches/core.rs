//! Per-request CPU cost of the pure core on the sample user: parse and validate, plan an update, decide an Update
//! (validation, the decision and its plan), build the response. `cargo bench --bench core -- --warm-up-time 1 --measurement-time 3`

use std::collections::BTreeMap;
use std::hint::black_box;

use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::decision::{self, Owner, Request as Asked, Seen, Situation};
use cfn_connect_user::core::event::{Envelope, Request};
use cfn_connect_user::core::model::{
    AfterContactWorkConfig, AfterContactWorkPerChannel, AutoAcceptConfig, Channel, ChannelConfigs, LiveUser,
    PhoneConfig, PhoneNumberConfig, PhoneType, UserSpec,
};
use cfn_connect_user::core::names::Resolved;
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::physical_id::PhysicalId;
use cfn_connect_user::core::plan;
use cfn_connect_user::core::props;
use cfn_connect_user::core::response::{self, Outcome};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

fn event(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// The user Connect holds after creating `spec`: PhoneConfig is the VOICE channel's view.
fn created(spec: &UserSpec, owner: &OwnerTag) -> Option<LiveUser> {
    let phone = spec.phone_config.clone().unwrap_or_default();
    let phone = PhoneConfig {
        phone_type: Some(phone.phone_type.unwrap_or(PhoneType::SoftPhone)),
        auto_accept: Some(phone.auto_accept.unwrap_or(false)),
        after_contact_work_time_limit: Some(phone.after_contact_work_time_limit.unwrap_or(0)),
        desk_phone_number: phone.desk_phone_number,
        persistent_connection: phone.persistent_connection,
    };
    let mut tags = spec.tags.clone().unwrap_or_default();
    tags.insert(cfn_connect_user::core::model::OWNER_TAG_KEY.to_owned(), owner.plain().to_owned());
    Some(LiveUser {
        arn: UserArn::parse(&format!("{}/agent/e1000000-0000-4000-8000-00000000abcd", spec.instance)).ok()?,
        username: spec.username.clone(),
        routing_profile: spec.routing_profile.clone(),
        security_profiles: spec.security_profiles.clone(),
        directory_user_id: spec.directory_user_id.clone(),
        hierarchy_group: spec.hierarchy_group.clone(),
        identity_info: spec.identity_info.clone().unwrap_or_default(),
        channels: ChannelConfigs {
            auto_accept: Some(voice(AutoAcceptConfig {
                auto_accept: phone.auto_accept?,
                agent_first_callback_auto_accept: None,
            })),
            after_contact_work: Some(voice(AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: phone.after_contact_work_time_limit },
                agent_first_callback: None,
            })),
            phone_number: Some(voice(PhoneNumberConfig { phone_type: phone.phone_type?, phone_number: None })),
            persistent_connection: Some(BTreeMap::new()),
            voice_enhancement: Some(BTreeMap::new()),
        },
        phone_config: phone,
        proficiencies: Some(spec.proficiencies.clone().unwrap_or_default()),
        traffic_distribution_groups: None,
        tags,
    })
}

fn core(c: &mut Criterion) {
    let create = event(include_str!("../events/create.json"));
    let update = event(include_str!("../events/update.json"));
    let envelope = Envelope::read(&update);
    let owner = OwnerTag::new(&envelope.stack_id, &envelope.logical_resource_id);
    let created_spec = props::parse(&create["ResourceProperties"]).ok();
    let live = created_spec.as_ref().and_then(|s| created(s, &owner));
    let desired = props::parse(&update["ResourceProperties"]).ok();
    let old = props::old_template(&update["OldResourceProperties"]);
    let (Some(live), Some(desired)) = (live, desired) else {
        panic!("the sample events must parse");
    };
    let data: BTreeMap<String, String> = [
        ("UserArn", live.arn.as_str()),
        ("UserId", live.arn.user_id()),
        ("InstanceArn", desired.instance.as_str()),
        ("Username", "john.doe"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let success = Outcome::Success { physical_id: live.arn.to_string(), data };
    let long_failure =
        Outcome::Failed { physical_id: live.arn.to_string(), reason: "é→ invalid \"thing\"; ".repeat(1000) };

    c.bench_function("parse and validate (create)", |b| {
        b.iter(|| {
            let request = Request::parse(black_box(&create)).ok();
            black_box(request.map(|r| props::parse(&r.properties)))
        })
    });
    c.bench_function("plan an update", |b| b.iter(|| black_box(plan::plan(black_box(&desired), &old, &live, &owner))));
    c.bench_function("response body (SUCCESS)", |b| {
        b.iter(|| black_box(response::body(&envelope, black_box(&success))))
    });
    c.bench_function("response body (FAILED, 20 KB reason)", |b| {
        b.iter(|| black_box(response::body(&envelope, black_box(&long_failure))))
    });
    c.bench_function("whole core (update request)", |b| {
        b.iter(|| {
            let envelope = Envelope::read(black_box(&update));
            let request = Request::parse(&update).ok();
            let current = Seen::Found(Box::new(live.clone()));
            let decision = request.as_ref().map(|r| {
                let asked = Asked::Update {
                    properties: &r.properties,
                    old: &r.old_properties,
                    physical: PhysicalId::User(live.arn.clone()),
                };
                decision::decide(&Situation {
                    request: &asked,
                    owner: Owner { tag: &owner, known: true },
                    identity: None,
                    home: None,
                    current: &current,
                    holder: &Seen::Unread,
                    names: &Resolved::default(),
                    groups: &BTreeMap::new(),
                    create_sent: false,
                })
            });
            black_box((decision, response::body(&envelope, &success)))
        })
    });
}

fn voice<T>(value: T) -> BTreeMap<Channel, T> {
    BTreeMap::from([(Channel::Voice, value)])
}

criterion_group!(benches, core);
criterion_main!(benches);
