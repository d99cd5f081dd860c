//! The working memory of `Analyzer::analyze` and `Analyzer::normalize` on
//! 1 MiB texts of several shapes, measured as the heap high-water of a cold
//! call (a counting global allocator), next to
//! `memory::working_memory_estimate` and `memory::normalize_memory_estimate`:
//! the tables of the `memory` module's docs. Each shape runs in a fresh
//! process (this binary re-runs itself), so the tagger's per-thread word memo
//! starts empty.
//!
//! ```sh
//! cargo run --release -p arabic-text-core --example working-memory
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use arabic_text_core::memory::{Shape, normalize_memory_estimate};
use arabic_text_core::{Analyzer, NormalizeOptions, Preset};

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The shapes measured: a name and a 1 MiB text (news is about 0.9 MB).
fn shapes() -> Vec<(&'static str, String)> {
    const MIB: usize = 1 << 20;
    let sentence = "ذهب محمد بن سلمان إلى القاهرة يوم ٣ مايو ٢٠٢٤ وقال للصحفيين إن الاتفاق قريب. ";
    vec![
        ("news", sentence.repeat(MIB / sentence.len())),
        ("`﷽` (one token)", "\u{FDFD}".repeat(MIB / 3)),
        ("`﷽ `", "\u{FDFD} ".repeat(MIB / 4)),
        ("`ب `", "ب ".repeat(MIB / 3)),
        ("`1 `", "1 ".repeat(MIB / 2)),
        ("`ب.`", "ب.".repeat(MIB / 3)),
        ("`.`", ".".repeat(MIB)),
        // Normalization's worst: an edit every other char (alef with hamza
        // folded, then a letter it keeps).
        ("`أب`", "أب".repeat(MIB / 4)),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mb = |b: usize| b as f64 / 1e6;
    if let Some(i) = std::env::args()
        .nth(1)
        .and_then(|a| a.parse::<usize>().ok())
    {
        let (name, text) = shapes().swap_remove(i);
        let analyzer = Analyzer::embedded()?;
        let shape = Shape::of(&text);
        // Normalization first: its high-water is far below analysis'.
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        // Every rule on (the default is none, which copies nothing).
        let search = NormalizeOptions::preset(Preset::Search);
        drop(analyzer.normalize(&text, &search));
        let normalize = PEAK.load(Relaxed) - base;
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        drop(analyzer.analyze(&text, &Default::default()));
        let analyze = PEAK.load(Relaxed) - base;
        println!(
            "| {name} ({:.1} MB) | {} | {:.0} MB | {:.0} MB | {:.1} MB | {:.1} MB |",
            mb(text.len()),
            shape.units,
            mb(analyze),
            mb(shape.working_memory()),
            mb(normalize),
            mb(normalize_memory_estimate(&text)),
        );
        if analyze > shape.working_memory() {
            return Err(format!("{name}: analyze used {analyze} bytes, over the estimate").into());
        }
        if normalize > normalize_memory_estimate(&text) {
            return Err(
                format!("{name}: normalize used {normalize} bytes, over its estimate").into(),
            );
        }
        return Ok(());
    }
    println!(
        "| 1 MiB of | units | analyze | estimate | normalize | estimate |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |"
    );
    let me = std::env::current_exe()?;
    let mut failed = false;
    for i in 0..shapes().len() {
        let out = std::process::Command::new(&me)
            .arg(i.to_string())
            .output()?;
        print!("{}", String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            failed = true;
        }
    }
    if failed {
        return Err("a shape used more than its estimate".into());
    }
    Ok(())
}
