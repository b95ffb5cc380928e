//! Ctrl-C (SIGINT) and SIGTERM: noted rather than obeyed at once, so that a run stops at
//! a safe point, removes what it had staged and exits with 128 + the signal's number.
//! A second signal of the same kind, while the first is being handled, ends the process.

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The signal received, 0 for none.
static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

/// Starts noting SIGINT and SIGTERM.
pub fn install() -> std::io::Result<()> {
    let received = RECEIVED.get_or_init(|| Arc::new(AtomicUsize::new(0)));
    for signal in [SIGINT, SIGTERM] {
        let seen = Arc::new(AtomicBool::new(false));
        // Order matters: the shutdown check sees the flag as it was before this signal.
        flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&seen))?;
        flag::register(signal, seen)?;
        flag::register_usize(signal, Arc::clone(received), signal as usize)?;
    }
    Ok(())
}

/// The signal that asked the process to stop, if one has.
pub fn received() -> Option<i32> {
    let n = RECEIVED.get()?.load(Ordering::Relaxed);
    (n != 0).then_some(n as i32)
}

/// The signal's name, for the message.
pub fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}
