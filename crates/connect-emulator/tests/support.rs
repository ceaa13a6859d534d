//! Tests of the test-support servers: the CloudFormation response receiver and the fake Lambda Runtime API,
//! each driven by a plain HTTP client playing the handler or the runtime.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use connect_emulator::receiver::{self, Receiver, Reply};
use connect_emulator::runtime_api::{FakeRuntime, Invocation};
use serde_json::{Value, json};
use tokio::net::TcpStream;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn valid_success() -> Value {
    json!({
        "Status": "SUCCESS",
        "PhysicalResourceId": "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/test-stack/guid",
        "RequestId": "req-1",
        "LogicalResourceId": "TestResource",
        "NoEcho": false,
        "Data": {"UserArn": "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1", "UserId": "u-1"}
    })
}

fn valid_failed() -> Value {
    json!({
        "Status": "FAILED",
        "Reason": "user name already taken",
        "PhysicalResourceId": "TestResource-failed",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/test-stack/guid",
        "RequestId": "req-1",
        "LogicalResourceId": "TestResource"
    })
}

fn with(mut base: Value, key: &str, value: Option<Value>) -> Value {
    if let Some(object) = base.as_object_mut() {
        match value {
            Some(value) => object.insert(key.to_owned(), value),
            None => object.remove(key),
        };
    }
    base
}

async fn put(url: &str, body: &Value) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new().put(url).body(body.to_string().into_bytes()).send().await
}

