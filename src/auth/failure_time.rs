//! What a failed login costs, made the same for every account. A failure
//! against an old bcrypt-12 hash takes about 250 ms, one against the dummy
//! hash of an unknown email (today's argon2 cost) perhaps 20 ms: timing
//! alone would tell which emails exist. So the hashing time of every kind
//! of stored hash is tracked (a moving average per kind), and every failed
//! login is padded with a sleep (no worker held) up to the dearest kind.
//!
//! Kinds come from the verifications themselves and, so that the first
//! probe after a start or an import cannot tell either, from a look at the
//! kinds in the database (at the first failed login, then every ten
//! minutes); each kind found is timed once on the hashing pool.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use argon2::Params;
use argon2::password_hash::phc::PasswordHash;

use super::password;

/// How much a new measurement moves a kind's average.
const WEIGHT: f64 = 0.2;
/// A kind not verified for this long no longer pads failures (its users
/// were upgraded or removed), unless the database still holds it.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);
/// How often the database is asked which bcrypt kinds it holds.
pub const LOOK_EVERY: Duration = Duration::from_secs(600);
/// Kinds tracked at most; the stored hashes are all of a few kinds, and
/// import refuses outlandish costs, so this is never reached in practice.
const KINDS_MAX: usize = 64;

#[derive(Default)]
pub struct FailureTime {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    kinds: HashMap<String, Kind>,
    /// When the database was last asked for its kinds; `None`: never.
    looked: Option<Instant>,
}

struct Kind {
    seconds: f64,
    seen: Instant,
}

const UNPARSEABLE: &str = "unparseable";

/// The kind of a stored hash: its scheme and cost, never its salt.
pub fn kind_of(stored: &str) -> String {
    if let Some(cost) = password::bcrypt_cost(stored) {
        return format!("bcrypt-{cost}");
    }
    let Ok(parsed) = PasswordHash::new(stored) else {
        return UNPARSEABLE.to_owned();
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return UNPARSEABLE.to_owned();
    };
    format!(
        "{}-v{}-m{}-t{}-p{}",
        parsed.algorithm.as_str(),
        parsed.version.unwrap_or_default(),
        params.m_cost(),
        params.t_cost(),
        params.p_cost()
    )
}

/// A well-formed hash of the kind `prefix` names (what
/// [`crate::db::users::hash_kinds`] lists), matching no password but
/// "secret123": verifying it costs what that kind costs. `None` for a
/// prefix that makes no hash we verify.
pub fn sample_of(prefix: &str) -> Option<String> {
    let sample = if prefix.starts_with("$argon2") {
        format!("{prefix}c2FsdHNhbHRzYWx0c2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWhhc2g")
    } else {
        format!("{prefix}/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK")
    };
    (kind_of(&sample) != UNPARSEABLE).then_some(sample)
}

impl FailureTime {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that verifying a hash of `kind` took `ran`.
    pub fn observe(&self, kind: String, ran: Duration) {
        let now = Instant::now();
        let mut state = self.lock();
        let seconds = ran.as_secs_f64();
        if let Some(known) = state.kinds.get_mut(&kind) {
            known.seconds += WEIGHT * (seconds - known.seconds);
            known.seen = now;
            return;
        }
        if state.kinds.len() >= KINDS_MAX {
            return;
        }
        state.kinds.insert(kind, Kind { seconds, seen: now });
    }

    /// Whether the database is due to be asked for its kinds; when it is,
    /// the caller asks and no one else does for [`LOOK_EVERY`].
    pub fn claim_look(&self) -> bool {
        let mut state = self.lock();
        let due = state.looked.is_none_or(|at| at.elapsed() >= LOOK_EVERY);
        if due {
            state.looked = Some(Instant::now());
        }
        due
    }

    /// Keeps the kinds the database holds alive; returns those never timed.
    pub fn present(&self, kinds: &[String]) -> Vec<String> {
        let now = Instant::now();
        let mut state = self.lock();
        let mut untimed = Vec::new();
        for kind in kinds {
            match state.kinds.get_mut(kind) {
                Some(known) => known.seen = now,
                None => untimed.push(kind.clone()),
            }
        }
        untimed
    }

    /// The time every failed login is padded to: the dearest kind's.
    pub fn target(&self) -> Duration {
        let mut state = self.lock();
        state
            .kinds
            .retain(|_, kind| kind.seen.elapsed() < FORGET_AFTER);
        let seconds = state.kinds.values().map(|k| k.seconds).fold(0.0, f64::max);
        Duration::from_secs_f64(seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_name_the_scheme_and_cost_but_not_the_salt() {
        let bcrypt = "$2b$10$/9J.IJ4.NacP0jcGnfaZsuL9vg5ZWrQ2DowtcO2nX3VhepcaTNprK";
        assert_eq!(kind_of(bcrypt), "bcrypt-10");
        let argon2 = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWhhc2g";
        assert_eq!(kind_of(argon2), "argon2id-v19-m19456-t2-p1");
        assert_eq!(kind_of("plaintext"), "unparseable");
        assert_eq!(
            sample_of("$2y$12$").as_deref().map(kind_of),
            Some("bcrypt-12".to_owned())
        );
        assert_eq!(
            sample_of("$argon2i$v=16$m=256,t=3,p=2$")
                .as_deref()
                .map(kind_of),
            Some("argon2i-v16-m256-t3-p2".to_owned())
        );
        assert_eq!(sample_of("$2b$1"), None);
        assert_eq!(sample_of("$argon2id$v=19$m=x$"), None);
    }

    #[test]
    fn the_target_is_the_dearest_kind_and_spikes_move_it_only_a_little() {
        let time = FailureTime::default();
        assert_eq!(time.target(), Duration::ZERO);
        time.observe("argon2".into(), Duration::from_millis(20));
        time.observe("bcrypt-12".into(), Duration::from_millis(250));
        assert_eq!(time.target(), Duration::from_millis(250));
        time.observe("argon2".into(), Duration::from_millis(1020));
        assert_eq!(time.target(), Duration::from_millis(250));
        assert_eq!(
            time.present(&["bcrypt-12".into(), "bcrypt-10".into()]),
            ["bcrypt-10"]
        );
    }
}
