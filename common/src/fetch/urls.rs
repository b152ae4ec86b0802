//! URLs as they are printed: credentials masked and one line each ([`printable_url`]), and
//! the short label a timeline row gets ([`short_name`]).

/// A URL as it is safe to print: a password becomes `***` (so does a user name standing
/// alone, often a token), control characters such as a newline are shown escaped (one
/// result stays one line), and a URL longer than a screenful is cut short.
///
/// ```
/// use common::fetch::printable_url;
///
/// assert_eq!(printable_url("http://ann:secret@host/a"), "http://ann:***@host/a");
/// assert_eq!(printable_url("http://host/a\nb"), "http://host/a\\nb");
/// ```
pub fn printable_url(url: &str) -> String {
    // Work on the text as given rather than a parsed `Url`: parsing would also rewrite it
    // (a trailing `/`, a lower-case host), and an invalid URL must be printed too.
    let masked = match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((credentials, host)) => {
                    let user = match credentials.split_once(':') {
                        Some((user, _password)) => format!("{user}:***"),
                        None => "***".to_string(),
                    };
                    format!("{scheme}://{user}@{host}{path}")
                }
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    const MAX_CHARS: usize = 200;
    let cut: String = masked.chars().take(MAX_CHARS).collect();
    let mut printable = crate::output::escape_controls(&cut);
    if masked.chars().nth(MAX_CHARS).is_some() {
        printable.push('…');
    }
    printable
}

/// A short label for a URL (for the timeline): its path, or its host when the path is empty.
///
/// ```
/// use common::fetch::short_name;
///
/// assert_eq!(short_name("http://127.0.0.1:8080/bing"), "bing");
/// assert_eq!(short_name("https://www.bing.com"), "www.bing.com");
/// ```
pub fn short_name(url: &str) -> String {
    const MAX: usize = 24;
    let parsed = reqwest::Url::parse(url).ok();
    let path = parsed.as_ref().map_or("", |url| url.path().trim_matches('/'));
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let unparsed;
    let name = match parsed.as_ref().and_then(|url| url.host_str()) {
        Some(host) if path.is_empty() => host,
        Some(_) => &path,
        None => {
            unparsed = printable_url(url);
            &unparsed
        }
    };
    match name.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}~", &name[..cut]),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_the_path_or_the_host() {
        assert_eq!(short_name("http://127.0.0.1:8080/bing"), "bing");
        assert_eq!(short_name("http://127.0.0.1:8080/status/404?x"), "status/404");
        assert_eq!(short_name("https://www.bing.com"), "www.bing.com");
        assert_eq!(short_name("https://www.bing.com/"), "www.bing.com");
        assert_eq!(short_name("not a url"), "not a url");
        assert_eq!(
            short_name(&format!("http://h/{}", "x".repeat(40)))
                .chars()
                .count(),
            25
        );
    }
}
