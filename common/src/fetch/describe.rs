//! A failed request in one line a learner can act on: reqwest's chain of nested errors,
//! TLS and certificate problems said plainly, no URL repeated (it could hold a password).

use crate::output::strip_os_error;
use std::error::Error as _;

/// Turn reqwest's chain of nested errors into one short line a learner can act on.
pub fn describe(error: &reqwest::Error) -> String {
    // reqwest's own message repeats the URL, which we print anyway; its causes say what happened.
    let causes: Vec<String> = std::iter::successors(error.source(), |&e| e.source())
        .map(|e| strip_os_error(&e.to_string()))
        .collect();
    let innermost = causes.last().cloned().unwrap_or_else(|| without_url(error));
    if let Some(problem) = tls_problem(error) {
        problem
    } else if error.is_timeout() {
        "timed out (no answer within --timeout)".to_string()
    } else if let Some(too_long) = error.url().filter(|url| url.as_str().len() > MAX_URL_LEN) {
        format!("URL too long ({} KB)", too_long.as_str().len() / 1000)
    } else if error.is_builder() {
        format!("invalid URL: {innermost}")
    } else if causes.iter().any(|c| c == "dns error") {
        format!("unknown host: {innermost}")
    } else if error.is_connect() {
        format!("cannot connect: {innermost}")
    } else if innermost == "connection closed before message completed" {
        "no answer: the server hung up".to_string()
    } else if causes.is_empty() {
        innermost
    } else {
        causes.join(": ")
    }
}

/// [`describe`], for a request to `requested`: when what failed is the URL a redirect led
/// to (a redirect to `gopher:`, to a port nobody listens on), the line names that URL, so
/// the reader does not blame the one they gave.
pub fn describe_request(requested: &str, error: &reqwest::Error) -> String {
    let reason = describe(error);
    // reqwest leaves a URL's user name and password out of its errors, so compare without them.
    let requested = reqwest::Url::parse(requested).ok().map(|mut requested| {
        let _ = requested.set_username("");
        let _ = requested.set_password(None);
        requested
    });
    match error.url() {
        Some(failed) if requested.as_ref().is_some_and(|requested| requested != failed) => {
            let shown = crate::fetch::printable_url(failed.as_str());
            format!("after a redirect to {shown}: {reason}")
        }
        _ => reason,
    }
}

/// How every client here follows redirects: as reqwest does by default (up to 10), except
/// that one to a scheme no client speaks (`gopher:`) is refused with an error that names where
/// it led. reqwest's own refusal names only the URL the reader gave (the blocking client
/// puts that URL back on every error), which they would blame, valid as it is.
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| match attempt.url().scheme() {
        "http" | "https" => reqwest::redirect::Policy::default().redirect(attempt),
        _ => {
            let shown = crate::fetch::printable_url(attempt.url().as_str());
            attempt.error(format!("a redirect to {shown}: only http and https are followed"))
        }
    })
}

/// The longest URL an HTTP request can carry here (the `http` crate's limit on a URI).
const MAX_URL_LEN: usize = u16::MAX as usize - 1;

/// reqwest's message without its ` for url (...)` part, which could hold a password.
fn without_url(error: &reqwest::Error) -> String {
    let message = error.to_string();
    match message.find(" for url (") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// What went wrong in TLS, said plainly, if that is what failed.
fn tls_problem(error: &reqwest::Error) -> Option<String> {
    let tls_error = std::iter::successors(error.source(), |&e| e.source()).find_map(rustls_error_in)?;
    Some(match tls_error {
        // The first bytes back were not TLS at all: most likely a plain-HTTP server.
        rustls::Error::InvalidMessage(_) => "the server does not speak HTTPS".to_string(),
        rustls::Error::InvalidCertificate(why) => {
            format!("certificate not trusted: {}", certificate_problem(why))
        }
        other => format!("TLS failed: {other}"),
    })
}

/// rustls reports through an `io::Error` that wraps its own error, sometimes in a further
/// `io::Error`; `source()` skips over those wrappers, so look inside them.
fn rustls_error_in<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = cause;
    loop {
        if let Some(tls_error) = current.downcast_ref::<rustls::Error>() {
            return Some(tls_error);
        }
        current = current.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

fn certificate_problem(why: &rustls::CertificateError) -> String {
    use rustls::CertificateError as Why;
    match why {
        // A self-signed certificate is either its own unknown issuer or, when marked as an
        // authority, a CA certificate used as the server's own.
        Why::UnknownIssuer => "self-signed, or from an authority this computer does not know".to_string(),
        Why::Other(other) if other.0.downcast_ref() == Some(&webpki::Error::CaUsedAsEndEntity) => {
            "self-signed, or from an authority this computer does not know".to_string()
        }
        Why::Expired | Why::ExpiredContext { .. } => "it has expired".to_string(),
        Why::NotValidYet | Why::NotValidYetContext { .. } => "it is not valid yet".to_string(),
        Why::NotValidForName | Why::NotValidForNameContext { .. } => {
            "it was issued for another host name".to_string()
        }
        Why::Revoked => "it has been revoked".to_string(),
        other => format!("{other:?}"),
    }
}
