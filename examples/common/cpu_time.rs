//! CPU time of this process, shared by the throughput examples: on a loaded
//! machine it stays meaningful where wall-clock time does not.

/// Process CPU time in seconds (user + system), from /proc/self/stat; `None`
/// where that file is unavailable.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name: state is 0, utime 11, stime 12, in
    // ticks of 1/100 s.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
