//! `wire::decode` on any answer, for every endpoint and format, then the typed answers and
//! errors built from it: never a panic, and a failure keeps the raw answer, bounded. The same
//! bytes as a raw call's answer (`raw::RawAnswer`): never a panic, and the body kept whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sectigo::error::MAX_RAW;
use sectigo::wire::{Response, decode};
use sectigo::{ApiError, AutoAuthorizeError, InitCustomerSessionError, PlaceOrderError, Tier2PartnerSignupError};

fn typed(response: Response) {
    let id = response.endpoint().id;
    if response.is_success() {
        let _ = match id {
            "place_order" => sectigo::PlaceOrderResponse::from_response(response).map(|r| format!("{r:?}")),
            "auto_authorize" => sectigo::AutoAuthorizeResponse::from_response(response).map(|r| format!("{r:?}")),
            "init_customer_session" => {
                sectigo::InitCustomerSessionResponse::from_response(response).map(|r| format!("{r:?}"))
            }
            _ => sectigo::Tier2PartnerSignupResponse::from_response(response).map(|r| format!("{r:?}")),
        };
    } else {
        let api = ApiError::from_response(response);
        let _ = format!("{api} {api:?} {:?} {:?} {:?}", api.message(), api.item(), api.argument());
        let _ = match id {
            "place_order" => format!("{:?}", PlaceOrderError::from(api)),
            "auto_authorize" => format!("{:?}", AutoAuthorizeError::from(api)),
            "init_customer_session" => format!("{:?}", InitCustomerSessionError::from(api)),
            _ => format!("{:?}", Tier2PartnerSignupError::from(api)),
        };
    }
}

fuzz_target!(|bytes: &[u8]| {
    let (endpoint, params, raw) = sectigo_fuzz::answer(bytes);
    let body_len = raw.body.len();
    let answer = sectigo::RawAnswer::new("/fuzz", raw.status, None, raw.location.clone(), raw.body.clone());
    assert_eq!(answer.body(), &raw.body[..], "a raw answer's body changed");
    let api = answer.api_error();
    assert_eq!(api.is_some(), answer.code().is_some_and(|c| c < 0), "{answer:?}");
    let _ = format!("{answer:?} {:?} {:?} {:?} {api:?}", answer.message(), answer.lines(), answer.fields());
    match decode(endpoint, &params, raw) {
        Ok(response) => typed(response),
        Err(e) => {
            assert!(e.raw.len() <= MAX_RAW, "raw kept beyond the bound: {}", e.raw.len());
            assert!(body_len == 0 || !e.raw.is_empty() || e.status >= 300, "the raw answer was dropped: {e:?}");
            let _ = format!("{e} {e:?}");
        }
    }
});
