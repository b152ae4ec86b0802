//! What Listing 2's tasks spend their time on ([`work`]), kept out of `main.rs` so it reads
//! like the listing. The process pool is a package of its own: `process-pool`, beside this one.

pub mod work;
