//! Raw HTTP/1.1 on the receiver's sockets: reading one request (head, Content-Length or chunked body) and
//! noting its framing problems, and writing the answer.

use std::time::Duration;

use tokio::net::TcpStream;

use super::MAX_BODY_BYTES;

/// A client that stops sending mid-body is given up on after this long (S3 answers `RequestTimeout`).
const BODY_STALL_LIMIT: Duration = Duration::from_secs(5);
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Bodies are read up to this size so oversized ones can still be reported precisely.
const MAX_READ_BODY_BYTES: usize = 1024 * 1024;

pub(super) struct RawRequest {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
    /// Framing problems found while reading (Content-Length mismatches, chunked uploads).
    pub(super) problems: Vec<String>,
}

/// A connection with its read buffer; reads use readiness + `try_read` so only tokio's `net` feature is needed.
pub(super) struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub(super) fn new(stream: TcpStream) -> Conn {
        Conn { stream, buf: Vec::new() }
    }

    /// Reads more bytes into `buf`; `Ok(0)` at end of stream.
    async fn fill(&mut self) -> std::io::Result<usize> {
        let mut chunk = [0u8; 8192];
        loop {
            self.stream.readable().await?;
            match self.stream.try_read(&mut chunk) {
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(err) => return Err(err),
            }
        }
    }

    async fn fill_within_limit(&mut self) -> Option<usize> {
        match tokio::time::timeout(BODY_STALL_LIMIT, self.fill()).await {
            Ok(Ok(n)) if n > 0 => Some(n),
            _ => None,
        }
    }

    pub(super) async fn write_all(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            self.stream.writable().await?;
            match self.stream.try_write(bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Takes `n` bytes from the front of the buffer, reading more as needed; `None` if the client stalls or leaves.
    async fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        while self.buf.len() < n {
            self.fill_within_limit().await?;
        }
        Some(self.buf.drain(..n).collect())
    }

    async fn take_line(&mut self) -> Option<String> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n") {
                let line = self.buf.drain(..end + 2).collect::<Vec<u8>>();
                return Some(String::from_utf8_lossy(&line[..end]).into_owned());
            }
            if self.buf.len() > MAX_HEAD_BYTES {
                return None;
            }
            self.fill_within_limit().await?;
        }
    }

    pub(super) async fn read_request(&mut self) -> Option<RawRequest> {
        let head_end = loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                break end;
            }
            if self.buf.len() > MAX_HEAD_BYTES || self.fill().await.ok()? == 0 {
                return None;
            }
        };
        let head: Vec<u8> = self.buf.drain(..head_end + 4).collect();
        let head = String::from_utf8_lossy(&head[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next()?.split(' ');
        let method = request_line.next()?.to_owned();
        let target = request_line.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());

        if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
            self.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await.ok()?;
        }

        let mut problems = Vec::new();
        let chunked = header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let body = match (header("content-length"), chunked) {
            (_, true) => {
                problems.push(
                    "Transfer-Encoding is chunked; S3 presigned PUTs need a Content-Length (MissingContentLength)"
                        .to_owned(),
                );
                self.read_chunked(&mut problems).await
            }
            (Some(length), false) => match length.parse::<usize>() {
                Ok(length) if length > MAX_READ_BODY_BYTES => {
                    problems
                        .push(format!("Content-Length is {length}, far over {MAX_BODY_BYTES} bytes; body not read"));
                    Vec::new()
                }
                Ok(length) => self.read_exact_body(length, &mut problems).await,
                Err(_) => {
                    problems.push(format!("Content-Length is {length:?}, not a number"));
                    Vec::new()
                }
            },
            (None, false) => {
                if !self.buf.is_empty() || matches!(self.stream.try_read(&mut [0u8; 1]), Ok(n) if n > 0) {
                    problems.push("Content-Length is missing but a body was sent".to_owned());
                } else {
                    problems.push("Content-Length is missing".to_owned());
                }
                Vec::new()
            }
        };
        Some(RawRequest { method, target, headers, body, problems })
    }

    async fn read_exact_body(&mut self, length: usize, problems: &mut Vec<String>) -> Vec<u8> {
        let Some(body) = self.take(length).await else {
            let got = std::mem::take(&mut self.buf);
            problems.push(format!(
                "Content-Length is {length} but only {} bytes arrived (it must count bytes, not characters)",
                got.len()
            ));
            return got;
        };
        // A client that does not pipeline sends nothing after the body, so any bytes already here (or
        // readable right now) mean the declared length was too short.
        let mut extra = std::mem::take(&mut self.buf);
        let mut chunk = [0u8; 8192];
        while let Ok(n) = self.stream.try_read(&mut chunk) {
            if n == 0 {
                break;
            }
            extra.extend_from_slice(&chunk[..n]);
        }
        if !extra.is_empty() {
            problems.push(format!(
                "Content-Length is {length} but {} more bytes followed the body (it must count bytes, not characters)",
                extra.len()
            ));
            let mut whole = body;
            whole.extend_from_slice(&extra);
            return whole;
        }
        body
    }

    async fn read_chunked(&mut self, problems: &mut Vec<String>) -> Vec<u8> {
        let mut body = Vec::new();
        loop {
            let Some(line) = self.take_line().await else {
                problems.push("chunked body ended early".to_owned());
                return body;
            };
            let size = line.split(';').next().unwrap_or("").trim();
            let Ok(size) = usize::from_str_radix(size, 16) else {
                problems.push(format!("malformed chunk size {line:?}"));
                return body;
            };
            if size == 0 {
                // Trailers, then the blank line that ends the message.
                while let Some(trailer) = self.take_line().await {
                    if trailer.is_empty() {
                        break;
                    }
                }
                return body;
            }
            if body.len() + size > MAX_READ_BODY_BYTES {
                problems.push("chunked body too large; not read".to_owned());
                return body;
            }
            match self.take(size + 2).await {
                Some(chunk) => body.extend_from_slice(&chunk[..size]),
                None => {
                    problems.push("chunked body ended early".to_owned());
                    return body;
                }
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
