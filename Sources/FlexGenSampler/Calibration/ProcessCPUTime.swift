import Foundation

/// CPU time of the whole process (every thread), CLOCK_PROCESS_CPUTIME_ID, in seconds. The
/// calibration reports it beside the wall time: on a shared machine the wall time measures the
/// share of the cores the process got, the CPU time the work itself.
enum ProcessCPUTime {
    static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
