//! What a run of Listing 2 gets for one number, and how it is printed: the same for the
//! process pool, threads, rayon and async tasks.

use crate::say;
use crate::timeline::{Outcome, Span, TaskKind, Timeline};

/// One number's result: its square, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct Squared {
    pub x: i64,
    pub square: Result<i64, String>,
}

impl Squared {
    /// What a call of `my_function(x)` gave: its `(x, square)`, or why it gave nothing.
    pub fn of(x: i64, returned: Result<(i64, i64), impl std::fmt::Display>) -> Self {
        let square = returned.map(|(_, square)| square).map_err(|why| why.to_string());
        Squared { x, square }
    }

    /// Print this result under `label` as it comes, and keep it in the run's timeline.
    pub fn report(self, label: &str, span: Span, timeline: &mut Timeline) {
        self.print(label, "");
        timeline.add(span, &self);
    }

    /// Print `Label: 3 squared = 9` (then `suffix`), or `Label: 3 failed: why`.
    pub fn print(&self, label: &str, suffix: &str) {
        match &self.square {
            Ok(square) => say!("{label}: {} squared = {square}{suffix}", self.x),
            Err(why) => say!("{label}: {} failed: {why}", self.x),
        }
    }
}

/// What `my_function` returned: `x` and its square.
impl From<(i64, i64)> for Squared {
    fn from((x, square): (i64, i64)) -> Self {
        Squared {
            x,
            square: Ok(square),
        }
    }
}

/// Every way of squaring the same numbers must get the same square for each.
impl Outcome for Squared {
    const KIND: TaskKind = TaskKind {
        tasks: "tasks",
        task: "number",
        value: "square",
    };

    fn task(&self) -> String {
        self.x.to_string()
    }

    fn value(&self) -> Option<i64> {
        self.square.as_ref().ok().copied()
    }
}
