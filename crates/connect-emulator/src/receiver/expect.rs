//! What a test asserts about the PUTs of one request, checked on what the receiver recorded rather than on a wait:
//! how many attempts arrived (each retry counts), that they all answer that request with the same document, and
//! that exactly one of them, the last, was delivered.
//!
//! These checks wait for nothing, so a PUT too many is counted instead of left unread. They belong after the
//! request's handling has returned: the handler returns only once its PUTs are answered or given up, and the
//! receiver records each PUT before it answers it, so by then the record holds every attempt that arrived whole.

use super::{Receiver, Recorded, describe_problems};

/// A point in the receiver's record, taken before a request is sent; the checks count what arrived after it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mark(usize);

impl Receiver {
    /// The current end of the record.
    pub fn mark(&self) -> Mark {
        Mark(self.shared.lock().recorded.len())
    }

    /// Every PUT recorded since `mark`, after checking that there are exactly `puts` of them (each attempt counts,
    /// whatever it was answered: a 500 then a 200 is two) and that each is a valid response to `request_id`
    /// carrying the same document (a retry resends, it never rewrites).
    ///
    /// Panics, listing what arrived, otherwise, and if any invalid request has arrived at all.
    #[track_caller]
    pub fn attempts_since(&self, mark: Mark, request_id: &str, puts: usize) -> Vec<Recorded> {
        let (invalid, since) = {
            let state = self.shared.lock();
            let invalid: Vec<Recorded> = state.recorded.iter().filter(|r| !r.problems.is_empty()).cloned().collect();
            (invalid, state.recorded.get(mark.0..).unwrap_or_default().to_vec())
        };
        if !invalid.is_empty() {
            panic!("invalid responses arrived:\n{}", describe_problems(&invalid));
        }
        let counted = since.len() == puts;
        let all_ours = since.iter().all(|r| r.request_id() == Some(request_id));
        if !counted || !all_ours {
            panic!(
                "expected exactly {puts} PUT(s) answering RequestId {request_id:?}; the receiver saw {}:\n{}",
                since.len(),
                list(&since)
            );
        }
        if since.windows(2).any(|pair| pair[0].body != pair[1].body) {
            panic!("the PUTs answering RequestId {request_id:?} carry different documents:\n{}", list(&since));
        }
        since
    }

    /// The one response CloudFormation took for `request_id`: checked as [`Receiver::attempts_since`] does, and
    /// then that the last attempt, and no other, was delivered (answered 2xx).
    #[track_caller]
    pub fn sole_response_since(&self, mark: Mark, request_id: &str, puts: usize) -> Recorded {
        let attempts = self.attempts_since(mark, request_id, puts);
        let delivered = attempts.iter().filter(|r| r.is_delivered()).count();
        match attempts.last() {
            Some(last) if delivered == 1 && last.is_delivered() => last.clone(),
            _ => panic!(
                "expected the last of {puts} PUT(s) answering RequestId {request_id:?}, and only it, delivered; \
                 {delivered} were:\n{}",
                list(&attempts)
            ),
        }
    }
}

/// One line per PUT: what it was answered and what it said.
fn list(records: &[Recorded]) -> String {
    if records.is_empty() {
        return "  (none)".to_owned();
    }
    records
        .iter()
        .map(|r| {
            format!(
                "  {} {} (answered {}): RequestId {:?}, Status {:?}, PhysicalResourceId {:?}",
                r.method,
                r.path_and_query.split('?').next().unwrap_or_default(),
                r.status_answered,
                r.request_id().unwrap_or_default(),
                r.status(),
                r.physical_id().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
