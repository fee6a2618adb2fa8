//! URLs of the pages an end customer is sent to after `!initCustomerSession`, built from the
//! spec's pages (`spec/api.toml`). Every language's helper calls [`url`].

use crate::error::ConfigError;
use crate::generated::spec_data::{PAGE_SASP_POST_PAYMENT, PAGE_VALIDATION_MANAGER, PAGES};
use crate::meta::Page;

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The URL of a customer page, by its id (`sasp_post_payment`, `validation_manager`; the
/// spec's `PAGES`), for a session handle (SID) of `!initCustomerSession` and an order number.
///
/// Without a template the URL is the documents' (host, path, and the query in their order);
/// a page whose URL the documents leave out (the Validation Manager page) needs `template`, a
/// URL holding `{SID}` and `{orderNumber}`, each replaced by its URL-encoded value. A template
/// given for a page the documents do place is used instead of their URL.
pub fn url(page: &str, template: Option<&str>, sid: &str, order_number: &str) -> Result<String, ConfigError> {
    let found = PAGES.iter().find(|p| p.id.eq_ignore_ascii_case(page)).ok_or_else(|| {
        let ids: Vec<&str> = PAGES.iter().map(|p| p.id).collect();
        ConfigError::new(format!("no page {page:?} (the pages are {})", ids.join(", ")))
    })?;
    let value = |name: &str| -> Result<String, ConfigError> {
        match name {
            "SID" => Ok(encode(sid)),
            "orderNumber" => Ok(encode(order_number)),
            other => Err(ConfigError::new(format!("the {} takes {other}, which this SDK cannot fill", found.title))),
        }
    };
    match (template, found) {
        (Some(template), page) => {
            let mut url = template.to_owned();
            for name in page.query {
                let placeholder = format!("{{{name}}}");
                if !template.contains(&placeholder) {
                    return Err(ConfigError::new(format!(
                        "the {} URL template must contain {placeholder} (got {template:?})",
                        page.title
                    )));
                }
                url = url.replace(&placeholder, &value(name)?);
            }
            Ok(url)
        }
        (None, Page { host_url: Some(base), path: Some(path), .. }) => {
            let query: Result<Vec<String>, ConfigError> =
                found.query.iter().map(|name| Ok(format!("{name}={}", value(name)?))).collect();
            Ok(format!("{base}{path}?{}", query?.join("&")))
        }
        (None, page) => Err(ConfigError::new(format!(
            "the documents do not give the {}'s URL: pass a template holding {}",
            page.title,
            page.query.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(" and ")
        ))),
    }
}

/// The SASP Post Payment page of an order, on the legacy host, for a session handle (SID)
/// returned by `!initCustomerSession`.
pub fn sasp_post_payment_url(sid: &str, order_number: &str) -> String {
    url(PAGE_SASP_POST_PAYMENT.id, None, sid, order_number).unwrap_or_default()
}

/// The Validation Manager page of an order. The current documents do not give this URL, so the
/// caller supplies a template holding `{SID}` and `{orderNumber}`, which are replaced by the
/// URL-encoded values.
pub fn validation_manager_url(template: &str, sid: &str, order_number: &str) -> Result<String, ConfigError> {
    url(PAGE_VALIDATION_MANAGER.id, Some(template), sid, order_number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_builds_as_documented() {
        assert_eq!(
            sasp_post_payment_url("a b&c", "1000003"),
            "https://secure.sectigo.com/products/postPayment1a?SID=a+b%26c&orderNumber=1000003"
        );
        assert_eq!(
            validation_manager_url("https://vm.example/?s={SID}&o={orderNumber}", "x/y", "7").unwrap(),
            "https://vm.example/?s=x%2Fy&o=7"
        );
        let missing = url("validation_manager", None, "s", "1").unwrap_err().to_string();
        assert!(missing.contains("{SID} and {orderNumber}"), "{missing}");
        let bad = validation_manager_url("https://vm.example/?s={SID}", "s", "1").unwrap_err().to_string();
        assert!(bad.contains("{orderNumber}"), "{bad}");
        assert!(url("nope", None, "s", "1").unwrap_err().to_string().contains("sasp_post_payment, validation_manager"));
    }
}
