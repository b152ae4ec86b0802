//! TLS for `--live`: which cryptography rustls uses.
//!
//! reqwest's `rustls` feature brings aws-lc-rs, a large C library that doubles a cold build.
//! We use its `rustls-no-provider` feature with rustls's `ring` provider instead (smaller,
//! mostly Rust, and just as good for fetching a few HTTPS pages). The price: the provider
//! must be installed before the first client is built, or reqwest panics. [`crate::init`]
//! does it; code that builds a client without `init` (tests, benches) calls
//! [`install_crypto_provider`] itself.

/// Make ring this process's TLS provider. Safe to call any number of times, from any thread.
pub fn install_crypto_provider() {
    // An error means a provider is installed already (by an earlier call): nothing to do.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_is_installed_once_and_clients_with_https_build() {
        install_crypto_provider();
        install_crypto_provider();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
        let blocking = reqwest::blocking::Client::builder().https_only(true).build();
        assert!(blocking.is_ok(), "{:?}", blocking.err());
        let in_async = reqwest::Client::builder().https_only(true).build();
        assert!(in_async.is_ok(), "{:?}", in_async.err());
    }
}
