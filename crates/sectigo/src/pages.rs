//! URLs of the pages an end customer is sent to after `!initCustomerSession`.

use crate::error::ConfigError;
use crate::generated::spec_data::PAGE_SASP_POST_PAYMENT;

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The SASP Post Payment page of an order, on the legacy host, for a session handle (SID)
/// returned by `!initCustomerSession`.
pub fn sasp_post_payment_url(sid: &str, order_number: &str) -> String {
    let page = &PAGE_SASP_POST_PAYMENT;
    let base = page.host_url.unwrap_or_default();
    let path = page.path.unwrap_or_default();
    let query: Vec<String> = page
        .query
        .iter()
        .map(|name| format!("{name}={}", encode(if *name == "SID" { sid } else { order_number })))
        .collect();
    format!("{base}{path}?{}", query.join("&"))
}

/// The Validation Manager page of an order. The current documents do not give this URL, so the
/// caller supplies a template holding `{SID}` and `{orderNumber}`, which are replaced by the
/// URL-encoded values.
pub fn validation_manager_url(template: &str, sid: &str, order_number: &str) -> Result<String, ConfigError> {
    for placeholder in ["{SID}", "{orderNumber}"] {
        if !template.contains(placeholder) {
            return Err(ConfigError::new(format!(
                "the Validation Manager URL template must contain {placeholder} (got {template:?})"
            )));
        }
    }
    Ok(template.replace("{SID}", &encode(sid)).replace("{orderNumber}", &encode(order_number)))
}
