//! How `bench` cuts a text into documents and times its passes, shared word
//! for word with the peer benchmark `scripts/peers/charabia-bench` (which
//! includes this file by `#[path]`), so both measure alike. Only `std` and
//! `libc`.

use std::time::Instant;

/// Splits `text` into documents of about `size` bytes, each ending at a line
/// end (or a space) when there is one; `size` 0 is the whole text.
pub fn documents(text: &str, size: usize) -> Vec<&str> {
    if size == 0 {
        return vec![text];
    }
    let mut docs = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = size.min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let head = rest.get(..end).unwrap_or(rest);
        let cut = match head.rfind('\n').or_else(|| head.rfind(' ')) {
            Some(i) if i > 0 && end < rest.len() => i + 1,
            _ => end,
        };
        let (doc, tail) = rest.split_at(cut);
        docs.push(doc);
        rest = tail;
    }
    docs
}

/// CPU nanoseconds of this thread (`CLOCK_THREAD_CPUTIME_ID`, exact to the
/// nanosecond, unlike the tick-updated `/proc` counters).
fn thread_cpu_ns() -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return None;
    }
    Some(u64::try_from(ts.tv_sec).ok()? * 1_000_000_000 + u64::try_from(ts.tv_nsec).ok()?)
}

/// The seconds of the first pass and the median of the later ones.
pub struct Timing {
    /// The first pass in this process.
    pub cold: f64,
    /// The median of the later passes.
    pub warm: f64,
    /// `thread_cpu`, or `wall` where the thread's CPU clock fails.
    pub clock: &'static str,
}

/// Runs `pass` `passes` times and times each run in this thread's CPU time
/// (wall time where that clock fails; at least 1 ns a pass).
pub fn time_passes(passes: usize, mut pass: impl FnMut()) -> Timing {
    let use_cpu = thread_cpu_ns().is_some();
    let mut seconds = Vec::with_capacity(passes);
    for _ in 0..passes {
        let cpu0 = thread_cpu_ns();
        let wall0 = Instant::now();
        pass();
        let wall = wall0.elapsed().as_secs_f64();
        let secs = match (cpu0, thread_cpu_ns()) {
            (Some(a), Some(b)) if use_cpu => b.saturating_sub(a) as f64 / 1e9,
            _ => wall,
        };
        seconds.push(secs.max(1e-9));
    }
    let mut warm: Vec<f64> = seconds.iter().skip(1).copied().collect();
    warm.sort_by(f64::total_cmp);
    Timing {
        cold: seconds.first().copied().unwrap_or(f64::NAN),
        warm: warm.get(warm.len() / 2).copied().unwrap_or(f64::NAN),
        clock: if use_cpu { "thread_cpu" } else { "wall" },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_tile_the_text_and_end_at_line_ends() {
        let text = "سطر أول\nسطر ثان طويل قليلا\nثالث\n";
        for size in [0, 1, 5, 12, 1000] {
            let docs = documents(text, size);
            assert_eq!(docs.concat(), text, "size {size}");
        }
        // A line that fits ends its document; a longer one is cut at a space.
        let docs = documents(text, 20);
        assert_eq!(docs.first(), Some(&"سطر أول\n"));
        assert!(
            docs.iter()
                .take(docs.len() - 1)
                .all(|d| d.ends_with(['\n', ' ']))
        );
    }

    #[test]
    fn time_passes_runs_every_pass() {
        let mut n = 0;
        let t = time_passes(5, || n += 1);
        assert_eq!(n, 5);
        assert!(t.cold > 0.0 && t.warm > 0.0);
    }
}
