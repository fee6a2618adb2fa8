//! What each endpoint does with a request that passed the spec's checks ([`crate::spec`]), as
//! Sectigo's documents describe it: accounts, orders, credit and states, and the answer's format.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::differences;
use crate::spec::{self, Endpoint, Failure, Params, check, fail, invalid, missing, rate_limited};
use crate::state::{Account, Order, State, Status};

/// The document generation the sandbox imitates for `!initCustomerSession`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    /// `secure.trust-provider.com`: three-line answer with the latest replacement order.
    Current,
    /// `secure.sectigo.com`: two-line answer.
    Legacy,
}

/// At most `calls` API calls per account within `per`; more answer -42.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub calls: u32,
    pub per: Duration,
}

/// How the API behaves.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Answer API calls made over plain HTTP instead of refusing them with -1.
    pub accept_plain_http: bool,
    pub generation: Generation,
    /// Path of the Tier 2 partner signup (the documents do not give one).
    pub signup_path: String,
    /// Answer like the documents' samples where they contradict the tables: `!PlaceOrder`
    /// success without `errorCode`, its error text in `errorItem`, `!initCustomerSession`'s
    /// URL-encoded success without `orderNumber`.
    pub quirks: bool,
    pub rate_limit: Option<RateLimit>,
}

/// The endpoint served at `path`, if any.
pub fn route(config: &ApiConfig, path: &str) -> Option<Endpoint> {
    let path = path.split('?').next().unwrap_or(path);
    if path.eq_ignore_ascii_case(&config.signup_path) {
        return Some(Endpoint::Tier2PartnerSignup);
    }
    let name = path.strip_prefix("/products/")?;
    let own = [Endpoint::InitCustomerSession, Endpoint::PlaceOrder, Endpoint::AutoAuthorize];
    if let Some(e) = own.into_iter().find(|e| e.label().eq_ignore_ascii_case(name)) {
        return Some(e);
    }
    // The spec's other endpoints, at their documented paths.
    Endpoint::all()
        .into_iter()
        .filter(|e| matches!(e, Endpoint::Other(_)))
        .find(|e| crate::spec::of(*e).path.is_some_and(|p| p.eq_ignore_ascii_case(path)))
}

/// A request as it reached the API.
#[derive(Debug, Clone)]
pub struct Call {
    pub endpoint: Endpoint,
    pub get: bool,
    pub secure: bool,
    pub params: Vec<(String, String)>,
    /// The login name of the account whose client certificate the connection presented (on
    /// the listener that requires one).
    pub certificate: Option<String>,
}

/// The HTTP answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub location: Option<String>,
    pub body: String,
}

fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::new();
    while out.len() < len {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(out.len());
        let mut n = h.finish();
        for _ in 0..8 {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[(n % ALPHABET.len() as u64) as usize] as char);
            n /= ALPHABET.len() as u64;
        }
    }
    out
}

