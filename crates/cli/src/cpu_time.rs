//! CPU time for the benchmarks, to the nanosecond: `clock_gettime` with the thread's or the
//! process's CPU clock. The tick-based counters in /proc (`schedstat`, `stat`) moved in steps of
//! 4 or 10 ms on this project's machine, 4 % of a tenth-of-a-second run.

/// CPU seconds this thread has run.
pub fn thread_seconds() -> Option<f64> {
    #[cfg(unix)]
    return read(libc::CLOCK_THREAD_CPUTIME_ID);
    #[cfg(not(unix))]
    None
}

/// CPU seconds (user and system) this process has used.
pub fn process_seconds() -> Option<f64> {
    #[cfg(unix)]
    return read(libc::CLOCK_PROCESS_CPUTIME_ID);
    #[cfg(not(unix))]
    None
}

#[cfg(unix)]
fn read(clock: libc::clockid_t) -> Option<f64> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write into.
    let ok = unsafe { libc::clock_gettime(clock, &mut t) } == 0;
    ok.then(|| t.tv_sec as f64 + t.tv_nsec as f64 / 1e9)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Steps of the clock while this thread spins for 5 ms of CPU: the largest must be well
    /// under the 4 ms of the tick-based counters (a test of resolution, not of speed).
    #[test]
    fn the_thread_clock_moves_in_steps_far_below_a_scheduler_tick() {
        let start = thread_seconds().expect("a thread CPU clock");
        let (mut last, mut largest_step) = (start, 0.0f64);
        while last < start + 0.005 {
            let now = thread_seconds().expect("a thread CPU clock");
            largest_step = largest_step.max(now - last);
            last = now;
        }
        assert!(largest_step < 0.001, "largest step {largest_step} s");
        assert!(process_seconds().expect("a process CPU clock") >= last - start);
    }
}
