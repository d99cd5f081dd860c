//! What the hostile-caller examples (`hostile`, `trial`) share: the server's
//! memory as the kernel sees it, and the documents they send.

use arabic_text::pb;

/// The command line both examples take: the server's address
/// (`http://127.0.0.1:50051` when absent), its pid (0 when absent: the RSS
/// columns then read 0) and what follows, for the example to read.
pub fn args() -> (String, u32, std::iter::Skip<std::env::Args>) {
    let mut args = std::env::args().skip(1);
    let addr = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:50051".into());
    let pid = args.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (addr, pid, args)
}

/// `VmRSS` and `VmHWM` (the peak so far) of `pid` in MiB; 0 when unknown:
/// the tables report the server's memory after each case and its peak.
pub fn rss(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A request document holding `text`.
pub fn doc(text: &str) -> Option<pb::Document> {
    Some(pb::Document {
        content: text.to_owned(),
        language_code: String::new(),
    })
}

/// An Arabic news-like text of about `kib` KiB (names, places, dates: every
/// analysis step has work), whose Analyze response is ~10× bigger.
pub fn article(kib: usize) -> String {
    let sentence = "ذهب محمد بن سلمان إلى القاهرة يوم ٣ مايو ٢٠٢٤ وقال للصحفيين إن الاتفاق قريب. ";
    sentence.repeat((kib * 1024).div_ceil(sentence.len()))
}