/// The API: configuration, state and the call counts the rate limit needs.
#[derive(Debug)]
pub struct Api {
    pub config: ApiConfig,
    pub state: Mutex<State>,
    calls: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Api {
    pub fn new(config: ApiConfig, state: State) -> Api {
        Api { config, state: Mutex::new(state), calls: Mutex::new(HashMap::new()) }
    }

    /// Answers a call.
    pub fn handle(&self, call: &Call) -> Answer {
        self.answer(call, self.run(call))
    }

    /// Refuses a call with -42 ("Call limit reached!"), in the format the call asked for,
    /// without carrying it out.
    pub fn refuse_rate_limited(&self, call: &Call) -> Answer {
        self.answer(call, Err(rate_limited()))
    }

    /// The answer to a call, in the format the call asked for.
    fn answer(&self, call: &Call, result: Result<Vec<(String, String)>, Failure>) -> Answer {
        let endpoint = call.endpoint;
        let url_encoded = match endpoint {
            Endpoint::InitCustomerSession => {
                call.params.iter().any(|(n, v)| n.eq_ignore_ascii_case("responseFormat") && v == "1")
            }
            Endpoint::AutoAuthorize => false,
            Endpoint::PlaceOrder | Endpoint::Tier2PartnerSignup => true,
            Endpoint::Other(_) => {
                sectigo::wire::expected_format(crate::spec::of(endpoint), &call.params)
                    == sectigo::meta::WireFormat::UrlEncoded
            }
        };
        let redirect = |name: &str| {
            (endpoint == Endpoint::PlaceOrder)
                .then(|| call.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()))
                .flatten()
                .filter(|v| !v.is_empty())
        };
        let quirks = self.config.quirks;
        let (pairs, target) = match result {
            Ok(fields) => {
                let mut pairs = Vec::new();
                if !(quirks && endpoint == Endpoint::PlaceOrder) {
                    pairs.push(("errorCode".to_owned(), "0".to_owned()));
                }
                pairs.extend(fields);
                (pairs, redirect("successURL"))
            }
            Err(f) => {
                let mut pairs = vec![("errorCode".to_owned(), f.code.to_string())];
                if quirks && endpoint == Endpoint::PlaceOrder {
                    pairs.push(("errorItem".to_owned(), f.message));
                } else {
                    pairs.push(("errorMessage".to_owned(), f.message));
                    if endpoint == Endpoint::PlaceOrder
                        && let Some(item) = f.item
                    {
                        pairs.push(("errorItem".to_owned(), item));
                    }
                }
                (pairs, redirect("errorURL"))
            }
        };
        if url_encoded {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (n, v) in &pairs {
                query.append_pair(n, v);
            }
            let query = query.finish();
            if let Some(target) = target {
                let sep = if target.contains('?') { '&' } else { '?' };
                return Answer {
                    status: 302,
                    content_type: "text/plain",
                    location: Some(format!("{target}{sep}{query}")),
                    body: String::new(),
                };
            }
            Answer { status: 200, content_type: "application/x-www-form-urlencoded", location: None, body: query }
        } else {
            let mut body = String::new();
            for (_, v) in &pairs {
                body.push_str(v);
                body.push('\n');
            }
            Answer { status: 200, content_type: "text/plain", location: None, body }
        }
    }

