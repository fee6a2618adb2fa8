//! Order numbers, as every language of the SDK takes and gives them.
//!
//! An order number goes in as an integer or as text, and comes out as text: Sectigo's
//! documents give it as text in answers (up to 128 characters) and in `!initCustomerSession`'s
//! request, and as an integer in `!AutoAuthorize`'s, so text holds every one without loss (no
//! overflow on a 32-bit PHP, no leading zeros dropped), and the number an answer gives can be
//! handed to the next call as it is. Whether it is well formed for a parameter (digits, for
//! `!AutoAuthorize`) is checked with the other rules, before anything is sent.

use std::fmt;

/// An order number to send: made from text (`"1000003"`, a result's `order_number`) or an
/// integer (`1000003`), through `From`.
///
/// ```
/// # use sectigo::{AutoAuthorize, InitCustomerSession};
/// # fn run(placed: sectigo::PlaceOrderResponse) {
/// let authorize = AutoAuthorize::new().order_number(placed.order_number.clone());
/// let session = InitCustomerSession::new().order_number(1000003);
/// # }
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct OrderNumber(String);

impl OrderNumber {
    /// The number as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for OrderNumber {
    fn from(text: String) -> OrderNumber {
        OrderNumber(text)
    }
}

impl From<&String> for OrderNumber {
    fn from(text: &String) -> OrderNumber {
        OrderNumber(text.clone())
    }
}

impl From<&str> for OrderNumber {
    fn from(text: &str) -> OrderNumber {
        OrderNumber(text.to_owned())
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for OrderNumber {
            fn from(number: $t) -> OrderNumber {
                OrderNumber(number.to_string())
            }
        }
    )*};
}

from_integer!(i32, i64, u32, u64);
