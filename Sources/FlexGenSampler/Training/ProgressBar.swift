import Foundation

/// A one-line progress bar on standard error: `label [#####.....] 42% 2100/5000 loss 0.031 ETA 1m12s`.
/// Redrawn at most 10 times a second with a carriage return; does nothing when disabled. The
/// usual policy (`ProgressBar.shouldShow(forced:)`): draw only when stderr is a terminal, or when
/// the user asked for it explicitly, so logs and pipes stay clean.
public final class ProgressBar {
    public let total: Int
    public let label: String
    public let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast

    public init(total: Int, label: String, enabled: Bool) {
        self.total = max(total, 1)
        self.label = label
        self.enabled = enabled
    }

    /// True when stderr is a terminal or `forced`.
    public static func shouldShow(forced: Bool) -> Bool { forced || isatty(2) == 1 }

    /// Reports `done` of `total` units with an optional status text (e.g. the current loss).
    public func update(done: Int, status: String = "") {
        guard enabled else { return }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let fraction = min(1, Double(done) / Double(total))
        let cells = 24, filled = Int(fraction * Double(cells))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: cells - filled)
        let elapsed = now.timeIntervalSince(start)
        let eta = done > 0 ? elapsed * Double(total - done) / Double(done) : .nan
        let line = "\r\(label) [\(bar)] \(Int(fraction * 100))% \(done)/\(total) \(status) ETA \(Self.duration(eta)) "
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the line (prints the elapsed time).
    public func finish() {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data(" done in \(Self.duration(elapsed))\n".utf8))
    }

    /// `1m12s`, `3.4s`, or `--` for an unknown duration.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        return whole < 3600 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole / 3600)h\(String(format: "%02d", whole / 60 % 60))m"
    }
}