    fn run(&self, call: &Call) -> Result<Vec<(String, String)>, Failure> {
        let endpoint = call.endpoint;
        // A client certificate stands for the password of its account: the call must name that
        // account, and then logs in as it.
        let by_certificate;
        let call = match &call.certificate {
            None => call,
            Some(login) => {
                let named =
                    call.params.iter().find(|(n, _)| n.eq_ignore_ascii_case("loginName")).map(|(_, v)| v.as_str());
                if named != Some(login.as_str()) {
                    return Err(endpoint.denied());
                }
                let state = self.state.lock().unwrap();
                let Some(account) = state.accounts.iter().find(|a| &a.login_name == login) else {
                    return Err(endpoint.denied());
                };
                let mut params: Vec<(String, String)> =
                    call.params.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("loginPassword")).cloned().collect();
                params.push(("loginPassword".to_owned(), account.login_password.clone()));
                by_certificate = Call { params, ..call.clone() };
                &by_certificate
            }
        };
        if !call.secure && !self.config.accept_plain_http {
            return Err(endpoint.not_https());
        }
        if call.get && endpoint != Endpoint::PlaceOrder {
            return Err(fail(-17, "Request used GET rather than POST!", None));
        }
        match endpoint {
            Endpoint::InitCustomerSession => self.init_customer_session(call),
            Endpoint::PlaceOrder => self.place_order(call),
            Endpoint::AutoAuthorize => self.auto_authorize(call),
            Endpoint::Tier2PartnerSignup => self.signup(call),
            Endpoint::Other(_) => self.other(call),
        }
    }

    fn rate_limit(&self, who: &str) -> Result<(), Failure> {
        let Some(limit) = self.config.rate_limit else { return Ok(()) };
        let mut calls = self.calls.lock().unwrap();
        let times = calls.entry(who.to_owned()).or_default();
        let now = Instant::now();
        while times.front().is_some_and(|t| now.duration_since(*t) > limit.per) {
            times.pop_front();
        }
        if times.len() >= limit.calls as usize {
            return Err(rate_limited());
        }
        times.push_back(now);
        Ok(())
    }

    fn login<'s>(&self, endpoint: Endpoint, state: &'s State, p: &Params) -> Result<&'s Account, Failure> {
        let (name, password) = (p.get("loginName").unwrap_or(""), p.get("loginPassword").unwrap_or(""));
        self.rate_limit(name)?;
        state.authenticate(name, password).ok_or_else(|| endpoint.denied())
    }

    fn init_customer_session(&self, call: &Call) -> Result<Vec<(String, String)>, Failure> {
        let p = check(call.endpoint, &call.params)?;
        let state = self.state.lock().unwrap();
        let account = self.login(call.endpoint, &state, &p)?;
        let number: u64 = p.get("orderNumber").and_then(|n| n.parse().ok()).ok_or_else(|| invalid("orderNumber"))?;
        match state.orders.get(&number) {
            Some(o) if o.account == account.login_name => {}
            _ => return Err(invalid("orderNumber")),
        }
        let mut fields = vec![("SID".to_owned(), random_token(16))];
        let url_encoded = p.get("responseFormat") == Some("1");
        if self.config.generation == Generation::Current && !(self.config.quirks && url_encoded) {
            fields.push(("orderNumber".to_owned(), state.latest_replacement(number).to_string()));
        }
        Ok(fields)
    }

    fn place_order(&self, call: &Call) -> Result<Vec<(String, String)>, Failure> {
        let p = check(call.endpoint, &call.params)?;
        let email = p.get("emailAddress").unwrap_or_default();
        // The shape is the sandbox's guess (see crate::differences).
        if !differences::email_has_shape(email) {
            return Err(fail(-70, "Invalid Email Address!", Some("emailAddress")));
        }
        // Each item names its product by one of the spec's alternatives (ID or PPP); an order
        // with no such item has no items at all (-39), and an item without one is missing the
        // last alternative, the pricing code.
        let one_of = spec::of(call.endpoint).items.map_or(&[][..], |i| i.one_of);
        let names_product = |item: &BTreeMap<String, String>| {
            one_of.iter().any(|set| set.iter().all(|n| item.get(*n).is_some_and(|v| !v.is_empty())))
        };
        if !p.items.values().any(names_product) {
            return Err(fail(-39, "At least 1 item is missing from this order!", None));
        }
        if let Some((index, _)) = p.items.iter().find(|(_, i)| !names_product(i)) {
            let last = one_of.last().and_then(|set| set.first()).copied().unwrap_or("PPP");
            return Err(missing(&format!("{index}_{last}")));
        }

        let mut state = self.state.lock().unwrap();
        let account = self.login(call.endpoint, &state, &p)?.clone();
        if !account.brand.eq_ignore_ascii_case(p.get("ap").unwrap_or_default()) {
            return Err(invalid("ap"));
        }
        let mut price = 0;
        let mut sitelock_only = true;
        for (index, item) in &p.items {
            if let Some(ppp) = item.get("PPP").filter(|v| !v.is_empty()) {
                let code: i64 = ppp.parse().map_err(|_| invalid(&format!("{index}_PPP")))?;
                let (_, cents) = spec::priced(code).ok_or_else(|| invalid(&format!("{index}_PPP")))?;
                price += cents;
                sitelock_only = false;
            } else {
                let id: u64 = item["ID"].parse().map_err(|_| invalid(&format!("{index}_ID")))?;
                let product =
                    state.products.iter().find(|x| x.id == id).ok_or_else(|| invalid(&format!("{index}_ID")))?;
                price += product.price_cents;
                sitelock_only &= product.sitelock;
            }
        }
        let number = state.new_order_number();
        let status = if p.flag("reseller") { Status::AwaitingAuthorization } else { Status::Authorized };
        state.orders.insert(
            number,
            Order {
                number,
                account: account.login_name,
                email_address: email.to_owned(),
                status,
                price_cents: price,
                sitelock_only,
                replaced_by: None,
                items: p.items.values().cloned().collect(),
                sitelock: None,
            },
        );
        Ok(vec![("orderNumber".to_owned(), number.to_string())])
    }

    /// An endpoint the sandbox does nothing of its own for: checked by the spec, logged in, and
    /// answered with a success holding each field the spec says every success carries (a whole
    /// number for an integer, else text within the field's length).
    fn other(&self, call: &Call) -> Result<Vec<(String, String)>, Failure> {
        let p = check(call.endpoint, &call.params)?;
        let state = self.state.lock().unwrap();
        self.login(call.endpoint, &state, &p)?;
        let fields = crate::spec::of(call.endpoint).fields;
        Ok(fields
            .iter()
            .filter(|f| f.when == sectigo::meta::When::Success && !f.optional)
            .map(|f| {
                let value = match f.ty {
                    sectigo::meta::ParamType::Integer => "1".to_owned(),
                    _ => "sandbox".chars().take(f.max_length.map_or(7, |n| n as usize)).collect(),
                };
                (f.name.to_owned(), value)
            })
            .collect())
    }

    fn auto_authorize(&self, call: &Call) -> Result<Vec<(String, String)>, Failure> {
        let p = check(call.endpoint, &call.params)?;
        let mut state = self.state.lock().unwrap();
        let account = self.login(call.endpoint, &state, &p)?.clone();
        let number_text = p.get("orderNumber").unwrap_or_default();
        let not_awaiting =
            || fail(-27, format!("Order {number_text} is not currently Awaiting Authorization/Rejection!"), None);
        let number: u64 = number_text.parse().map_err(|_| not_awaiting())?;
        let order = match state.orders.get(&number) {
            Some(o) if o.account == account.login_name && o.status == Status::AwaitingAuthorization => o.clone(),
            _ => return Err(not_awaiting()),
        };
        if p.flag("test") {
            return Ok(Vec::new());
        }
        if account.credit_cents < order.price_cents {
            return Err(fail(-15, "Not enough credit!", None));
        }
        let sitelock = order.sitelock_only.then(|| (state.new_id().to_string(), state.new_id().to_string()));
        if let Some(a) = state.accounts.iter_mut().find(|a| a.login_name == account.login_name) {
            a.credit_cents -= order.price_cents;
        }
        let stored = state.orders.get_mut(&number).expect("looked up above");
        stored.status = Status::Authorized;
        stored.sitelock = sitelock.clone();
        Ok(sitelock
            .map_or_else(Vec::new, |(user, site)| vec![("slUserID".to_owned(), user), ("slSiteID".to_owned(), site)]))
    }

    fn signup(&self, call: &Call) -> Result<Vec<(String, String)>, Failure> {
        let p = check(call.endpoint, &call.params)?;
        let partner_type: u32 = p.get("partnerType").unwrap_or_default().parse().map_err(|_| invalid("partnerType"))?;
        let mut state = self.state.lock().unwrap();
        let ap = p.get("ap").unwrap_or_default();
        self.rate_limit(ap)?;
        if !state.accounts.iter().any(|a| a.partner_type.is_none() && a.brand.eq_ignore_ascii_case(ap)) {
            return Err(call.endpoint.denied());
        }
        let used = |name: &str| fail(-28, format!("This '{name}' is already being used!"), Some(name));
        let login = p.get("adminLoginName").unwrap_or_default().to_owned();
        if state.account(&login).is_some() {
            return Err(used("adminLoginName"));
        }
        let brand = p.get("brandName").or(p.get("organizationName")).unwrap_or_default().to_owned();
        if p.get("brandName").is_some() && state.accounts.iter().any(|a| a.brand.eq_ignore_ascii_case(&brand)) {
            return Err(used("brandName"));
        }
        let account_id = state.new_id();
        let admin_user_id = state.new_id();
        let order_number = state.new_order_number();
        state.accounts.push(Account {
            id: account_id,
            login_name: login.clone(),
            login_password: p.get("adminLoginPassword").unwrap_or_default().to_owned(),
            brand,
            credit_cents: 0,
            partner_type: Some(partner_type),
        });
        state.orders.insert(
            order_number,
            Order {
                number: order_number,
                account: login,
                email_address: String::new(),
                status: Status::Authorized,
                price_cents: 0,
                sitelock_only: false,
                replaced_by: None,
                items: Vec::new(),
                sitelock: None,
            },
        );
        Ok(vec![
            ("accountID".to_owned(), account_id.to_string()),
            ("adminUserID".to_owned(), admin_user_id.to_string()),
            ("saspSessionID".to_owned(), random_token(24)),
            ("orderNumber".to_owned(), order_number.to_string()),
        ])
    }
}
