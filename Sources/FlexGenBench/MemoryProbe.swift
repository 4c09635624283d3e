import Foundation

/// Peak resident memory of this process, from Linux's /proc.
///
/// `resetPeak()` writes "5" to /proc/self/clear_refs, which resets the kernel's high-water mark
/// (VmHWM) to the current RSS (Linux ≥ 4.0); `peakBytes()` then reads VmHWM. Measuring
/// "peak during f" as VmHWM after f minus RSS before f counts the memory f added at its worst
/// moment. Where /proc is unavailable (macOS) both return nil and the benchmark leaves the
/// column empty rather than inventing a number.
public enum MemoryProbe {
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data("5".utf8)); return true } catch { return false }
    }

    /// VmHWM (peak RSS since start or the last reset), bytes.
    public static func peakBytes() -> Double? { statusField("VmHWM:") }

    /// VmRSS (current RSS), bytes.
    public static func residentBytes() -> Double? { statusField("VmRSS:") }

    static func statusField(_ name: String) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let kib = Double(parts[1]) { return kib * 1024 }
        }
        return nil
    }
}

/// What machine the numbers were measured on (for the report).
public struct MachineInfo: Sendable {
    public var cpuModel: String
    public var logicalCores: Int
    public var memoryGiB: Double
    public var os: String

    public static func current() -> MachineInfo {
        var model = "unknown"
        if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = cpu.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let info = ProcessInfo.processInfo
        return MachineInfo(cpuModel: model, logicalCores: info.activeProcessorCount,
                           memoryGiB: Double(info.physicalMemory) / 1_073_741_824,
                           os: info.operatingSystemVersionString)
    }

    public var description: String {
        "\(cpuModel), \(logicalCores) logical cores, \(String(format: "%.0f", memoryGiB)) GiB, \(os)"
    }
}
