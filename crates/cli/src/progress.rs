//! The progress shown on stderr while users are read: a spinner with the running count while `ListUsers` pages
//! come in, then a bar with the count, the rate and the time left. Drawn only on a terminal: indicatif's stderr
//! target hides itself when stderr is a file or a pipe, so a log or a CI run gets the summary lines alone.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The progress of one command.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
}

const LISTING: &str = "{spinner} listing users: {pos}";
const COUNTING: &str = "{msg} {pos}/{len} [{bar:30}] {rate} ETA {eta}";

impl Progress {
    /// Progress drawn on stderr when it is a terminal, and nowhere otherwise.
    pub fn stderr() -> Self {
        Self::to(ProgressDrawTarget::stderr())
    }

    /// Progress drawn on `target` (tests draw into memory).
    pub fn to(target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(ProgressStyle::with_template(LISTING).unwrap_or_else(|_| ProgressStyle::default_spinner()));
        Self { bar }
    }

    /// Whether anything is drawn at all.
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// `ListUsers` has returned `n` users so far.
    pub fn listed(&self, n: usize) {
        self.bar.set_position(n as u64);
        self.bar.tick();
    }

    /// Counting begins under `label` (e.g. `reading users`): `total` to do, `done` of them already done (a
    /// resumed export). The rate and the time left count only what is done from now on.
    pub fn counting(&self, label: &'static str, total: usize, done: usize) {
        self.bar.set_position(done as u64);
        self.bar.set_length(total as u64);
        self.bar.set_message(label);
        let style = ProgressStyle::with_template(COUNTING).unwrap_or_else(|_| ProgressStyle::default_bar());
        self.bar.set_style(
            style
                .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1}/s", state.per_sec());
                })
                .progress_chars("=> "),
        );
        self.bar.reset_eta();
        self.bar.enable_steady_tick(Duration::from_millis(250));
    }

    /// One more done.
    pub fn one_done(&self) {
        self.bar.inc(1);
    }

    /// A line for the user, above the bar (the bar is drawn again below it).
    pub fn note(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Removes the bar, leaving the terminal as it was.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Log lines go to stderr above the bar, as notes do.
impl std::io::Write for Progress {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.bar.suspend(|| std::io::Write::write_all(&mut std::io::stderr().lock(), bytes))?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::Write::flush(&mut std::io::stderr())
    }
}

#[cfg(test)]
mod tests {
    use indicatif::{InMemoryTerm, TermLike};

    use super::*;

    #[test]
    fn the_bar_shows_the_count_the_rate_and_the_time_left_and_leaves_nothing_behind() {
        let term = InMemoryTerm::new(4, 100);
        let progress = Progress::to(ProgressDrawTarget::term_like(Box::new(term.clone())));
        progress.listed(1000);
        assert!(term.contents().contains("listing users: 1000"), "{:?}", term.contents());
        progress.counting("reading users", 1000, 250);
        progress.one_done();
        // Drawn at once (drawing is otherwise limited to 20 times a second).
        progress.bar.abandon();
        let shown = term.contents();
        assert!(shown.contains("reading users 251/1000 [=======>"), "{shown:?}");
        assert!(shown.contains("/s ETA "), "{shown:?}");

        let term = InMemoryTerm::new(4, 100);
        let progress = Progress::to(ProgressDrawTarget::term_like(Box::new(term.clone())));
        progress.listed(5);
        assert!(!term.contents().is_empty());
        progress.finish();
        assert_eq!(term.contents().trim(), "");
        assert!(term.width() > 0);
    }
}
