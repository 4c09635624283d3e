import Foundation

/// A one-line progress bar on standard error for long runs (training, calibration, sweeps):
/// `train  [#########-----------]  45%  1350/3000  loss 0.0412  ETA 0:37`.
///
/// It draws only when enabled (by default: when stderr is a terminal), at most every
/// `minimumInterval` seconds, so that logs and CI output are not flooded. Not thread-safe:
/// drive it from one task.
public final class ProgressBar {
    public let label: String
    public let total: Int
    public let isEnabled: Bool
    private let minimumInterval: TimeInterval
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var completed = 0

    /// - Parameters:
    ///   - enabled: nil draws only when standard error is a terminal.
    public init(label: String, total: Int, enabled: Bool? = nil, minimumInterval: TimeInterval = 0.1) {
        self.label = label
        self.total = max(total, 1)
        self.isEnabled = enabled ?? (isatty(STDERR_FILENO) != 0)
        self.minimumInterval = minimumInterval
    }

    /// Records that `completed` units of `total` are done; `detail` is shown after the counts.
    public func update(_ completed: Int, detail: String = "") {
        self.completed = min(max(completed, 0), total)
        guard isEnabled else { return }
        let now = Date()
        if self.completed < total, now.timeIntervalSince(lastDraw) < minimumInterval { return }
        lastDraw = now
        FileHandle.standardError.write(Data(("\r" + render(now: now, detail: detail) + "\u{1B}[K").utf8))
    }

    /// Moves past the bar so that later output starts on a fresh line.
    public func finish(detail: String = "") {
        update(total, detail: detail)
        if isEnabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// The bar's text at `now` (exposed for tests).
    public func render(now: Date = Date(), detail: String = "") -> String {
        let fraction = Double(completed) / Double(total)
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        let eta = completed > 0 ? elapsed * Double(total - completed) / Double(completed) : .nan
        let percent = Int((fraction * 100).rounded(.down))
        var line = "\(label)  [\(bar)] \(String(repeating: " ", count: max(0, 3 - "\(percent)".count)))\(percent)%  \(completed)/\(total)"
        if !detail.isEmpty { line += "  \(detail)" }
        line += completed >= total ? "  \(Self.clock(elapsed))" : "  ETA \(Self.clock(eta))"
        return line
    }

    /// `m:ss` (or `h:mm:ss`); `--:--` when unknown.
    static func clock(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
