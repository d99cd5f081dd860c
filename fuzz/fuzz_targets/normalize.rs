//! Normalization under options from the first bytes: no panic; alignment,
//! rebuild, borrow and idempotence invariants hold.
#![no_main]

use arabic_text_core::normalize::normalize;
use arabic_text_fuzz::{assert_ok, decode};
use arabic_text_invariants::check_normalized;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = decode(data);
    let options = &input.options.normalize;
    let n = normalize(&input.text, options);
    assert_ok(
        &input,
        "normalize",
        check_normalized(&input.text, options, &n),
    );
});
