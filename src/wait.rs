//! Waits added to moments of tokio's clock, cut so that the sum never overflows: shared by
//! the scheduler (when a feed is due) and the sources' politeness (when a host is free).

use std::time::Duration;
use tokio::time::Instant;

/// The longest wait [`later`] adds: a year. A feed due later than that is as good as never
/// due, and the clock can always add it.
pub const MAX_WAIT: Duration = Duration::from_secs(366 * 24 * 3600);

/// `now + wait`, with the wait cut to [`MAX_WAIT`]: never panics, whatever a wait comes to
/// (a config that escaped validation, a watchdog period from the environment). Pure.
pub fn later(now: Instant, wait: Duration) -> Instant {
    now.checked_add(wait.min(MAX_WAIT)).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_never_overflows() {
        let now = Instant::now();
        assert_eq!(
            later(now, Duration::from_secs(5)),
            now + Duration::from_secs(5)
        );
        assert_eq!(later(now, Duration::MAX), now + MAX_WAIT);
        let huge = Duration::from_secs(500_000_000_000 * 31_557_600);
        assert_eq!(later(now, huge), now + MAX_WAIT);
    }
}
