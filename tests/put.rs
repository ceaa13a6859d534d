//! The response PUT over real HTTP, every scenario in one place (docs/protocol.md §5 and §6): where the
//! ResponseURL may point (a refused URL costs no Connect call and no PUT; loopback only by policy), how S3's
//! answers are taken (transient ones retried into one delivery; a plain 4xx and any 3xx final, a redirect never
//! followed), a URL that cannot be reached (the invocation fails so that Lambda retries, and the retry recovers),
//! and the URL's expiry as a deadline. Each case states how many PUTs the receiver must see, and the receiver
//! counts them once the handling has returned, so a PUT too many fails the case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::{HttpSender, SdkConnect, http_client};
use cfn_connect_user::app::{Handler, HandlerError, Invocation, Mode};
use connect_emulator::receiver::{Receiver, Reply, dead_url};
use serde_json::{Value, json};

use crate::support::{World, assert_timed_out_before, fast_backoff, request_id};

/// What the invocation returns for `response_url`, with the World's handler (loopback allowed).
async fn invoke_with_url(world: &World, response_url: &str) -> Result<Value, HandlerError> {
    let mut event = world.create_event(world.john());
    event["ResponseURL"] = json!(response_url);
    world.invoke(event).await
}

#[tokio::test]
async fn a_refused_url_makes_no_connect_call_and_no_put_and_the_error_names_only_scheme_and_host() {
    let world = World::start().await;
    let cases = [
        ("https://evil.example/k?X-Amz-Signature=SECRET", "https://evil.example"),
        ("https://s3.amazonaws.com@evil.example/k?X-Amz-Signature=SECRET", "https://evil.example"),
        ("https://evil.example\\@s3.amazonaws.com/k?X-Amz-Signature=SECRET", "https://evil.example"),
        ("https://evil.example#.amazonaws.com", "https://evil.example"),
        ("https://amazonaws.com.evil.example/k?X-Amz-Signature=SECRET", "https://amazonaws.com.evil.example"),
        ("http://169.254.169.254/latest/meta-data/?X-Amz-Signature=SECRET", "http://169.254.169.254"),
        ("http://0xa9.0xfe.0xa9.0xfe/?X-Amz-Signature=SECRET", "http://169.254.169.254"),
        ("http://198.51.100.7/k?X-Amz-Signature=SECRET", "http://198.51.100.7"),
        ("http://s3.amazonaws.com/k?X-Amz-Signature=SECRET", "http://s3.amazonaws.com"),
        ("https://s3.amazonaws.com:8443/k?X-Amz-Signature=SECRET", "https://s3.amazonaws.com:8443"),
        ("s3.amazonaws.com/k?X-Amz-Signature=SECRET", "not an absolute URL"),
    ];
    for (url, named) in cases {
        let result = invoke_with_url(&world, url).await;
        let Err(HandlerError::Unanswerable(message)) = result else {
            panic!("{url}: expected a refusal, got {result:?}")
        };
        assert!(message.contains(named), "{url}: {message}");
        assert!(!message.contains("SECRET") && !message.contains("/k"), "{url}: {message}");
    }
    assert!(world.emulator.calls().is_empty(), "a refused URL does no work: {:?}", world.emulator.calls());
    assert!(world.receiver.responses().is_empty(), "no PUT");
}

#[tokio::test]
async fn without_the_loopback_policy_a_loopback_url_is_refused_before_any_work() {
    let world = World::start().await;
    // As in production: no `with_url_policy`, so only https to AWS is accepted.
    let connect = SdkConnect::for_endpoint(&world.emulator.endpoint_url(), "us-east-1");
    let handler = Handler::new(connect, HttpSender::new(http_client().unwrap(), fast_backoff()), Mode::Respond);
    let started = SystemTime::now();
    let event = world.create_event(world.john());
    let result = handler.handle(event, Invocation::new(started, started + Duration::from_secs(60))).await;
    let Err(HandlerError::Unanswerable(message)) = result else { panic!("expected a refusal, got {result:?}") };
    let host = format!("http://{}", world.receiver.address().ip());
    assert!(message.contains(&host) && message.contains("ALLOW_LOOPBACK_RESPONSE_URL=true"), "{message}");
    assert!(!message.contains(world.receiver.signature()), "{message}");
    assert!(world.emulator.calls().is_empty(), "no Connect call: {:?}", world.emulator.calls());
    assert_eq!(world.emulator.user_count(), 0);
    assert!(world.receiver.responses().is_empty(), "no PUT");
}

