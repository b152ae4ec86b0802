//! The mechanisms behind Listing 2, kept out of `main.rs` so it reads like the listing:
//!
//! * [`process_pool`]: a process pool written out by hand (Rust's std has none),
//! * [`work`]: what each task spends its time on: sleep, or calibrated CPU work.

pub mod process_pool;
pub mod work;
