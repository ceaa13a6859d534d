//! Routing profiles, security profiles and hierarchy groups found by name: the List and Search operations,
//! DescribeUserHierarchyGroup, the names instances 1 and 2 share, duplicates, regions, and the handle's add, rename
//! and delete.

use aws_sdk_connect::Client;
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::types::{
    HierarchyGroup, RoutingProfileSearchCriteria, SecurityProfileSearchCriteria, StringComparisonType, StringCondition,
    UserHierarchyGroupSearchCriteria,
};
use connect_emulator::{Emulator, ErrorCode, Fault, Seed};

use crate::{TestResult, client, signed_for, single_shot};

fn condition(field: &str, comparison: StringComparisonType, value: &str) -> StringCondition {
    StringCondition::builder().field_name(field).value(value).comparison_type(comparison).build()
}

fn routing_named(comparison: StringComparisonType, value: &str) -> RoutingProfileSearchCriteria {
    RoutingProfileSearchCriteria::builder().string_condition(condition("name", comparison, value)).build()
}

fn groups_named(value: &str) -> UserHierarchyGroupSearchCriteria {
    let exact = condition("name", StringComparisonType::Exact, value);
    UserHierarchyGroupSearchCriteria::builder().string_condition(exact).build()
}

/// `(id, name)` of the routing profiles of `instance` whose name matches.
async fn routing_profiles(
    client: &Client,
    instance: &str,
    criteria: RoutingProfileSearchCriteria,
) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let out = client.search_routing_profiles().instance_id(instance).search_criteria(criteria).send().await?;
    assert_eq!(out.approximate_total_count(), Some(out.routing_profiles().len() as i64));
    Ok(out
        .routing_profiles()
        .iter()
        .map(|p| (p.routing_profile_id().unwrap_or_default().to_owned(), p.name().unwrap_or_default().to_owned()))
        .collect())
}

/// The names of a group's path, from level one.
fn path_of(group: &HierarchyGroup) -> Vec<&str> {
    let Some(path) = group.hierarchy_path() else { return Vec::new() };
    [path.level_one(), path.level_two(), path.level_three(), path.level_four(), path.level_five()]
        .into_iter()
        .flatten()
        .filter_map(|level| level.name())
        .collect()
}

#[tokio::test]
async fn the_lists_summarise_each_kind_in_pages() -> TestResult {
    let emulator = Emulator::builder().page_size(2).start().await?;
    let client = client(&emulator);
    let seed = emulator.seed().clone();

    let first = client.list_routing_profiles().instance_id(Seed::INSTANCE_1).send().await?;
    let names: Vec<_> = first.routing_profile_summary_list().iter().filter_map(|p| p.name()).collect();
    assert_eq!(names, ["Basic Routing Profile", "Sales"]);
    let sales = &first.routing_profile_summary_list()[1];
    assert_eq!(sales.id(), Some(Seed::ROUTING_PROFILE_1_SALES));
    let sales_arn = seed.routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES);
    assert_eq!(sales.arn(), Some(sales_arn.as_str()));
    assert_eq!(sales.last_modified_region(), Some(Seed::REGION));

    let page = client.list_security_profiles().instance_id(Seed::INSTANCE_2).send().await?;
    assert_eq!(page.security_profile_summary_list().len(), 2);
    let rest = client
        .list_security_profiles()
        .instance_id(seed.instance_arn(Seed::INSTANCE_2))
        .set_next_token(page.next_token().map(str::to_owned))
        .send()
        .await?;
    assert_eq!(rest.security_profile_summary_list().len(), 1);
    assert_eq!(rest.security_profile_summary_list()[0].name(), Some("QualityAnalyst"));
    assert!(rest.next_token().is_none());

    let groups: Vec<_> = client
        .list_user_hierarchy_groups()
        .instance_id(Seed::INSTANCE_1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    assert_eq!(groups.len(), 7);
    assert_eq!(groups.iter().filter(|g| g.name() == Some("Team 4")).count(), 2);

    let single = single_shot(&emulator);
    let forged = single.list_routing_profiles().instance_id(Seed::INSTANCE_1).next_token("forged").send().await;
    assert!(forged.expect_err("bad token").into_service_error().is_invalid_parameter_exception());
    let too_many = single.list_user_hierarchy_groups().instance_id(Seed::INSTANCE_1).max_results(1001).send().await;
    assert!(too_many.expect_err("over 1000").into_service_error().is_invalid_parameter_exception());
    let missing = single.list_security_profiles().instance_id("a1b2c3d4-0000-4000-8000-00000000ffff").send().await;
    assert!(missing.expect_err("unknown instance").into_service_error().is_resource_not_found_exception());
    Ok(())
}

