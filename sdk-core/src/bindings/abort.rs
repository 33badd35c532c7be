//! Cancelling a call from a binding: the JS layer asks for an id ([`create`]) before a call that
//! has an `AbortSignal`, passes it with the call, and calls [`abort`] when the signal fires; the
//! call ([`run`]) then stops where it is (its retries too) and fails with `APIUserAbortError`.
//! An id aborted before its call starts fails the call at once.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use futures::future::{AbortHandle, AbortRegistration, Abortable};

use crate::{Error, Result};

type Pending = HashMap<u32, (AbortHandle, Option<AbortRegistration>)>;

fn pending() -> MutexGuard<'static, Pending> {
    static PENDING: OnceLock<Mutex<Pending>> = OnceLock::new();
    PENDING
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// A new abort id, for one call.
pub fn create() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let (handle, registration) = AbortHandle::new_pair();
    pending().insert(id, (handle, Some(registration)));
    id
}

/// Aborts the call of `id` (before or while it runs); an id unknown or finished is ignored.
pub fn abort(id: u32) {
    if let Some((handle, _)) = pending().get(&id) {
        handle.abort();
    }
}

/// Runs `call`, abortable through `id` if given; the id is forgotten when the call ends.
pub async fn run<T>(id: Option<u32>, call: impl Future<Output = Result<T>>) -> Result<T> {
    let registration = id.and_then(|id| pending().get_mut(&id).and_then(|(_, r)| r.take()));
    let Some(registration) = registration else {
        return call.await;
    };
    let out = Abortable::new(call, registration).await;
    if let Some(id) = id {
        pending().remove(&id);
    }
    out.unwrap_or_else(|_| {
        Err(Error::Aborted {
            message: "the call's AbortSignal fired".into(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aborted_id_fails_its_call_and_is_then_forgotten() {
        let id = create();
        abort(id);
        let r = futures::executor::block_on(run(id.into(), async { Ok(1) }));
        assert!(matches!(r, Err(Error::Aborted { .. })), "{r:?}");
        assert!(!pending().contains_key(&id));
        let other = create();
        let r = futures::executor::block_on(run(other.into(), async { Ok(2) }));
        assert_eq!(r.unwrap(), 2);
        assert!(!pending().contains_key(&other));
        assert_eq!(
            futures::executor::block_on(run(None, async { Ok(3) })).unwrap(),
            3
        );
    }
}
