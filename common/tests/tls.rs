//! A TLS failure, said plainly: fetch from a loopback HTTPS server that shows a self-signed
//! certificate. (`https://` to a plain-HTTP server is tested through the lesson binaries.)

use common::fetch::describe;
use reqwest::blocking::Client;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

/// A certificate for 127.0.0.1 that signs itself, valid for a hundred years, made with
/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
/// -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost`.
const CERTIFICATE: &[u8] = include_bytes!("fixtures/self-signed.crt");
const PRIVATE_KEY: &[u8] = include_bytes!("fixtures/self-signed.key");

/// Serve TLS with the self-signed certificate on a free port, in the background.
fn self_signed_server() -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(CERTIFICATE).unwrap()],
            PrivateKeyDer::from_pem_slice(PRIVATE_KEY).unwrap(),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let connection = rustls::ServerConnection::new(Arc::clone(&config)).unwrap();
            // Reading drives the handshake, which the client breaks off.
            let _ = rustls::StreamOwned::new(connection, stream).read(&mut [0; 64]);
        }
    });
    port
}

fn fetch_error(url: &str) -> String {
    common::tls::install_crypto_provider();
    let client = Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    describe(&client.get(url).send().expect_err("must fail"))
}

#[test]
fn a_self_signed_certificate_is_not_trusted_and_says_so() {
    let port = self_signed_server();
    let reason = fetch_error(&format!("https://127.0.0.1:{port}/"));
    assert!(
        reason.starts_with("certificate not trusted: self-signed"),
        "{reason}"
    );
}