#[tokio::test]
async fn search_routing_profiles_ignores_case_even_for_exact() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (exact, starts, contains) =
        (StringComparisonType::Exact, StringComparisonType::StartsWith, StringComparisonType::Contains);

    // The same name finds each instance's own profile.
    let sales = routing_profiles(&client, Seed::INSTANCE_1, routing_named(exact.clone(), "Sales")).await?;
    assert_eq!(sales, [(Seed::ROUTING_PROFILE_1_SALES.to_owned(), "Sales".to_owned())]);
    let sales_2 = routing_profiles(&client, Seed::INSTANCE_2, routing_named(exact.clone(), "Sales")).await?;
    assert_eq!(sales_2, [(Seed::INSTANCE_2_ROUTING_PROFILE_SALES.to_owned(), "Sales".to_owned())]);

    // EXACT ignores case: a client wanting a case-sensitive match compares the names it gets back.
    let shouted = routing_profiles(&client, Seed::INSTANCE_1, routing_named(exact.clone(), "SALES")).await?;
    assert_eq!(shouted, sales);
    assert!(routing_profiles(&client, Seed::INSTANCE_1, routing_named(exact, "Sale")).await?.is_empty());
    assert_eq!(routing_profiles(&client, Seed::INSTANCE_1, routing_named(starts, "basic")).await?.len(), 1);
    assert_eq!(routing_profiles(&client, Seed::INSTANCE_1, routing_named(contains, "ROUTING")).await?.len(), 1);

    // No criteria is everything; OR and AND combine conditions.
    let all = client.search_routing_profiles().instance_id(Seed::INSTANCE_1).send().await?;
    assert_eq!(all.approximate_total_count(), Some(2));
    let either = RoutingProfileSearchCriteria::builder()
        .or_conditions(routing_named(StringComparisonType::Exact, "sales"))
        .or_conditions(routing_named(StringComparisonType::Exact, "basic routing profile"))
        .build();
    assert_eq!(routing_profiles(&client, Seed::INSTANCE_1, either).await?.len(), 2);
    let both = RoutingProfileSearchCriteria::builder()
        .and_conditions(routing_named(StringComparisonType::Contains, "a"))
        .and_conditions(routing_named(StringComparisonType::StartsWith, "s"))
        .build();
    assert_eq!(routing_profiles(&client, Seed::INSTANCE_1, both).await?, sales);

    // The full RoutingProfile shape, with the users that point at the profile.
    crate::create_user(&client, "seller").await?;
    let found = client.search_routing_profiles().instance_id(Seed::INSTANCE_1).send().await?;
    let basic = &found.routing_profiles()[0];
    assert_eq!(basic.instance_id(), Some(Seed::INSTANCE_1));
    assert_eq!(basic.number_of_associated_users(), Some(1));
    let arn = emulator.seed().routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1);
    assert_eq!(basic.routing_profile_arn(), Some(arn.as_str()));

    // Unsupported fields and a missing InstanceId are refused.
    let by_queue = RoutingProfileSearchCriteria::builder()
        .string_condition(condition("associatedQueueIds", StringComparisonType::Exact, "q"))
        .build();
    let error = client
        .search_routing_profiles()
        .instance_id(Seed::INSTANCE_1)
        .search_criteria(by_queue)
        .send()
        .await
        .expect_err("unsupported field")
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    let error = client.search_routing_profiles().send().await.expect_err("no instance").into_service_error();
    assert!(error.message().is_some_and(|m| m.contains("InstanceId is required")), "{error:?}");
    Ok(())
}

