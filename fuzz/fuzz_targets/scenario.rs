//! The scenario loader: TOML text, then `--set` overrides (one a line after a NUL byte).
//! Any input must load or give an error, never panic; a scenario that loads must survive
//! the round trip through its resolved TOML unchanged.
#![no_main]

use edgesim::scenario::{load_str, Overrides};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (toml, sets) = text.split_once('\0').unwrap_or((text, ""));
    let overrides = Overrides::sets(&sets.lines().collect::<Vec<_>>());
    if let Ok(s) = load_str(toml, "fuzz.toml", &overrides) {
        let again = load_str(&s.resolved_toml(), "resolved.toml", &Overrides::default())
            .expect("a resolved scenario reloads");
        assert_eq!(again, s, "the resolved scenario is the same scenario");
    }
});
