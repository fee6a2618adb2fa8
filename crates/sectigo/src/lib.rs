//! Blocking client for Sectigo's reseller "products" API: placing orders, authorizing them,
//! opening customer sessions and signing up Tier 2 partners.
//!
//! Everything endpoint-specific is generated from `spec/` by `cargo xtask codegen`: typed
//! request builders ([`PlaceOrder`], [`AutoAuthorize`], ...), typed answers, one error enum per
//! endpoint from its error table, and the spec itself as data ([`meta`]). The hand-written
//! runtime around it validates requests, encodes them, talks HTTPS and decodes the answers.
//!
//! ```no_run
//! use sectigo::{Client, PlaceOrder, PlaceOrderItem, Term, WebProduct};
//!
//! let client = Client::builder().credentials("login_name", "login_password").build()?;
//! let order = PlaceOrder::new()
//!     .ap("reseller_brand_name")
//!     .reseller(true)
//!     .email_address("customer@example.com")
//!     .name("John Doe")
//!     .item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1)?)
//!     .send(&client)?;
//! println!("order {}", order.order_number);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Generated code names runtime items as `::sectigo::...`, inside this crate as well as in the
// test crate that compiles the generator's snapshots.
extern crate self as sectigo;

pub mod cancel;
pub mod client;
pub mod dynamic;
pub mod error;
pub mod fork;
pub mod meta;
mod order_number;
pub mod pages;
pub mod proxy;
pub mod raw;
mod resolve;
pub mod retry;
pub mod secret;
pub mod settings;
mod transport;
pub mod trust;
pub mod validate;
pub mod wire;

#[rustfmt::skip] // formatted by the generator (prettyplease)
mod generated;

/// The README's examples, compiled as doctests so they keep working when copied.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// The crate's own README (shown on crates.io), compiled as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;

/// The raw calls' page (endpoints outside the spec), compiled as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/raw-calls.md")]
pub struct RawCallsDoctests;

/// The deployment notes' examples (proxies, pinned addresses), compiled as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/deployment.md")]
pub struct DeploymentDoctests;

pub use cancel::{Cancel, Stopped};
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, AsApiError, ConfigError, Error, OutcomeUnknown, TransportError, TransportErrorKind};
pub use generated::*;
pub use order_number::OrderNumber;
pub use raw::{RawAnswer, RawOptions, RawRequest};
pub use retry::RetryPolicy;
pub use secret::{Credentials, Secret};
pub use trust::Roots;
pub use validate::{Form, Violation, ViolationKind, Violations};
pub use wire::{DecodeError, DecodeErrorKind, Quirk, Response};