#[tokio::test]
async fn search_security_profiles_in_pages() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let agent = SecurityProfileSearchCriteria::builder()
        .string_condition(condition("name", StringComparisonType::Exact, "agent"))
        .build();
    let out = client.search_security_profiles().instance_id(Seed::INSTANCE_2).search_criteria(agent).send().await?;
    let profile = &out.security_profiles()[0];
    assert_eq!(out.security_profiles().len(), 1);
    assert_eq!(profile.id(), Some(Seed::INSTANCE_2_SECURITY_PROFILE));
    assert_eq!(profile.security_profile_name(), Some("Agent"));
    assert_eq!(profile.organization_resource_id(), Some(Seed::INSTANCE_2));
    let arn = emulator.seed().security_profile_arn(Seed::INSTANCE_2, Seed::INSTANCE_2_SECURITY_PROFILE);
    assert_eq!(profile.arn(), Some(arn.as_str()));

    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .search_security_profiles()
            .instance_id(Seed::INSTANCE_1)
            .max_results(2)
            .set_next_token(token)
            .send()
            .await?;
        assert_eq!(page.approximate_total_count(), Some(3));
        names.extend(page.security_profiles().iter().filter_map(|p| p.security_profile_name()).map(str::to_owned));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(names, ["Agent", "CallCenterManager", "QualityAnalyst"]);
    let too_many = single_shot(&emulator).search_security_profiles().instance_id(Seed::INSTANCE_1).max_results(101);
    assert!(too_many.send().await.expect_err("over 100").into_service_error().is_invalid_parameter_exception());
    Ok(())
}

#[tokio::test]
async fn two_hierarchy_groups_can_share_a_name() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let out =
        client.search_user_hierarchy_groups().instance_id(Seed::INSTANCE_1).search_criteria(groups_named("team 4"));
    let out = out.send().await?;
    assert_eq!(out.approximate_total_count(), Some(2));
    let found: Vec<_> = out.user_hierarchy_groups().iter().map(|g| (g.id(), path_of(g), g.level_id())).collect();
    assert_eq!(
        found,
        [
            (Some(Seed::HIERARCHY_GROUP_1), vec!["Europe", "Berlin", "Team 4"], Some("3")),
            (Some(Seed::HIERARCHY_GROUP_PARIS_TEAM_4), vec!["Europe", "Paris", "Team 4"], Some("3")),
        ]
    );
    let first = &out.user_hierarchy_groups()[0];
    let path = first.hierarchy_path().and_then(|p| p.level_one());
    assert_eq!(path.and_then(|l| l.id()), Some(Seed::HIERARCHY_GROUP_EUROPE));
    let europe_arn = emulator.seed().hierarchy_group_arn(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_EUROPE);
    assert_eq!(path.and_then(|l| l.arn()), Some(europe_arn.as_str()));

    // A path resolves level by level through parentId; levelId finds a level.
    let under_paris = UserHierarchyGroupSearchCriteria::builder()
        .and_conditions(groups_named("Team 4"))
        .and_conditions(
            UserHierarchyGroupSearchCriteria::builder()
                .string_condition(condition("parentId", StringComparisonType::Exact, Seed::HIERARCHY_GROUP_PARIS))
                .build(),
        )
        .build();
    let out = client.search_user_hierarchy_groups().instance_id(Seed::INSTANCE_1).search_criteria(under_paris);
    let ids: Vec<_> =
        out.send().await?.user_hierarchy_groups().iter().filter_map(|g| g.id().map(str::to_owned)).collect();
    assert_eq!(ids, [Seed::HIERARCHY_GROUP_PARIS_TEAM_4]);
    let level_one = UserHierarchyGroupSearchCriteria::builder()
        .string_condition(condition("levelId", StringComparisonType::Exact, "1"))
        .build();
    let out = client.search_user_hierarchy_groups().instance_id(Seed::INSTANCE_1).search_criteria(level_one);
    let names: Vec<_> =
        out.send().await?.user_hierarchy_groups().iter().filter_map(|g| g.name().map(str::to_owned)).collect();
    assert_eq!(names, ["Europe", "Americas"]);

    // A duplicate added by the test; and the same path in instance 2 under other ids.
    emulator.add_hierarchy_group(Seed::INSTANCE_1, "SEATTLE", Some(Seed::HIERARCHY_GROUP_EUROPE))?;
    let search = |instance: &str, name: &str| {
        client.search_user_hierarchy_groups().instance_id(instance).search_criteria(groups_named(name)).send()
    };
    let seattles = search(Seed::INSTANCE_1, "Seattle").await?;
    // Results come by id, and an added group's id is random.
    let mut paths: Vec<_> = seattles.user_hierarchy_groups().iter().map(path_of).collect();
    paths.sort();
    assert_eq!(paths, [vec!["Americas", "Seattle"], vec!["Europe", "SEATTLE"]]);
    let seattle_2 = search(Seed::INSTANCE_2, "Seattle").await?;
    let ids: Vec<_> = seattle_2.user_hierarchy_groups().iter().map(|g| g.id()).collect();
    assert_eq!(ids, [Some(Seed::INSTANCE_2_HIERARCHY_GROUP_SEATTLE)]);
    assert_eq!(path_of(&seattle_2.user_hierarchy_groups()[0]), ["Americas", "Seattle"]);
    Ok(())
}

