//! Every place where the sandbox deliberately answers otherwise than the spec (`spec/`) says,
//! each with its source. Everything else it checks comes from the spec ([`crate::spec`]).
//!
//! The documents are the repository's copies in `tests/import/seeds/`; `spec/README.md` says
//! which document each file is and lists the contradictions inside them.
//!
//! | difference | what the sandbox does | source |
//! |---|---|---|
//! | flags in either case ([`crate::spec::kind`]) | takes `y`/`n` where the spec allows `Y`/`N` | `!PlaceOrder`'s sample request sends `reseller=y` (document 002, current generation) |
//! | product-dependent item parameters ([`crate::spec::required`]) | never requires an item parameter that the spec requires only of the products that take it (`x_seats`, `x_users`, `x_servers`, `x_quantity`, `x_zones`) | `!PlaceOrder`'s item table (document 002): "required for" the products using them, which the documents do not list |
//! | email shape ([`email_has_shape`]) | refuses an `emailAddress` of `!PlaceOrder` that is not `local@domain.tld` with -70 | the error table of `!PlaceOrder` (document 002) lists -70 "Invalid Email Address!" without saying what is checked; the spec checks the length only, so this shape is the sandbox's guess |
//! | quirks (`--quirks`, [`ApiConfig::quirks`](crate::ApiConfig::quirks)) | answers like the documents' samples where they contradict the tables: `!PlaceOrder`'s success without `errorCode` and its error text in `errorItem`; `!initCustomerSession`'s `responseFormat=1` success without `orderNumber` | the samples of documents 002 and 001 (see their README's "known contradictions") |
//! | signup path ([`DEFAULT_SIGNUP_PATH`](crate::DEFAULT_SIGNUP_PATH)) | serves the Tier 2 partner signup at a path of its own | document 003 gives no path (the spec says `path_unknown`) |
//! | prices and credit ([`crate::spec::TERM_PRICES`], the seed's accounts) | charges its own prices from the accounts' credit | the documents give no prices |

/// Whether `email` of `!PlaceOrder` has the sandbox's shape (-70 otherwise): one `@` with something before it,
/// and a domain with a dot inside, no white space anywhere.
pub fn email_has_shape(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}
