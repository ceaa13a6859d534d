//! Pages of ListUsers, ListUserProficiencies and SearchUsers: default and requested sizes, opaque tokens.

use std::collections::BTreeSet;

use aws_sdk_connect::types::UserProficiency;
use connect_emulator::{Emulator, Seed};

use crate::{TestResult, client, create_user, single_shot};

#[tokio::test]
async fn list_users_in_pages() -> TestResult {
    let emulator = Emulator::builder().page_size(2).start().await?;
    let client = client(&emulator);
    let mut created = BTreeSet::new();
    for i in 0..5 {
        created.insert(create_user(&client, &format!("user{i}")).await?.0);
    }
    let mut seen = BTreeSet::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = client.list_users().instance_id(Seed::INSTANCE_1).set_next_token(token).send().await?;
        pages += 1;
        assert!(page.user_summary_list().len() <= 2);
        for summary in page.user_summary_list() {
            assert!(summary.username().is_some_and(|u| u.starts_with("user")));
            assert!(summary.last_modified_time().is_some());
            seen.insert(summary.id().unwrap_or_default().to_owned());
        }
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, created);

    let big = client.list_users().instance_id(Seed::INSTANCE_1).max_results(10).send().await?;
    assert_eq!(big.user_summary_list().len(), 5);
    assert!(big.next_token().is_none());

    // The SDK's own paginator follows the tokens too.
    let all: Vec<_> = client
        .list_users()
        .instance_id(Seed::INSTANCE_1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    assert_eq!(all.len(), 5);

    let bad_token = single_shot(&emulator).list_users().instance_id(Seed::INSTANCE_1).next_token("forged").send().await;
    assert!(bad_token.expect_err("bad token").into_service_error().is_invalid_parameter_exception());
    let too_many = single_shot(&emulator).list_users().instance_id(Seed::INSTANCE_1).max_results(1001).send().await;
    assert!(too_many.expect_err("over 1000").into_service_error().is_invalid_parameter_exception());
    Ok(())
}

#[tokio::test]
async fn list_user_proficiencies_in_pages() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let (id, _) = create_user(&client, "polyglot").await?;
    let mut request = client.associate_user_proficiencies().instance_id(Seed::INSTANCE_1).user_id(&id);
    for (name, value) in [
        ("Language", "English"),
        ("Language", "Spanish"),
        ("Language", "French"),
        ("Skill", "Billing"),
        ("Skill", "Sales"),
    ] {
        request = request.user_proficiencies(
            UserProficiency::builder().attribute_name(name).attribute_value(value).level(3.0).build()?,
        );
    }
    request.send().await?;

    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = client
            .list_user_proficiencies()
            .instance_id(Seed::INSTANCE_1)
            .user_id(&id)
            .max_results(2)
            .set_next_token(token)
            .send()
            .await?;
        pages += 1;
        assert!(page.user_proficiency_list().len() <= 2);
        seen.extend(
            page.user_proficiency_list().iter().map(|p| format!("{}={}", p.attribute_name(), p.attribute_value())),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["Language=English", "Language=French", "Language=Spanish", "Skill=Billing", "Skill=Sales"]);
    let one_page = client.list_user_proficiencies().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    assert_eq!(one_page.user_proficiency_list().len(), 5);
    assert!(one_page.next_token().is_none());
    Ok(())
}

#[tokio::test]
async fn search_users_in_pages() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    for i in 0..3 {
        create_user(&client, &format!("s{i}")).await?;
    }
    let first = client.search_users().instance_id(Seed::INSTANCE_1).max_results(2).send().await?;
    assert_eq!((first.users().len(), first.approximate_total_count()), (2, Some(3)));
    let second = client
        .search_users()
        .instance_id(Seed::INSTANCE_1)
        .max_results(2)
        .set_next_token(first.next_token().map(str::to_owned))
        .send()
        .await?;
    assert_eq!(second.users().len(), 1);
    assert!(second.next_token().is_none());
    Ok(())
}
