//! What the sandbox remembers: accounts, orders, Tier 2 partners; seeded from a TOML file or
//! from defaults.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Initial state. A seed file has the same shape (see `Seed::defaults` for an example).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Reseller accounts.
    #[serde(default, rename = "account")]
    pub accounts: Vec<AccountSeed>,
    /// Existing orders.
    #[serde(default, rename = "order")]
    pub orders: Vec<OrderSeed>,
    /// Product IDs (`x_ID`) the sandbox sells besides the web product catalogue's pricing codes.
    #[serde(default, rename = "product")]
    pub products: Vec<ProductSeed>,
}

/// A reseller account.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSeed {
    pub login_name: String,
    pub login_password: String,
    /// The reseller brand (`ap`).
    pub brand: String,
    /// Funds, in cents.
    pub credit_cents: u64,
}

/// An order that exists before the sandbox starts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSeed {
    pub number: u64,
    /// Login name of the account that placed it.
    pub account: String,
    pub status: Status,
    /// Price, in cents.
    #[serde(default)]
    pub price_cents: u64,
    /// The order made of a SiteLock licence only.
    #[serde(default)]
    pub sitelock_only: bool,
    /// The order that replaced this one.
    pub replaced_by: Option<u64>,
}

/// A product sold by ID.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProductSeed {
    pub id: u64,
    pub name: String,
    pub price_cents: u64,
    #[serde(default)]
    pub sitelock: bool,
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Placed with reseller=Y, waiting for `!AutoAuthorize`.
    AwaitingAuthorization,
    /// Authorized (or placed with reseller=N, which needs no authorization).
    Authorized,
}

impl Seed {
    /// A seed from TOML text (the shape `--print-seed` prints).
    pub fn from_toml(text: &str) -> Result<Seed, String> {
        toml::from_str(text).map_err(|e| format!("seed: {e}"))
    }

    /// The default state, printed by the binary at start.
    pub fn defaults() -> Seed {
        Seed {
            accounts: vec![
                AccountSeed {
                    login_name: "sandbox_reseller".into(),
                    login_password: "sandbox-password".into(),
                    brand: "sandboxbrand".into(),
                    credit_cents: 100_000,
                },
                AccountSeed {
                    login_name: "sandbox_broke".into(),
                    login_password: "sandbox-password".into(),
                    brand: "brokebrand".into(),
                    credit_cents: 0,
                },
            ],
            orders: vec![
                OrderSeed {
                    number: 1_000_001,
                    account: "sandbox_reseller".into(),
                    status: Status::Authorized,
                    price_cents: 4000,
                    sitelock_only: false,
                    replaced_by: Some(1_000_002),
                },
                OrderSeed {
                    number: 1_000_002,
                    account: "sandbox_reseller".into(),
                    status: Status::Authorized,
                    price_cents: 4000,
                    sitelock_only: false,
                    replaced_by: Some(1_000_003),
                },
                OrderSeed {
                    number: 1_000_003,
                    account: "sandbox_reseller".into(),
                    status: Status::Authorized,
                    price_cents: 4000,
                    sitelock_only: false,
                    replaced_by: None,
                },
                OrderSeed {
                    number: 1_000_010,
                    account: "sandbox_reseller".into(),
                    status: Status::AwaitingAuthorization,
                    price_cents: 2500,
                    sitelock_only: true,
                    replaced_by: None,
                },
            ],
            products: vec![ProductSeed {
                id: 7001,
                name: "SiteLock (sandbox)".into(),
                price_cents: 2500,
                sitelock: true,
            }],
        }
    }
}

/// An account at run time.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: u64,
    pub login_name: String,
    #[serde(skip)]
    pub login_password: String,
    pub brand: String,
    pub credit_cents: u64,
    /// Set for accounts created by a Tier 2 signup.
    pub partner_type: Option<u32>,
}

/// An order at run time.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub number: u64,
    pub account: String,
    /// The customer's `emailAddress` as placed (empty for seeded orders and signups).
    pub email_address: String,
    pub status: Status,
    pub price_cents: u64,
    pub sitelock_only: bool,
    pub replaced_by: Option<u64>,
    /// Item parameters as received (for placed orders).
    pub items: Vec<BTreeMap<String, String>>,
    /// SiteLock IDs, once authorized.
    pub sitelock: Option<(String, String)>,
}

/// The whole state.
#[derive(Debug, Clone, Serialize)]
pub struct State {
    pub accounts: Vec<Account>,
    pub orders: BTreeMap<u64, Order>,
    pub products: Vec<ProductSeed>,
    next_order: u64,
    next_id: u64,
}

impl State {
    /// State from a seed; errors name what is inconsistent.
    pub fn new(seed: Seed) -> Result<State, String> {
        let mut state = State {
            accounts: Vec::new(),
            orders: BTreeMap::new(),
            products: seed.products,
            next_order: 2_000_001,
            next_id: 500_001,
        };
        for a in seed.accounts {
            if state.account(&a.login_name).is_some() {
                return Err(format!("seed: account {} appears twice", a.login_name));
            }
            let id = state.new_id();
            state.accounts.push(Account {
                id,
                login_name: a.login_name,
                login_password: a.login_password,
                brand: a.brand,
                credit_cents: a.credit_cents,
                partner_type: None,
            });
        }
        for o in seed.orders {
            if state.account(&o.account).is_none() {
                return Err(format!("seed: order {} names unknown account {}", o.number, o.account));
            }
            state.next_order = state.next_order.max(o.number + 1);
            state.orders.insert(
                o.number,
                Order {
                    number: o.number,
                    account: o.account,
                    email_address: String::new(),
                    status: o.status,
                    price_cents: o.price_cents,
                    sitelock_only: o.sitelock_only,
                    replaced_by: o.replaced_by,
                    items: Vec::new(),
                    sitelock: None,
                },
            );
        }
        for o in state.orders.values() {
            if let Some(r) = o.replaced_by
                && !state.orders.contains_key(&r)
            {
                return Err(format!("seed: order {} is replaced by unknown order {r}", o.number));
            }
        }
        Ok(state)
    }

    /// A fresh account or user ID.
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A fresh order number.
    pub fn new_order_number(&mut self) -> u64 {
        let n = self.next_order;
        self.next_order += 1;
        n
    }

    /// The account with this login name (case-sensitive, like the real service).
    pub fn account(&self, login_name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.login_name == login_name)
    }

    /// The account whose credentials these are.
    pub fn authenticate(&self, login_name: &str, login_password: &str) -> Option<&Account> {
        self.account(login_name).filter(|a| a.login_password == login_password)
    }

    /// The most recent replacement of an order (itself when never replaced).
    pub fn latest_replacement(&self, number: u64) -> u64 {
        let mut current = number;
        for _ in 0..self.orders.len() {
            match self.orders.get(&current).and_then(|o| o.replaced_by) {
                Some(next) => current = next,
                None => break,
            }
        }
        current
    }
}