#[tokio::test]
async fn describe_user_hierarchy_group_by_id_or_arn() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let arn = emulator.seed().hierarchy_group_arn(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_2);
    for ident in [Seed::HIERARCHY_GROUP_2, arn.as_str()] {
        let out = client.describe_user_hierarchy_group().instance_id(Seed::INSTANCE_1).hierarchy_group_id(ident);
        let out = out.send().await?;
        let group = out.hierarchy_group().expect("a group");
        assert_eq!(
            (group.id(), group.arn(), group.name()),
            (Some(Seed::HIERARCHY_GROUP_2), Some(arn.as_str()), Some("Seattle"))
        );
        assert_eq!((group.level_id(), path_of(group)), (Some("2"), vec!["Americas", "Seattle"]));
        assert!(group.last_modified_time().is_some());
    }
    for (instance, group) in [
        (Seed::INSTANCE_1, Seed::INSTANCE_2_HIERARCHY_GROUP),
        (Seed::INSTANCE_1, "d1000000-0000-4000-8000-0000000000ff"),
        ("a1b2c3d4-0000-4000-8000-00000000ffff", Seed::HIERARCHY_GROUP_1),
    ] {
        let error = client.describe_user_hierarchy_group().instance_id(instance).hierarchy_group_id(group).send().await;
        let error = error.expect_err("not found").into_service_error();
        assert!(error.is_resource_not_found_exception(), "{error:?}");
    }
    Ok(())
}

#[tokio::test]
async fn names_are_found_only_from_the_instance_region() -> TestResult {
    let emulator = Emulator::start().await?;
    let (us, eu) = (signed_for(&emulator, Seed::REGION), signed_for(&emulator, Seed::REGION_EU));
    let not_found = Some("ResourceNotFoundException");

    let e = eu.search_routing_profiles().instance_id(Seed::INSTANCE_1).send().await.expect_err("other region");
    assert_eq!(e.into_service_error().code(), not_found);
    let e = us.list_security_profiles().instance_id(Seed::INSTANCE_EU).send().await.expect_err("other region");
    assert_eq!(e.into_service_error().code(), not_found);
    let e = us.search_user_hierarchy_groups().instance_id(Seed::INSTANCE_EU).send().await;
    assert_eq!(e.expect_err("other region").into_service_error().code(), not_found);
    let describe = us
        .describe_user_hierarchy_group()
        .instance_id(Seed::INSTANCE_EU)
        .hierarchy_group_id(Seed::INSTANCE_EU_HIERARCHY_GROUP);
    assert_eq!(describe.send().await.expect_err("other region").into_service_error().code(), not_found);

    let london = eu
        .search_user_hierarchy_groups()
        .instance_id(Seed::INSTANCE_EU)
        .search_criteria(groups_named("london"))
        .send()
        .await?;
    let group = &london.user_hierarchy_groups()[0];
    assert_eq!((group.id(), path_of(group)), (Some(Seed::INSTANCE_EU_HIERARCHY_GROUP), vec!["Europe", "London"]));
    assert_eq!(group.last_modified_region(), Some(Seed::REGION_EU));
    Ok(())
}

