//! The response URL allow-list (docs/protocol.md §5) on its own: known S3 URLs of every partition are accepted
//! unchanged, and properties hold on generated hostile URLs (`PROPTEST_CASES` sets the case count,
//! `allow_list::DEFAULT_CASES` by default). What the handler does with a refused URL, over real HTTP, is proved in
//! `put`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cfn_connect_user::core::response_url::{ResponseUrl, UrlError, UrlPolicy};

#[test]
fn known_s3_urls_of_every_partition_are_accepted_unchanged() {
    let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261128T230601Z&X-Amz-SignedHeaders=host\
                 &X-Amz-Expires=7200&X-Amz-Credential=AKIA%2F20261128%2Fus-east-1%2Fs3%2Faws4_request\
                 &X-Amz-Signature=0f1e2d3c";
    let key = "arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/s/guid%7CRes%7Creq";
    for base in [
        "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com",
        "https://cloudformation-custom-resource-response-useast1.s3.us-east-1.amazonaws.com",
        "https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1",
        "https://s3.us-east-1.amazonaws.com/cloudformation-custom-resource-response-useast1",
        "https://s3.dualstack.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1",
        "https://bucket.s3.dualstack.eu-west-1.amazonaws.com",
        "https://bucket.s3-eu-west-1.amazonaws.com",
        "https://bucket.s3.us-gov-west-1.amazonaws.com",
        "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn",
        "https://s3.cn-northwest-1.amazonaws.com.cn/cloudformation-custom-resource-response-cnnorthwest1",
    ] {
        let raw = format!("{base}/{key}?{query}");
        match ResponseUrl::parse(&raw, UrlPolicy::default()) {
            Ok(url) => assert_eq!(url.expose(), raw, "sent as CloudFormation wrote it"),
            Err(e) => panic!("{raw}: {e}"),
        }
    }
}

mod allow_list {
    //! Properties of the allow-list on generated URLs: whatever is accepted has, as a WHATWG parser reads
    //! it (the one the HTTP client uses), no userinfo and an allow-listed host; refusals never show the
    //! path, query, fragment or userinfo; generated S3 URLs are all accepted.

    use std::net::{Ipv4Addr, Ipv6Addr};

    use proptest::prelude::*;
    use proptest::sample::select;
    use url::{Host, Url};

    use super::*;

