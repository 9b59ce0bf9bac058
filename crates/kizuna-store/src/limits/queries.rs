//! The limits' statements; one text serves both backends.

/// Counts an event in the window starting at `$2` (milliseconds); a row of the
/// window before (`$3`) becomes the previous count, an older one is forgotten.
pub(super) const COUNT_EVENT: &str = "INSERT INTO rate_counters (key, window_start, current, previous)
     VALUES ($1, $2, 1, 0)
     ON CONFLICT (key) DO UPDATE SET
       previous = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.previous
                       WHEN rate_counters.window_start = $3 THEN rate_counters.current
                       ELSE 0 END,
       current = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.current + 1
                      ELSE 1 END,
       window_start = excluded.window_start
     RETURNING current, previous";

/// Takes back the event just counted, which was over the limit.
pub(super) const UNCOUNT_EVENT: &str = "UPDATE rate_counters SET current = current - 1 WHERE key = $1";

/// Counters whose window started before `$1` (milliseconds) and saw nothing since.
pub(super) const FORGET_COUNTERS: &str = "DELETE FROM rate_counters WHERE window_start < $1";
