//! What the three squaring runs of the async lesson share: a task per number, each result
//! reported as it completes.

use common::squares::Squared;
use common::timeline::{Span, Timeline};
use tokio::task::JoinSet;

/// Spawn `square(x)` for every number; print `LABEL: x squared = y` as each completes.
pub async fn square_all<F, Fut>(label: &str, numbers: &[i64], square: F) -> Timeline
where
    F: Fn(i64) -> Fut,
    Fut: Future<Output = ((i64, i64), Span)> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for &x in numbers {
        tasks.spawn(square(x));
    }
    let mut timeline = Timeline::new();
    while let Some(joined) = tasks.join_next().await {
        // main squares only 2, 3 and 4, which cannot overflow: a JoinError here would be a
        // bug, so it may end the program.
        let (returned, span) = joined.expect("squaring 2, 3 and 4 does not panic");
        Squared::from(returned).report(label, span, &mut timeline);
    }
    timeline
}
