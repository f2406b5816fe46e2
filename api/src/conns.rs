//! The connection governor: which open connections the server keeps when more arrive than it
//! can hold.
//!
//! A connection is *anonymous* from accept until one of its requests proves a caller (a valid
//! API token, a signed-in session, a WebSocket's `connection_init`); then it is *trusted*.
//! Anonymous connections are cheap to open by the thousand and cost nothing to hold open idle or
//! trickling, so their number is bounded, in all and per client address: when a new one would
//! pass either bound, the oldest anonymous connection (of that address, for the per-address
//! bound) is closed to make room. New connections are therefore always accepted, so a signed-in
//! client and `/livez` are served however many idle or trickling connections are open, and a
//! trusted connection is never closed for an anonymous one. Trusted connections count against
//! the server's overall limit only.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// Bounds of the governor (see [`crate::config::HttpLimits`]).
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// Connections open at once, anonymous and trusted.
    pub total: usize,
    /// Anonymous connections open at once.
    pub anonymous: usize,
    /// Anonymous connections open at once from one client address.
    pub anonymous_per_address: usize,
}

#[derive(Default)]
struct State {
    next: u64,
    open: usize,
    /// Anonymous connections by age (ids only grow), with their address and eviction signal.
    anonymous: BTreeMap<u64, (IpAddr, Arc<Notify>)>,
    per_address: HashMap<IpAddr, usize>,
}

impl State {
    fn forget_anonymous(&mut self, id: u64) -> bool {
        let Some((addr, _)) = self.anonymous.remove(&id) else {
            return false;
        };
        if let Some(n) = self.per_address.get_mut(&addr) {
            *n -= 1;
            if *n == 0 {
                self.per_address.remove(&addr);
            }
        }
        true
    }

    /// Closes the oldest anonymous connection, of `addr` if given.
    fn evict_oldest(&mut self, addr: Option<IpAddr>) {
        let oldest = self
            .anonymous
            .iter()
            .find(|(_, (a, _))| addr.is_none_or(|addr| *a == addr))
            .map(|(id, (_, close))| (*id, close.clone()));
        if let Some((id, close)) = oldest {
            self.forget_anonymous(id);
            close.notify_one();
            metrics::counter!("http_connections_evicted_total").increment(1);
        }
    }
}

/// Shared by the accept loop and every connection it serves.
#[derive(Clone)]
pub struct Governor {
    bounds: Bounds,
    state: Arc<Mutex<State>>,
}

/// One accepted connection's place. Dropping it (when the connection ends) gives the place back.
pub struct Place {
    id: u64,
    state: Arc<Mutex<State>>,
    /// Notified when the governor closes this connection to make room.
    pub evicted: Arc<Notify>,
}

/// What a request carries so that a handler that has proven its caller can trust the
/// connection it came on (see [`Place::trust`]).
#[derive(Clone)]
pub struct Trust {
    id: u64,
    state: Arc<Mutex<State>>,
}

impl Governor {
    pub fn new(bounds: Bounds) -> Self {
        Self {
            bounds,
            state: Arc::default(),
        }
    }

    /// A place for a connection just accepted from `addr`, or None when the server holds its
    /// total of connections already, all of them trusted (the caller closes the connection).
    pub fn admit(&self, addr: IpAddr) -> Option<Place> {
        let mut s = lock(&self.state);
        if s.open >= self.bounds.total {
            if s.anonymous.is_empty() {
                return None;
            }
            s.evict_oldest(None);
        }
        if s.per_address.get(&addr).copied().unwrap_or(0) >= self.bounds.anonymous_per_address {
            s.evict_oldest(Some(addr));
        }
        if s.anonymous.len() >= self.bounds.anonymous {
            s.evict_oldest(None);
        }
        let id = s.next;
        s.next += 1;
        s.open += 1;
        let evicted = Arc::new(Notify::new());
        s.anonymous.insert(id, (addr, evicted.clone()));
        *s.per_address.entry(addr).or_default() += 1;
        Some(Place {
            id,
            state: self.state.clone(),
            evicted,
        })
    }

    /// Anonymous and trusted connections open now.
    pub fn counts(&self) -> (usize, usize) {
        let s = lock(&self.state);
        (s.anonymous.len(), s.open - s.anonymous.len())
    }
}

impl Place {
    /// The handle a request of this connection carries.
    pub fn trust_handle(&self) -> Trust {
        Trust {
            id: self.id,
            state: self.state.clone(),
        }
    }
}

impl crate::web::ConnectionTrust for Trust {
    /// The connection's caller is proven: it is no longer closed to make room.
    fn trust(&self) {
        lock(&self.state).forget_anonymous(self.id);
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut s = lock(&self.state);
        s.forget_anonymous(self.id);
        s.open -= 1;
    }
}

/// The lock holds only counters and maps that every step leaves consistent, so a panic while it
/// was held leaves nothing to repair.
fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::ConnectionTrust;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn the_oldest_anonymous_connection_makes_room() {
        let g = Governor::new(Bounds {
            total: 10,
            anonymous: 3,
            anonymous_per_address: 2,
        });
        let a1 = g.admit(ip(1)).unwrap();
        let a2 = g.admit(ip(1)).unwrap();
        // A third from the same address closes that address's oldest.
        let a3 = g.admit(ip(1)).unwrap();
        assert!(notified(&a1.evicted));
        assert!(!notified(&a2.evicted));
        // a1 counts as open (not anonymous) until its connection ends and drops its place.
        assert_eq!(g.counts(), (2, 1));
        drop(a1);
        assert_eq!(g.counts(), (2, 0));
        // Another address fills the anonymous pool: the oldest of all goes.
        let b1 = g.admit(ip(2)).unwrap();
        let b2 = g.admit(ip(2)).unwrap();
        assert!(notified(&a2.evicted));
        assert!(!notified(&a3.evicted) && !notified(&b1.evicted));
        drop((a2, b2));
        // A trusted connection is never closed for an anonymous one.
        a3.trust_handle().trust();
        for _ in 0..5 {
            let _ = g.admit(ip(3)).unwrap();
        }
        assert!(!notified(&a3.evicted));
        assert_eq!(g.counts(), (1, 1));
    }

    #[test]
    fn a_server_full_of_trusted_connections_refuses_more() {
        let g = Governor::new(Bounds {
            total: 2,
            anonymous: 2,
            anonymous_per_address: 2,
        });
        let a = g.admit(ip(1)).unwrap();
        let b = g.admit(ip(1)).unwrap();
        a.trust_handle().trust();
        // One anonymous left: it makes room.
        let c = g.admit(ip(1)).unwrap();
        assert!(notified(&b.evicted));
        drop(b);
        c.trust_handle().trust();
        assert!(g.admit(ip(1)).is_none());
        drop(c);
        assert!(g.admit(ip(1)).is_some());
    }

    fn notified(n: &Notify) -> bool {
        use std::future::Future;
        let f = n.notified();
        let mut f = std::pin::pin!(f);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let ready = f.as_mut().poll(&mut cx).is_ready();
        if ready {
            // notify_one stores one permit; put it back so the question can be asked again.
            n.notify_one();
        }
        ready
    }
}