/// Each row: what the response URL answers to the first PUTs, and every status the receiver must have answered
/// once the invocation returns — one per PUT, so an attempt too many or too few fails the row. The response is
/// delivered when the last status is 200; otherwise the answer was final and nothing was retried.
#[tokio::test]
async fn s3s_answers_are_retried_when_transient_and_final_otherwise() {
    // Where the redirects point: a client that followed one would PUT here.
    let elsewhere = Receiver::start().await.unwrap();
    let to = elsewhere.address();
    let redirect = |status| (vec![Reply::Redirect { status, to }], vec![status]);
    let cases: Vec<(Vec<Reply>, Vec<u16>)> = vec![
        // Transient: 5xx, 429, 408 and S3's `400 RequestTimeout`, each retried with the same document.
        (vec![Reply::Status(500), Reply::Status(503)], vec![500, 503, 200]),
        (vec![Reply::Status(429), Reply::Status(408), Reply::RequestTimeout], vec![429, 408, 400, 200]),
        // Final: the URL is expired or forged and stays so; Lambda's retry cannot help, so the invocation succeeds.
        (vec![Reply::Status(400)], vec![400]),
        (vec![Reply::Status(403)], vec![403]),
        (vec![Reply::Status(404)], vec![404]),
        // Final too: the URL will redirect again (docs/protocol.md §6), and the document goes nowhere else.
        redirect(301),
        redirect(302),
        redirect(303),
        redirect(307),
        redirect(308),
    ];
    for (replies, answered) in cases {
        let case = format!("{replies:?}");
        let world = World::start().await;
        world.receiver.reply_with(replies);
        let event = world.create_event(world.john());
        if answered.last() == Some(&200) {
            let response = world.send_expecting(event, answered.len()).await;
            assert_eq!(response.status(), "SUCCESS", "{case}: {:?}", response.reason());
            assert_eq!(world.emulator.user_count(), 1, "{case}: the retries repeat the PUT, not the work");
        } else {
            let (id, mark) = (request_id(&event).to_owned(), world.receiver.mark());
            let result = world.invoke(event).await;
            assert!(result.is_ok(), "{case}: retrying the invocation cannot fix a final answer: {result:?}");
            world.receiver.attempts_since(mark, &id, answered.len());
            assert_eq!(
                world.emulator.user_count(),
                0,
                "{case}: a user CloudFormation never learns of is deleted again"
            );
        }
        let statuses: Vec<u16> = world.receiver.responses().iter().map(|r| r.status_answered).collect();
        assert_eq!(statuses, answered, "{case}");
    }
    assert!(elsewhere.responses().is_empty(), "a redirect was followed: {:?}", elsewhere.responses());
}

/// A URL that cannot be reached, refusing connections or hanging: the invocation fails before Lambda's deadline so
/// that Lambda retries it, and the retry — the same event — finds its own user and answers with it.
#[tokio::test]
async fn an_unreachable_url_fails_the_invocation_in_time_and_lambdas_retry_recovers() {
    type Breakage = fn(&World, &mut Value);
    let cases: [(&str, Breakage, usize); 2] = [
        // Never reached: every attempt is refused before it can be recorded.
        ("refusing connections", |_, event| event["ResponseURL"] = json!(dead_url()), 0),
        // One attempt: it hangs until the deadline leaves no time for another.
        ("hanging", |world, _| world.receiver.reply_with(vec![Reply::Hang]), 1),
    ];
    for (case, break_url, puts) in cases {
        let world = World::start().await;
        let event = world.create_event(world.john());
        let mut broken = event.clone();
        break_url(&world, &mut broken);
        let mark = world.receiver.mark();
        let started = SystemTime::now();
        let result = world.invoke_within(broken, Duration::from_secs(3)).await;
        assert!(matches!(result, Err(HandlerError::Undelivered(_))), "{case}: Lambda must see a failure: {result:?}");
        assert!(SystemTime::now() < started + Duration::from_secs(3), "{case}: returned after the Lambda deadline");
        world.receiver.attempts_since(mark, request_id(&event), puts);
        assert_eq!(world.emulator.user_count(), 1, "{case}");

        let retried = world.send(event).await;
        assert_eq!(retried.status(), "SUCCESS", "{case}: {:?}", retried.reason());
        assert_eq!(world.emulator.user_count(), 1, "{case}: the retry adopts its own user, not a second one");
    }
}

#[tokio::test]
async fn the_response_urls_expiry_is_answered_before_it_passes() {
    for sigv2 in [false, true] {
        let world = World::start().await;
        world.emulator.set_latency("CreateUser", Duration::from_secs(120));
        let mut event = world.create_event(world.john());
        let valid_for = Duration::from_secs(9);
        let url = if sigv2 {
            world.receiver.url_sigv2_expiring_in(valid_for)
        } else {
            world.receiver.url_sigv4_expiring_in(valid_for)
        };
        let issued = SystemTime::now();
        event["ResponseURL"] = json!(url);
        let response = world.send(event).await;
        // Expiry is in whole seconds from the signing second: the URL may die up to a second early.
        assert_timed_out_before(&response, issued + Duration::from_secs(8), "the response URL's expiry");
    }
}
