//! The name-keyed interface: endpoints and parameters by their wire names.
//!
//! This is what the C, PHP and Python layers stand on, so none of them hand-codes a parameter.
//! It applies exactly the rules of the typed builders (both go through
//! [`validate::prepare`]).

use crate::client::Client;
use crate::error::{ConfigError, Error};
use crate::generated::spec_data;
use crate::meta::Endpoint;
use crate::validate::{self, Form, Violations};
use crate::wire::Response;

/// The endpoint with this id (`place_order`) or wire name (`!PlaceOrder`, with or without the
/// `!`), case-insensitively.
pub fn endpoint(name: &str) -> Option<&'static Endpoint> {
    spec_data::endpoint(name)
}

/// A request built from (name, value) pairs.
#[derive(Clone)]
pub struct Request {
    endpoint: &'static Endpoint,
    params: Vec<(String, String)>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(n, v)| {
                // Secret parameters, and unknown names that look like a misspelt password.
                let secret = match self.endpoint.param(n) {
                    Some(p) => p.secret,
                    None => {
                        let n = n.to_ascii_lowercase();
                        ["pass", "pasw", "pwd", "secret"].iter().any(|hint| n.contains(hint))
                    }
                };
                (n.as_str(), if secret { crate::secret::REDACTED } else { v.as_str() })
            })
            .collect();
        f.debug_struct("Request").field("endpoint", &self.endpoint.title).field("params", &shown).finish()
    }
}

impl Request {
    /// A request to the endpoint with this id or wire name.
    pub fn new(endpoint: &str) -> Result<Self, ConfigError> {
        let found = spec_data::endpoint(endpoint).ok_or_else(|| {
            ConfigError::new(format!(
                "no endpoint {endpoint:?}; known: {}",
                spec_data::ENDPOINTS.iter().map(|e| e.name.unwrap_or(e.id)).collect::<Vec<_>>().join(", ")
            ))
        })?;
        Ok(Request { endpoint: found, params: Vec::new() })
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// The parameters added, as given (unchecked). Holds passwords in clear: do not log.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// Adds a parameter. Names are matched case-insensitively, aliases are accepted and items go
    /// by their indexed names (`1_PPP`); everything is checked when the request is prepared.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Adds a parameter, by value.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(name, value);
        self
    }

    /// Checks the request without credentials from a client and returns the form to send.
    pub fn prepare(&self) -> Result<Form, Violations> {
        validate::prepare(self.endpoint, self.params.iter().map(|(n, v)| (n.as_str(), v.as_str())), None)
    }

    /// Checks the request (with the client's credentials) and sends it.
    pub fn send(&self, client: &Client) -> Result<Response, Error> {
        client.call(self.endpoint, self.params.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    }
}
