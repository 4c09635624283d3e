import Foundation

/// Progress of a long run (training, calibration, sweeps) on standard error:
/// `train  [#########-----------]  45%  1350/3000  loss 0.0412  ETA 0:37`.
///
/// On a terminal the bar is redrawn in place (`Style.redraw`) at most every 0.1 s. Anywhere else
/// (a log file, `nohup`, CI) a redrawn bar would be thousands of carriage returns on one line, so
/// it prints the same text as whole lines (`Style.lines`), at most one every 30 s, and always the
/// last one: a background run can be followed with `tail -f` and its log stays short.
///
/// It draws only when enabled (by default: when stderr is a terminal; commands offer `--progress`
/// to force it). Not thread-safe: drive it from one task.
public final class ProgressBar {
    public enum Style: Sendable, Equatable {
        /// Carriage return and redraw on one line (a terminal).
        case redraw
        /// One whole line per report (a log).
        case lines
    }

    public let label: String
    public let total: Int
    public let isEnabled: Bool
    public let style: Style
    private let minimumInterval: TimeInterval
    private let start: Date
    private let write: (String) -> Void
    private var lastDraw = Date.distantPast
    private var completed = 0
    private var drewCompletion = false

    /// - Parameters:
    ///   - enabled: nil draws only when standard error is a terminal.
    ///   - style: nil redraws on a terminal and prints lines otherwise.
    ///   - minimumInterval: seconds between two draws before the end (nil: 0.1 s redrawn, 30 s as lines).
    ///   - start: when the run began (for the elapsed time and the ETA).
    ///   - write: where the text goes (nil: standard error).
    public init(label: String, total: Int, enabled: Bool? = nil, style: Style? = nil, minimumInterval: TimeInterval? = nil,
                start: Date = Date(), write: ((String) -> Void)? = nil) {
        let terminal = isatty(STDERR_FILENO) != 0
        self.label = label
        self.total = max(total, 1)
        self.isEnabled = enabled ?? terminal
        self.style = style ?? (terminal ? .redraw : .lines)
        self.minimumInterval = minimumInterval ?? (self.style == .redraw ? 0.1 : 30)
        self.start = start
        self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Records that `completed` units of `total` are done; `detail` is shown after the counts.
    public func update(_ completed: Int, detail: String = "", now: Date = Date()) {
        self.completed = min(max(completed, 0), total)
        guard isEnabled else { return }
        if self.completed < total, now.timeIntervalSince(lastDraw) < minimumInterval { return }
        if self.completed == total, style == .lines, drewCompletion { return }
        lastDraw = now
        drewCompletion = self.completed == total
        switch style {
        case .redraw: write("\r" + render(now: now, detail: detail) + "\u{1B}[K")
        case .lines: write(render(now: now, detail: detail) + "\n")
        }
    }

    /// Draws the completed bar (once) and moves past it, so that later output starts on a fresh line.
    public func finish(detail: String = "", now: Date = Date()) {
        update(total, detail: detail, now: now)
        if isEnabled, style == .redraw { write("\n") }
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
