//! The webhook signature and the retry schedule: pure, so a receiver's own check and the pauses
//! between attempts are tested on worked examples.
//!
//! A webhook request carries `X-Tracker-Timestamp` (Unix seconds) and `X-Tracker-Signature:
//! sha256=<hex>`, the HMAC-SHA256 under the webhook's secret of `<timestamp>.<body>`. A receiver
//! recomputes it over the raw body and refuses old timestamps, so a captured request cannot be
//! replayed later.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Attempts of one delivery before it is given up (FAILED).
pub const MAX_ATTEMPTS: i32 = 6;

/// `sha256=<hex>` over `<timestamp>.<body>`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={:x}", mac.finalize().into_bytes())
}

/// The pause after failed attempt number `attempt` (1-based): `base`, then four times as long each
/// time (1, 4, 16, 64, 256 minutes with the default base of one minute), or `None` once
/// [`MAX_ATTEMPTS`] have failed.
pub fn retry_after(attempt: i32, base: Duration) -> Option<Duration> {
    if !(1..MAX_ATTEMPTS).contains(&attempt) {
        return None;
    }
    Some(base.saturating_mul(4u32.saturating_pow((attempt - 1) as u32)))
}

/// A new webhook secret: 32 random bytes as hex, prefixed so it is recognisable in a vault.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)?;
    Ok(format!(
        "whsec_{}",
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 does not cover the "<timestamp>.<body>" framing; this value was computed with
        // Python: hmac.new(b"whsec_test", b"1767225600.{}", hashlib.sha256).hexdigest()
        assert_eq!(
            signature("whsec_test", 1_767_225_600, b"{}"),
            "sha256=4a942ef9477fb7b15b98664cf7ff2c2543984c1fa6bdf3520b48dcb25bcd1fe4"
        );
        assert_ne!(
            signature("whsec_test", 1_767_225_601, b"{}"),
            signature("whsec_test", 1_767_225_600, b"{}")
        );
    }

    #[test]
    fn retries_wait_four_times_longer_each_time_and_stop_after_six_attempts() {
        let m = Duration::from_secs(60);
        let waits: Vec<_> = (1..=6).map(|a| retry_after(a, m)).collect();
        assert_eq!(
            waits,
            vec![
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(240)),
                Some(Duration::from_secs(960)),
                Some(Duration::from_secs(3_840)),
                Some(Duration::from_secs(15_360)),
                None
            ]
        );
    }

    #[test]
    fn secrets_are_fresh_and_long() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 6 + 64);
    }
}