/// Writes raw bytes to the receiver and returns the status line of its answer.
async fn raw_exchange(address: std::net::SocketAddr, request: &[u8]) -> std::io::Result<String> {
    let stream = TcpStream::connect(address).await?;
    let mut rest = request;
    while !rest.is_empty() {
        stream.writable().await?;
        match stream.try_write(rest) {
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        stream.readable().await?;
        match stream.try_read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    let answer = String::from_utf8_lossy(&answer).into_owned();
    Ok(answer.lines().next().unwrap_or("").to_owned())
}

fn path_and_query(url: &str) -> String {
    let after_scheme = url.trim_start_matches("http://");
    after_scheme.find('/').map(|i| after_scheme[i..].to_owned()).unwrap_or_default()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_owned())
}

fn epoch_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// `YYYYMMDDTHHMMSSZ` to epoch seconds (H. Hinnant's `days_from_civil`), independent of the receiver's formatter.
fn parse_amz_date(date: &str) -> Option<u64> {
    let bytes = date.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| date.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

// ---------------------------------------------------------------- receiver

#[tokio::test]
async fn receiver_records_a_valid_put_as_delivered() -> TestResult {
    let receiver = Receiver::start().await?;
    let url = receiver.url();

    let answer = put(&url, &valid_success()).await?;
    assert_eq!(answer.status(), 200);
    let s3_id = answer.headers().get("x-amz-request-id").map(|v| v.to_str().unwrap_or("").to_owned());

    let got = receiver.next().await;
    got.assert_valid();
    assert_eq!(got.method, "PUT");
    assert_eq!(got.path_and_query, path_and_query(&url));
    assert_eq!(got.header("content-type"), None);
    assert_eq!(got.header("content-length"), Some(got.body.len().to_string().as_str()));
    assert_eq!(got.status_answered, 200);
    assert_eq!(Some(got.s3_request_id.clone()), s3_id);
    assert_eq!(got.status(), "SUCCESS");
    assert_eq!(got.physical_id(), valid_success()["PhysicalResourceId"].as_str());
    assert_eq!(got.data_value("UserId"), Some("u-1"));
    assert_eq!(got.no_echo(), Some(false));
    assert_eq!(got.json(), valid_success());
    assert_eq!(receiver.delivered_now().len(), 1);
    Ok(())
}

#[tokio::test]
async fn receiver_accepts_a_failed_response_and_an_empty_content_type() -> TestResult {
    let receiver = Receiver::start().await?;
    let answer = reqwest::Client::new()
        .put(receiver.url_sigv2_expiring_in(Duration::from_secs(60)))
        .header("content-type", "")
        .body(valid_failed().to_string())
        .send()
        .await?;
    assert_eq!(answer.status(), 200);
    let got = receiver.next().await;
    assert_eq!(got.status(), "FAILED");
    assert_eq!(got.reason(), Some("user name already taken"));
    Ok(())
}

#[tokio::test]
async fn receiver_rejects_each_document_violation_with_400() -> TestResult {
    let too_long_reason = "x".repeat(4096);
    let nested = json!({"User": {"Arn": "a"}});
    let cases: Vec<(&str, Value, &str)> = vec![
        ("status", with(valid_success(), "Status", Some(json!("OK"))), "Status"),
        ("no stack id", with(valid_success(), "StackId", None), "StackId"),
        ("request id not a string", with(valid_success(), "RequestId", Some(json!(7))), "RequestId"),
        ("no logical id", with(valid_success(), "LogicalResourceId", None), "LogicalResourceId"),
        ("no physical id", with(valid_success(), "PhysicalResourceId", None), "PhysicalResourceId"),
        (
            "empty physical id",
            with(valid_success(), "PhysicalResourceId", Some(json!(""))),
            "PhysicalResourceId is empty",
        ),
        ("long physical id", with(valid_success(), "PhysicalResourceId", Some(json!("p".repeat(1025)))), "1025 bytes"),
        ("failed without reason", with(valid_failed(), "Reason", None), "Reason"),
        ("failed with null reason", with(valid_failed(), "Reason", Some(Value::Null)), "Reason"),
        ("failed with empty reason", with(valid_failed(), "Reason", Some(json!(""))), "Reason is empty"),
        ("data on failed", with(valid_failed(), "Data", Some(json!({"UserId": "u"}))), "not SUCCESS"),
        ("nested data", with(valid_success(), "Data", Some(nested)), "flat"),
        ("data not an object", with(valid_success(), "Data", Some(json!(["a"]))), "Data is"),
        ("no echo as string", with(valid_success(), "NoEcho", Some(json!("true"))), "NoEcho"),
        ("over 4096 bytes", with(valid_failed(), "Reason", Some(json!(too_long_reason))), "over CloudFormation's 4096"),
        ("not an object", json!(["SUCCESS"]), "not a JSON object"),
    ];
    let receiver = Receiver::start().await?;
    for (name, body, expected) in &cases {
        let answer = put(&receiver.url(), body).await?;
        assert_eq!(answer.status(), 400, "{name}");
        let recorded = receiver.responses();
        let last = recorded.last().ok_or("nothing recorded")?;
        assert!(last.problems.iter().any(|p| p.contains(expected)), "{name}: {:?}", last.problems);
    }

    // Not JSON at all.
    let answer = reqwest::Client::new().put(receiver.url()).body("Status=SUCCESS").send().await?;
    assert_eq!(answer.status(), 400);
    // A JSON content type (legacy SigV2 URLs sign it).
    let answer = reqwest::Client::new()
        .put(receiver.url())
        .header("content-type", "application/json")
        .body(valid_success().to_string())
        .send()
        .await?;
    assert_eq!(answer.status(), 400);
    // Another method.
    let answer = reqwest::Client::new().post(receiver.url()).body(valid_success().to_string()).send().await?;
    assert_eq!(answer.status(), 400);

    let recorded = receiver.responses();
    assert_eq!(recorded.len(), cases.len() + 3);
    let tail: Vec<String> = recorded[cases.len()..].iter().map(|r| r.problems.join(" | ")).collect();
    assert!(tail[0].contains("not valid JSON"), "{}", tail[0]);
    assert!(tail[1].contains("Content-Type"), "{}", tail[1]);
    assert!(tail[2].contains("method is POST"), "{}", tail[2]);
    assert!(receiver.delivered_now().is_empty());
    Ok(())
}

#[tokio::test]
async fn receiver_flags_content_length_that_counts_characters() -> TestResult {
    let receiver = Receiver::start().await?;
    let body = with(valid_failed(), "Reason", Some(json!("création refusée"))).to_string();
    let characters = body.chars().count();
    assert!(characters < body.len());
    let request = format!(
        "PUT {} HTTP/1.1\r\nHost: {}\r\nContent-Length: {characters}\r\n\r\n{body}",
        path_and_query(&receiver.url()),
        receiver.address()
    );
    let status_line = raw_exchange(receiver.address(), request.as_bytes()).await?;
    assert!(status_line.starts_with("HTTP/1.1 400"), "{status_line}");
    let recorded = receiver.responses();
    assert!(recorded[0].problems.iter().any(|p| p.contains("more bytes followed")), "{:?}", recorded[0].problems);
    Ok(())
}

#[tokio::test]
async fn receiver_flags_a_chunked_upload_without_content_length() -> TestResult {
    let receiver = Receiver::start().await?;
    let body = valid_success().to_string();
    let request = format!(
        "PUT {} HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        path_and_query(&receiver.url()),
        receiver.address(),
        body.len()
    );
    let status_line = raw_exchange(receiver.address(), request.as_bytes()).await?;
    assert!(status_line.starts_with("HTTP/1.1 400"), "{status_line}");
    let recorded = receiver.responses();
    assert_eq!(recorded[0].body, body.as_bytes());
    assert!(recorded[0].problems.iter().any(|p| p.contains("Content-Length")), "{:?}", recorded[0].problems);
    Ok(())
}

#[tokio::test]
async fn receiver_rejects_altered_and_expired_urls_with_403() -> TestResult {
    let receiver = Receiver::start().await?;
    let altered = receiver.url().replace("X-Amz-Expires=7200", "X-Amz-Expires=7201");
    assert_eq!(put(&altered, &valid_success()).await?.status(), 403);
    let expired = receiver.url_sigv4_expiring_in(Duration::ZERO);
    assert_eq!(put(&expired, &valid_success()).await?.status(), 403);
    let expired_v2 = receiver.url_sigv2_expiring_in(Duration::ZERO);
    assert_eq!(put(&expired_v2, &valid_success()).await?.status(), 403);

    let recorded = receiver.responses();
    assert!(recorded[0].problems.iter().any(|p| p.contains("altered")), "{:?}", recorded[0].problems);
    assert!(recorded[1].problems.iter().any(|p| p.contains("expired")), "{:?}", recorded[1].problems);
    assert!(recorded[2].problems.iter().any(|p| p.contains("expired")), "{:?}", recorded[2].problems);
    Ok(())
}

#[tokio::test]
async fn receiver_answers_scripted_500_then_200() -> TestResult {
    let receiver = Receiver::start().await?;
    receiver.reply_with(vec![Reply::Status(500)]);
    let url = receiver.url();
    let first = put(&url, &valid_success()).await?;
    assert_eq!(first.status(), 500);
    assert!(first.text().await?.contains("<Code>InternalError</Code>"));
    assert!(receiver.delivered_now().is_empty());
    assert_eq!(put(&url, &valid_success()).await?.status(), 200);

    let delivered = receiver.delivered(1).await;
    assert_eq!(delivered.len(), 1);
    let statuses: Vec<u16> = receiver.responses().iter().map(|r| r.status_answered).collect();
    assert_eq!(statuses, [500, 200]);
    Ok(())
}

#[tokio::test]
async fn sole_response_since_counts_every_attempt_since_the_mark_and_returns_the_delivered_one() -> TestResult {
    let receiver = Receiver::start().await?;
    let url = receiver.url();
    assert_eq!(put(&url, &valid_success()).await?.status(), 200, "an earlier request, before the mark");
    let mark = receiver.mark();
    receiver.reply_with(vec![Reply::Status(500)]);
    assert_eq!(put(&url, &valid_success()).await?.status(), 500);
    assert_eq!(put(&url, &valid_success()).await?.status(), 200);

    let response = receiver.sole_response_since(mark, "req-1", 2);
    assert_eq!((response.status_answered, response.status()), (200, "SUCCESS"));
    let attempts = receiver.attempts_since(mark, "req-1", 2);
    assert_eq!(attempts.iter().map(|r| r.status_answered).collect::<Vec<_>>(), [500, 200]);
    Ok(())
}

#[tokio::test]
#[should_panic(expected = "expected exactly 1 PUT(s) answering RequestId \"req-1\"; the receiver saw 2")]
async fn a_second_put_for_the_same_request_fails_the_check() {
    let Ok(receiver) = Receiver::start().await else { return };
    let (url, mark) = (receiver.url(), receiver.mark());
    for _ in 0..2 {
        let _ = put(&url, &valid_success()).await;
    }
    receiver.sole_response_since(mark, "req-1", 1);
}

#[tokio::test]
#[should_panic(expected = "expected exactly 1 PUT(s) answering RequestId \"req-2\"; the receiver saw 1")]
async fn a_put_answering_another_request_fails_the_check() {
    let Ok(receiver) = Receiver::start().await else { return };
    let (url, mark) = (receiver.url(), receiver.mark());
    let _ = put(&url, &valid_success()).await;
    receiver.sole_response_since(mark, "req-2", 1);
}

#[tokio::test]
#[should_panic(expected = "carry different documents")]
async fn a_retry_that_rewrites_the_document_fails_the_check() {
    let Ok(receiver) = Receiver::start().await else { return };
    let (url, mark) = (receiver.url(), receiver.mark());
    receiver.reply_with(vec![Reply::Status(503)]);
    let _ = put(&url, &valid_failed()).await;
    let _ = put(&url, &valid_success()).await;
    receiver.sole_response_since(mark, "req-1", 2);
}

#[tokio::test]
#[should_panic(expected = "and only it, delivered; 2 were")]
async fn two_delivered_puts_fail_the_check_even_when_both_were_expected() {
    let Ok(receiver) = Receiver::start().await else { return };
    let (url, mark) = (receiver.url(), receiver.mark());
    for _ in 0..2 {
        let _ = put(&url, &valid_success()).await;
    }
    receiver.sole_response_since(mark, "req-1", 2);
}

#[tokio::test]
#[should_panic(expected = "and only it, delivered; 0 were")]
async fn a_final_refusal_is_no_delivered_response() {
    let Ok(receiver) = Receiver::start().await else { return };
    let (url, mark) = (receiver.url(), receiver.mark());
    receiver.reply_with(vec![Reply::Status(403)]);
    let _ = put(&url, &valid_success()).await;
    // Counted and checked, but not delivered: `attempts_since` accepts it, `sole_response_since` does not.
    assert_eq!(receiver.attempts_since(mark, "req-1", 1)[0].status_answered, 403);
    receiver.sole_response_since(mark, "req-1", 1);
}

#[tokio::test]
async fn receiver_hang_leaves_the_client_to_time_out() -> TestResult {
    let receiver = Receiver::start().await?;
    receiver.reply_with(vec![Reply::Hang]);
    let client = reqwest::Client::builder().timeout(Duration::from_millis(300)).build()?;
    let url = receiver.url();
    let error = client.put(&url).body(valid_success().to_string()).send().await.err().ok_or("expected a timeout")?;
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(receiver.responses()[0].status_answered, 0);
    assert!(receiver.delivered_now().is_empty());

    assert_eq!(client.put(&url).body(valid_success().to_string()).send().await?.status(), 200);
    receiver.next().await.assert_valid();
    Ok(())
}

#[tokio::test]
async fn receiver_close_drops_the_connection() -> TestResult {
    let receiver = Receiver::start().await?;
    receiver.reply_with(vec![Reply::Close]);
    let url = receiver.url();
    let error = put(&url, &valid_success()).await.err().ok_or("expected a connection error")?;
    assert!(!error.is_timeout() && error.status().is_none(), "{error:?}");
    assert_eq!(receiver.responses().len(), 1);
    assert_eq!(put(&url, &valid_success()).await?.status(), 200);
    assert_eq!(receiver.delivered(1).await.len(), 1);
    Ok(())
}

#[tokio::test]
async fn receiver_urls_carry_now_and_the_requested_expiry() -> TestResult {
    let receiver = Receiver::start().await?;
    let before = epoch_secs(SystemTime::now());
    let default = receiver.url();
    let short = receiver.url_sigv4_expiring_in(Duration::from_secs(90));
    let legacy = receiver.url_sigv2_expiring_in(Duration::from_secs(45));
    let after = epoch_secs(SystemTime::now());

    for (url, expires) in [(&default, "7200"), (&short, "90")] {
        assert!(url.starts_with(&format!("http://{}/cloudformation-custom-resource-response/", receiver.address())));
        assert_eq!(query_param(url, "X-Amz-Algorithm").as_deref(), Some("AWS4-HMAC-SHA256"));
        assert_eq!(query_param(url, "X-Amz-Expires").as_deref(), Some(expires));
        assert_eq!(query_param(url, "X-Amz-SignedHeaders").as_deref(), Some("host"));
        assert!(query_param(url, "X-Amz-Credential").is_some_and(|c| c.ends_with("%2Fs3%2Faws4_request")));
        let signature = query_param(url, "X-Amz-Signature").ok_or("no signature")?;
        assert_eq!(signature, receiver.signature());
        assert!(signature.len() == 64 && signature.bytes().all(|b| b.is_ascii_hexdigit()));
        let date = query_param(url, "X-Amz-Date").ok_or("no date")?;
        let date = parse_amz_date(&date).ok_or("bad X-Amz-Date")?;
        assert!((before..=after).contains(&date), "{date} not in {before}..={after}");
    }
    let expires: u64 = query_param(&legacy, "Expires").ok_or("no Expires")?.parse()?;
    assert!((before + 45..=after + 45).contains(&expires));
    assert_eq!(query_param(&legacy, "Signature").as_deref(), Some(receiver.signature()));
    assert!(query_param(&legacy, "AWSAccessKeyId").is_some());
    assert_ne!(path_and_query(&default), path_and_query(&short), "each URL names its own object");
    Ok(())
}

#[tokio::test]
async fn dead_url_refuses_connections() -> TestResult {
    let url = receiver::dead_url();
    assert!(url.starts_with("http://127.0.0.1:"));
    let error = put(&url, &valid_success()).await.err().ok_or("expected a refused connection")?;
    assert!(error.is_connect(), "{error:?}");
    Ok(())
}

#[tokio::test]
#[should_panic(expected = "invalid responses arrived")]
async fn next_fails_loudly_when_an_invalid_response_arrives() {
    let Ok(receiver) = Receiver::start().await else { return };
    let body = with(valid_failed(), "Reason", None);
    let url = receiver.url();
    tokio::spawn(async move {
        let _ = put(&url, &body).await;
    });
    receiver.next().await;
}

#[tokio::test]
async fn receiver_stops_when_dropped() -> TestResult {
    let receiver = Receiver::start().await?;
    let url = receiver.url();
    drop(receiver);
    // The accept loop is aborted on drop; give the runtime a turn to run the cancellation.
    tokio::task::yield_now().await;
    let error = put(&url, &valid_success()).await.err().ok_or("expected a refused connection")?;
    assert!(error.is_connect(), "{error:?}");
    Ok(())
}

// ---------------------------------------------------------------- fake Lambda Runtime API

const NEXT: &str = "/2018-06-01/runtime/invocation/next";

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[tokio::test]
async fn runtime_long_polls_then_delivers_the_invocation_with_its_deadline() -> TestResult {
    let runtime = FakeRuntime::start().await?;
    let client = reqwest::Client::new();
    let base = format!("http://{}", runtime.address());

    // Poll first: the answer must wait for the invocation.
    let poll = tokio::spawn(client.get(format!("{base}{NEXT}")).send());
    runtime.first_poll().await;
    let payload = json!({"RequestType": "Create", "ResponseURL": "http://127.0.0.1:1/x"});
    let before = now_ms();
    let id = runtime.invoke(payload.clone(), Duration::from_secs(30));
    let after = now_ms();

    let event = poll.await??;
    assert_eq!(event.status(), 200);
    assert_eq!(header(&event, "lambda-runtime-aws-request-id"), id);
    let deadline: u64 = header(&event, "lambda-runtime-deadline-ms").parse()?;
    assert!((before + 30_000..=after + 30_000).contains(&deadline), "{deadline}");
    assert_eq!(Some(deadline), runtime.deadline_ms(&id));
    assert_eq!(header(&event, "lambda-runtime-invoked-function-arn"), runtime.function_arn());
    assert!(header(&event, "lambda-runtime-trace-id").starts_with("Root=1-"));
    assert_eq!(serde_json::from_slice::<Value>(&event.bytes().await?)?, payload);
    assert!(runtime.was_delivered(&id));

    let posted = client
        .post(format!("{base}/2018-06-01/runtime/invocation/{id}/response"))
        .body(json!({"PhysicalResourceId": "p"}).to_string())
        .send()
        .await?;
    assert_eq!(posted.status(), 202);
    assert_eq!(runtime.result(&id).await, Invocation::Response(json!({"PhysicalResourceId": "p"})));

    // A second result for the same invocation is refused.
    let again = client.post(format!("{base}/2018-06-01/runtime/invocation/{id}/response")).body("{}").send().await?;
    assert_eq!(again.status(), 400);
    assert_eq!(runtime.problems().len(), 1);
    Ok(())
}

#[tokio::test]
async fn runtime_records_a_function_error() -> TestResult {
    let runtime = FakeRuntime::start().await?;
    let client = reqwest::Client::new();
    let base = format!("http://{}", runtime.address());
    let first = runtime.invoke(json!({"n": 1}), Duration::from_secs(5));
    let second = runtime.invoke(json!({"n": 2}), Duration::from_secs(5));

    let event = client.get(format!("{base}{NEXT}")).send().await?;
    assert_eq!(header(&event, "lambda-runtime-aws-request-id"), first, "invocations are served in order");
    let posted = client
        .post(format!("{base}/2018-06-01/runtime/invocation/{first}/error"))
        .header("Lambda-Runtime-Function-Error-Type", "unhandled")
        .body(json!({"errorType": "HandlerError", "errorMessage": "delivery failed"}).to_string())
        .send()
        .await?;
    assert_eq!(posted.status(), 202);
    match runtime.result(&first).await {
        Invocation::Error { error_type, error_message, raw } => {
            assert_eq!(error_type, "HandlerError");
            assert_eq!(error_message, "delivery failed");
            assert_eq!(raw["errorMessage"], "delivery failed");
        }
        other => return Err(format!("expected an error, got {other:?}").into()),
    }

    let event = client.get(format!("{base}{NEXT}")).send().await?;
    assert_eq!(header(&event, "lambda-runtime-aws-request-id"), second);
    assert_eq!(runtime.polls(), 2);
    assert!(runtime.problems().is_empty());
    Ok(())
}

#[tokio::test]
async fn runtime_times_the_first_poll_and_records_init_errors() -> TestResult {
    let runtime = FakeRuntime::start().await?;
    let client = reqwest::Client::new();
    let base = format!("http://{}", runtime.address());
    assert_eq!(runtime.init_error().await, None);

    let started = Instant::now();
    let init = client
        .post(format!("{base}/2018-06-01/runtime/init/error"))
        .header("Lambda-Runtime-Function-Error-Type", "Runtime.InitError")
        .body(json!({"errorType": "Runtime.InitError", "errorMessage": "no config"}).to_string())
        .send()
        .await?;
    assert_eq!(init.status(), 202);
    assert_eq!(
        runtime.init_error().await,
        Some(json!({"errorType": "Runtime.InitError", "errorMessage": "no config"}))
    );

    let poll = tokio::spawn(client.get(format!("{base}{NEXT}")).send());
    let first = runtime.first_poll().await;
    assert!(first >= started);
    assert_eq!(runtime.polls(), 1);
    poll.abort();
    Ok(())
}

#[tokio::test]
async fn runtime_environment_points_at_the_fake() -> TestResult {
    let runtime = FakeRuntime::start().await?;
    let env = runtime.lambda_env();
    let get = |key: &str| env.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    assert_eq!(get("AWS_LAMBDA_RUNTIME_API"), Some(runtime.address().as_str()));
    for key in [
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "_HANDLER",
        "LAMBDA_TASK_ROOT",
    ] {
        assert!(get(key).is_some_and(|v| !v.is_empty()), "{key} missing");
    }
    assert!(get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").is_some_and(|v| v.parse::<i32>().is_ok()));
    Ok(())
}
