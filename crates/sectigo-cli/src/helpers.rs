//! `sectigo page-url` and `sectigo catalogue`: the helpers every language has (the customer's
//! page URLs, the web product catalogue), built from the spec data as the endpoint commands are.

use clap::{Arg, ArgMatches, Command, value_parser};

use crate::{kebab, status};

/// The `page-url` and `catalogue` commands.
pub fn commands() -> Vec<Command> {
    let pages: Vec<String> = sectigo::spec_data::PAGES.iter().map(|p| kebab(p.id)).collect();
    let about_pages: Vec<String> = sectigo::spec_data::PAGES
        .iter()
        .map(|p| {
            let known = p.host_url.is_some() && p.path.is_some();
            format!("{} ({}{})", kebab(p.id), p.title, if known { "" } else { "; needs --template" })
        })
        .collect();
    let page_url = Command::new("page-url")
        .about("Print the URL of a customer page for a session (the SID of init-customer-session) and an order number")
        .after_help(format!("Pages: {}.", about_pages.join(", ")))
        .arg(
            Arg::new("page")
                .value_name("PAGE")
                .required(true)
                .value_parser(clap::builder::PossibleValuesParser::new(pages)),
        )
        .arg(
            Arg::new("sid")
                .long("sid")
                .value_name("SID")
                .required(true)
                .help("The session handle of init-customer-session"),
        )
        .arg(Arg::new("order-number").long("order-number").value_name("NUMBER").required(true))
        .arg(
            Arg::new("template")
                .long("template")
                .value_name("URL")
                .help("A URL holding {SID} and {orderNumber}, for a page whose URL the documents leave out"),
        );
    let catalogue = Command::new("catalogue")
        .about("Print the web product catalogue (product:term and its pricing code, PPP), or look one code up")
        .arg(Arg::new("ppp").long("ppp").value_name("CODE").value_parser(value_parser!(i64)).help(
            "Print the product:term of this pricing code instead (exit status 1 when it is not in the catalogue)",
        ));
    vec![page_url, catalogue]
}

/// Runs `page-url` or `catalogue`; None for another command.
pub fn run(name: &str, sub: &ArgMatches, json: bool) -> Option<u8> {
    match name {
        "page-url" => Some(page_url(sub, json)),
        "catalogue" => Some(catalogue(sub, json)),
        _ => None,
    }
}

fn page_url(sub: &ArgMatches, json: bool) -> u8 {
    let text = |id: &str| sub.get_one::<String>(id).map(String::as_str);
    let page = text("page").unwrap_or_default().replace('-', "_");
    match sectigo::pages::url(
        &page,
        text("template"),
        text("sid").unwrap_or_default(),
        text("order-number").unwrap_or_default(),
    ) {
        Ok(url) if json => {
            println!("{}", serde_json::json!({ "page": page, "url": url }));
            status::OK
        }
        Ok(url) => {
            println!("{url}");
            status::OK
        }
        Err(e) => crate::out_error(&e.to_string()),
    }
}

/// `web-dns-pro:1-year`, as `--web-product` takes it.
fn label(product: sectigo::WebProduct, term: sectigo::Term) -> String {
    format!("{}:{}", kebab(product.id()), term.label())
}

fn catalogue(sub: &ArgMatches, json: bool) -> u8 {
    if let Some(code) = sub.get_one::<i64>("ppp") {
        return match sectigo::WebProduct::from_ppp(*code) {
            Some((product, term)) if json => {
                println!(
                    "{}",
                    serde_json::json!({ "ppp": code, "product": kebab(product.id()), "term": term.label() })
                );
                status::OK
            }
            Some((product, term)) => {
                println!("{}", label(product, term));
                status::OK
            }
            None => {
                eprintln!("sectigo: pricing code {code} is not in the catalogue");
                1
            }
        };
    }
    let rows: Vec<(String, i64)> = sectigo::WebProduct::ALL
        .iter()
        .flat_map(|p| p.terms().iter().filter_map(move |t| p.ppp(*t).map(|code| (label(*p, *t), code))))
        .collect();
    if json {
        let list: Vec<serde_json::Value> =
            rows.iter().map(|(item, code)| serde_json::json!({ "item": item, "ppp": code })).collect();
        println!("{}", serde_json::Value::Array(list));
    } else {
        for (item, code) in rows {
            println!("{item}\t{code}");
        }
    }
    status::OK
}