#[tokio::test]
async fn the_handle_adds_renames_and_deletes() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let exact = StringComparisonType::Exact;

    // A second "Sales": the name no longer finds one profile.
    let arn = emulator.add_routing_profile(Seed::INSTANCE_1, "Sales")?;
    assert!(arn.starts_with(&format!("{}/routing-profile/", emulator.seed().instance_arn(Seed::INSTANCE_1))), "{arn}");
    let sales = routing_profiles(&client, Seed::INSTANCE_1, routing_named(exact.clone(), "sales")).await?;
    assert_eq!(sales.len(), 2);
    let added_id = arn.rsplit('/').next().unwrap_or_default();
    assert!(sales.iter().any(|(id, _)| id == added_id));

    // Renamed security profile and hierarchy group: the old name finds nothing, paths follow the rename.
    emulator.rename_security_profile(Seed::INSTANCE_1, Seed::SECURITY_PROFILE_AGENT, "Agent (old)")?;
    let agent = SecurityProfileSearchCriteria::builder().string_condition(condition("name", exact, "Agent")).build();
    let out = client.search_security_profiles().instance_id(Seed::INSTANCE_1).search_criteria(agent).send().await?;
    assert!(out.security_profiles().is_empty());
    let added = emulator.add_security_profile(Seed::INSTANCE_1, "Agent")?;
    assert!(added.contains("/security-profile/"), "{added}");
    let berlin_arn = emulator.seed().hierarchy_group_arn(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_BERLIN);
    emulator.rename_hierarchy_group(Seed::INSTANCE_1, &berlin_arn, "Munich")?;
    let out = client
        .describe_user_hierarchy_group()
        .instance_id(Seed::INSTANCE_1)
        .hierarchy_group_id(Seed::HIERARCHY_GROUP_1)
        .send()
        .await?;
    assert_eq!(out.hierarchy_group().map(path_of), Some(vec!["Europe", "Munich", "Team 4"]));
    assert_eq!(
        emulator.hierarchy_path(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_1),
        Some(vec!["Europe".to_owned(), "Munich".to_owned(), "Team 4".to_owned()])
    );

    // A deleted routing profile: the user keeps its id, requests naming it find nothing.
    let user = client
        .create_user()
        .instance_id(Seed::INSTANCE_1)
        .username("salesperson")
        .routing_profile_id(Seed::ROUTING_PROFILE_1_SALES)
        .security_profile_ids(Seed::SECURITY_PROFILE_QA)
        .send()
        .await?;
    let user = user.user_id().unwrap_or_default().to_owned();
    emulator.delete_routing_profile(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES)?;
    let described = client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&user).send().await?;
    assert_eq!(described.user().and_then(|u| u.routing_profile_id()), Some(Seed::ROUTING_PROFILE_1_SALES));
    let listed = client.list_routing_profiles().instance_id(Seed::INSTANCE_1).send().await?;
    assert!(listed.routing_profile_summary_list().iter().all(|p| p.id() != Some(Seed::ROUTING_PROFILE_1_SALES)));
    let update = client
        .update_user_routing_profile()
        .instance_id(Seed::INSTANCE_1)
        .user_id(&user)
        .routing_profile_id(Seed::ROUTING_PROFILE_1_SALES)
        .send()
        .await;
    assert!(update.expect_err("deleted").into_service_error().is_resource_not_found_exception());

    // The controls refuse what does not exist.
    let missing = emulator.rename_routing_profile(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES, "x");
    assert!(missing.is_err_and(|e| e.code == ErrorCode::ResourceNotFound));
    assert!(emulator.add_hierarchy_group(Seed::INSTANCE_1, "x", Some(Seed::INSTANCE_2_HIERARCHY_GROUP)).is_err());
    assert!(emulator.add_routing_profile("a1b2c3d4-0000-4000-8000-00000000ffff", "x").is_err());
    Ok(())
}

#[tokio::test]
async fn faults_denials_and_the_call_log_cover_the_name_operations() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    emulator.fail_next("SearchRoutingProfiles", 1, Fault::Error(ErrorCode::Throttling));
    let error = client.search_routing_profiles().instance_id(Seed::INSTANCE_1).send().await.expect_err("injected");
    assert!(error.into_service_error().is_throttling_exception());
    client.search_routing_profiles().instance_id(Seed::INSTANCE_1).send().await?;
    crate::client(&emulator).list_routing_profiles().instance_id(Seed::INSTANCE_1).send().await?;

    emulator.deny("DescribeUserHierarchyGroup");
    let denied = client
        .describe_user_hierarchy_group()
        .instance_id(Seed::INSTANCE_1)
        .hierarchy_group_id(Seed::HIERARCHY_GROUP_1)
        .send()
        .await
        .expect_err("denied")
        .into_service_error();
    let message = denied.message().unwrap_or_default();
    assert_eq!(denied.code(), Some("AccessDeniedException"));
    assert!(message.contains("connect:DescribeUserHierarchyGroup"), "{message}");
    let group_arn = emulator.seed().hierarchy_group_arn(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_1);
    assert!(message.contains(&group_arn), "{message}");

    let calls = emulator.calls();
    let calls: Vec<_> = calls.iter().map(|c| (c.operation.as_str(), c.status, c.is_write())).collect();
    assert_eq!(
        calls,
        [
            ("SearchRoutingProfiles", 429, false),
            ("SearchRoutingProfiles", 200, false),
            ("ListRoutingProfiles", 200, false),
            ("DescribeUserHierarchyGroup", 403, false),
        ]
    );
    assert_eq!(emulator.calls()[1].body["InstanceId"], Seed::INSTANCE_1);
    assert!(emulator.write_calls().is_empty());
    Ok(())
}