    /// Cases per property unless `PROPTEST_CASES` says otherwise: parsing is microseconds, so many.
    pub const DEFAULT_CASES: u32 = 10_000;

    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES)
    }

    const QUERY_MARK: &str = "QUERYMARK";
    const FRAGMENT_MARK: &str = "FRAGMARK";
    const USER_MARK: &str = "USERMARK";
    const PATH_MARK: &str = "PATHMARK";

    const HOSTS: &[&str] = &[
        "s3.amazonaws.com",
        "bucket.s3.us-east-1.amazonaws.com",
        "b.s3.cn-north-1.amazonaws.com.cn",
        "amazonaws.com",
        "amazonaws.com.cn",
        "amazonaws.com.evil.com",
        "evilamazonaws.com",
        "s3.amazonaws.com.",
        "s3.amazonaws.com..",
        ".amazonaws.com",
        "a..amazonaws.com",
        "s3.amazonaws.com.cn.evil.com",
        "evil.com#.amazonaws.com",
        "evil.com?.amazonaws.com",
        "evil.com/.amazonaws.com",
        "evil.com\\.amazonaws.com",
        "evil.com;.amazonaws.com",
        "evil.com%2F.amazonaws.com",
        "evil.com%00.amazonaws.com",
        "evil.com%23.amazonaws.com",
        "s3.amazonaws.com%2eevil.com",
        "evil.com%40s3.amazonaws.com",
        "evil.com\u{3002}amazonaws.com",
        "s3\u{3002}amazonaws\u{3002}com",
        "s3\u{ff0e}amazonaws\u{ff0e}com",
        "\u{ff53}3.\u{ff41}mazonaws.com",
        "\u{0455}3.amazonaws.com",
        "xn--s3-amazonaws-com",
        "xn--.amazonaws.com",
        "s3.amazonaws.com\u{200b}",
        "s3.amazonaws.com\u{0}",
        "s3.amazonaws.com\t.evil.com",
        "s3.amazonaws.com\n",
        "localhost",
        "LOCALHOST",
        "localhost.",
        "localhost.amazonaws.com",
        "s3.amazonaws.com.localhost",
        "127.0.0.1",
        "127.1",
        "0x7f.1",
        "0177.0.0.1",
        "2130706433",
        "0x7f000001",
        "017700000001",
        "127.0.0.1.amazonaws.com",
        "0.0.0.0",
        "0",
        "169.254.169.254",
        "0xa9fea9fe",
        "[::1]",
        "[0:0:0:0:0:0:0:1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:a9fe:a9fe]",
        "[fd00:ec2::254]",
        "[::]",
        "::1",
        "[::1",
        "",
    ];

    const SUFFIXES: &[&str] = &[
        "",
        ".amazonaws.com",
        ".amazonaws.com.cn",
        ".AmazonAWS.com",
        ".amazonaws.com.",
        ".amazonaws.com.cn.",
        "amazonaws.com",
        ".amazonaws.com.evil.com",
        ".amazonaws.com:443",
        ".amazonaws%2ecom",
        "%2eamazonaws.com",
        "\u{3002}amazonaws.com",
        ".evil.com",
        ".localhost",
    ];

    fn ipv4_literal() -> impl Strategy<Value = String> {
        let octets = prop_oneof![
            any::<[u8; 4]>(),
            any::<[u8; 3]>().prop_map(|[a, b, c]| [127, a, b, c]),
            Just([169, 254, 169, 254]),
            Just([0, 0, 0, 0]),
            Just([10, 0, 0, 1]),
        ];
        (octets, 0..8u8).prop_map(|(o, notation)| {
            let n = u32::from(Ipv4Addr::from(o));
            match notation {
                0 => Ipv4Addr::from(o).to_string(),
                1 => format!("0x{:x}.0x{:X}.0x{:x}.0x{:x}", o[0], o[1], o[2], o[3]),
                2 => format!("0{:o}.0{:o}.0{:o}.0{:o}", o[0], o[1], o[2], o[3]),
                3 => n.to_string(),
                4 => format!("0x{n:x}"),
                5 => format!("0{n:o}"),
                6 => format!("{}.{}", o[0], n & 0x00ff_ffff),
                _ => format!("{}.{}.{}", o[0], o[1], n & 0xffff),
            }
        })
    }

    fn ipv6_literal() -> impl Strategy<Value = String> {
        let address = prop_oneof![
            any::<[u16; 8]>().prop_map(Ipv6Addr::from),
            Just(Ipv6Addr::LOCALHOST),
            any::<[u8; 4]>().prop_map(|o| Ipv4Addr::from(o).to_ipv6_mapped()),
            Just(Ipv4Addr::LOCALHOST.to_ipv6_mapped()),
        ];
        (address, any::<bool>()).prop_map(|(ip, bracketed)| if bracketed { format!("[{ip}]") } else { ip.to_string() })
    }

    /// A DNS-ish name: labels of name characters (and `%`), then a suffix that may or may not be AWS's.
    fn generated_name() -> impl Strategy<Value = String> {
        (prop::collection::vec("[a-zA-Z0-9_%-]{0,6}", 0..4), select(SUFFIXES))
            .prop_map(|(labels, suffix)| format!("{}{suffix}", labels.join(".")))
    }

    /// Unicode names: Cyrillic and full-width look-alikes, ideographic dots, zero-width characters.
    fn unicode_name() -> impl Strategy<Value = String> {
        (
            "[a-z0-9.\u{0430}-\u{044f}\u{ff41}-\u{ff5a}\u{ff10}-\u{ff19}\u{3002}\u{ff0e}\u{200b}\u{00ad}]{1,12}",
            select(SUFFIXES),
        )
            .prop_map(|(name, suffix)| format!("{name}{suffix}"))
    }

    /// Percent-encodes the characters the mask selects, or flips their case.
    fn mangled(host: String, mask: Vec<bool>, how: u8) -> String {
        let mut mask = mask.into_iter().cycle();
        host.chars()
            .map(|c| match (how, mask.next().unwrap_or(false)) {
                (1, true) => c.to_uppercase().collect(),
                (2, true) => {
                    let mut buf = [0u8; 4];
                    c.encode_utf8(&mut buf).bytes().map(|b| format!("%{b:02X}")).collect()
                }
                _ => c.to_string(),
            })
            .collect()
    }

    fn host() -> impl Strategy<Value = String> {
        let base = prop_oneof![
            4 => select(HOSTS).prop_map(str::to_owned),
            3 => generated_name(),
            2 => ipv4_literal(),
            1 => ipv6_literal(),
            1 => unicode_name(),
            1 => "\\PC{0,10}",
        ];
        (base, prop::collection::vec(any::<bool>(), 1..16), 0..3u8).prop_map(|(h, mask, how)| mangled(h, mask, how))
    }

    fn hostile_url() -> impl Strategy<Value = String> {
        let scheme = select(
            &["https", "http", "HTTPS", "hTtP", "ftp", "file", "ws", "wss", "javascript", "s3", "", " https"][..],
        );
        let separator = select(&["://", ":/", ":", ":///", ":\\\\", "://\\", ":\\/", "/\\", ":////"][..]);
        let userinfo = select(
            &[
                "",
                "",
                "",
                "user:USERMARK@",
                "USERMARK@",
                "s3.amazonaws.com@",
                "s3.amazonaws.com:USERMARK@",
                "evil.com@",
                "@",
                ":@",
                "%40@",
                "a@USERMARK@",
                "127.0.0.1@",
                "localhost:USERMARK@",
            ][..],
        );
        let port = select(
            &["", "", "", ":443", ":0443", ":80", ":8443", ":", ":65535", ":65536", ":-1", ":4%343", ":443@e.com"][..],
        );
        let path = select(
            &["", "/", "/k", "/PATHMARK", "/\\@evil.com/", "/@evil.com", "\\evil.com", "/.amazonaws.com", "/%2e/"][..],
        );
        let query = select(
            &["", "?X-Amz-Signature=QUERYMARK", "?.amazonaws.com", "?@s3.amazonaws.com", "?QUERYMARK@evil.com"][..],
        );
        let fragment = select(&["", "#", "#.amazonaws.com", "#@s3.amazonaws.com", "#FRAGMARK"][..]);
        (scheme, separator, userinfo, host(), port, path, query, fragment)
            .prop_map(|(s, sep, ui, h, p, path, q, f)| format!("{s}{sep}{ui}{h}{p}{path}{q}{f}"))
    }

    /// Whether `text`, as the HTTP client's parser reads it, goes somewhere `policy` allows.
    fn goes_where_allowed(text: &str, policy: UrlPolicy) -> Result<(), String> {
        let url = Url::parse(text).map_err(|e| format!("does not re-parse: {e}"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err("has userinfo".to_owned());
        }
        let loopback = match url.host() {
            Some(Host::Domain(name)) => name == "localhost",
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
            None => return Err("has no host".to_owned()),
        };
        if loopback {
            return match (policy.allow_loopback, url.scheme()) {
                (true, "http" | "https") => Ok(()),
                _ => Err("goes to loopback".to_owned()),
            };
        }
        let Some(Host::Domain(name)) = url.host() else { return Err("is an IP literal".to_owned()) };
        let labels: Vec<&str> = name.split('.').collect();
        let aws = matches!(labels.as_slice(), [.., _, "amazonaws", "com"] | [.., _, "amazonaws", "com", "cn"]);
        if url.scheme() != "https" || url.port().is_some() || !aws || labels.iter().any(|l| l.is_empty()) {
            return Err(format!("goes to {}://{name}:{:?}", url.scheme(), url.port()));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn every_accepted_url_goes_to_an_allow_listed_host(raw in hostile_url()) {
            for policy in [UrlPolicy::default(), UrlPolicy { allow_loopback: true }] {
                match ResponseUrl::parse(&raw, policy) {
                    Ok(url) => {
                        // Both what is sent and what a client would make of the original text.
                        for text in [url.expose(), raw.as_str()] {
                            if let Err(why) = goes_where_allowed(text, policy) {
                                let failure = format!("{raw:?} accepted ({policy:?}) but {text:?} {why}");
                                return Err(TestCaseError::fail(failure));
                            }
                        }
                        for shown in [url.to_string(), format!("{url:?}")] {
                            prop_assert!(!shown.contains(QUERY_MARK) && !shown.contains(FRAGMENT_MARK), "{}", shown);
                        }
                    }
                    Err(e) => {
                        // The message is made of the scheme and the host as parsed: a mark shows only when
                        // the parser read it as the host (`javascript://PATHMARK`).
                        let message = e.to_string();
                        let host = Url::parse(&raw).ok().and_then(|u| u.host_str().map(str::to_owned));
                        for mark in [QUERY_MARK, FRAGMENT_MARK, USER_MARK, PATH_MARK] {
                            let in_host = host.as_deref().is_some_and(|h| h.contains(mark));
                            prop_assert!(in_host || !message.contains(mark), "{:?} → {}", raw, message);
                        }
                        // Only the policy stands between a loopback refusal and an accepted URL.
                        if matches!(e, UrlError::LoopbackNotAllowed { .. }) {
                            let allowed = ResponseUrl::parse(&raw, UrlPolicy { allow_loopback: true });
                            prop_assert!(allowed.is_ok(), "{:?} → {}", raw, message);
                        }
                    }
                }
            }
        }

        #[test]
        fn every_generated_s3_url_is_accepted(
            bucket in "[a-z0-9][a-z0-9-]{1,30}[a-z0-9]"
                .prop_filter("S3 forbids the xn-- prefix", |b| !b.starts_with("xn--")),
            region in select(
                &["us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1", "cn-north-1", "cn-northwest-1"][..],
            ),
            style in 0..4u8,
            key in "[A-Za-z0-9%._~/-]{1,60}",
            signature in "[0-9a-f]{64}",
        ) {
            let domain = if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
            let base = match style {
                0 => format!("https://{bucket}.s3.{region}.{domain}"),
                1 => format!("https://s3.{region}.{domain}/{bucket}"),
                2 => format!("https://{bucket}.s3.dualstack.{region}.{domain}"),
                _ => format!("https://s3.dualstack.{region}.{domain}/{bucket}"),
            };
            let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261128T230601Z&X-Amz-Expires=7200";
            let raw = format!("{base}/{key}?{query}&X-Amz-Signature={signature}");
            match ResponseUrl::parse(&raw, UrlPolicy::default()) {
                Ok(url) => prop_assert!(url.signed_at().is_some() && !url.to_string().contains(&signature), "{}", raw),
                Err(e) => return Err(TestCaseError::fail(format!("{raw}: {e}"))),
            }
        }
    }
}
