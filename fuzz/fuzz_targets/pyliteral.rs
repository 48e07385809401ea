//! Fuzzes the Python-literal parser: it must never panic, and whatever it accepts must survive a
//! print-and-parse round trip. Run: `cargo fuzz run pyliteral` (see docs/development.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nextflex_data::pyliteral;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(value) = pyliteral::parse(text) {
        let printed = value.to_string();
        let again = pyliteral::parse(&printed).expect("a printed literal must parse");
        // NaN never equals itself; the parser cannot produce one from a literal anyway.
        assert_eq!(again, value, "round trip changed {text:?}");
    }
});
