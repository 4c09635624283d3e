import Foundation
import Testing
@testable import FlexGenIO

/// `ProgressBar` with its clock and output injected: what it writes, and when, in both styles.
@Suite struct ProgressBarTests {
    final class Sink: @unchecked Sendable {
        var text = ""
        func write(_ s: String) { text += s }
    }

    let start = Date(timeIntervalSinceReferenceDate: 1_000_000)
    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    /// 10 units, one per 10 s, as lines with the 30 s default: the first report draws, then one
    /// per 30 s (t = 30, 60, 90), and the end once although both the last update and finish report
    /// it: 5 whole lines, no carriage return. The ETA at t = 30 (3 of 10 done) is 70 s, worked by hand.
    @Test func linesAreWholeAndAtMostOneEveryThirtySeconds() {
        let sink = Sink()
        let bar = ProgressBar(label: "calibrate", total: 10, enabled: true, style: .lines, start: start, write: sink.write)
        for done in 0...10 { bar.update(done, now: at(Double(done) * 10)) }
        bar.finish(now: at(100))
        let lines = sink.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!sink.text.contains("\r") && !sink.text.contains("\u{1B}"))
        #expect(sink.text.hasSuffix("\n"))
        #expect(lines.count == 6 && lines.last == "")
        #expect(lines[0] == "calibrate  [------------------------]   0%  0/10  ETA --:--")
        #expect(lines[1] == "calibrate  [#######-----------------]  30%  3/10  ETA 1:10")
        #expect(lines[2].contains(" 60%  6/10"))
        #expect(lines[3].contains(" 90%  9/10"))
        #expect(lines[4] == "calibrate  [########################] 100%  10/10  1:40")
    }

    /// On a terminal the bar redraws in place (carriage return, erase to the end of the line) at
    /// most every 0.1 s, and finish moves to a fresh line.
    @Test func redrawOverwritesOneLineAndFinishEndsIt() {
        let sink = Sink()
        let bar = ProgressBar(label: "train", total: 4, enabled: true, style: .redraw, start: start, write: sink.write)
        bar.update(1, now: at(1))
        bar.update(2, now: at(1.05))            // within 0.1 s of the last draw: skipped
        bar.update(3, now: at(2))
        bar.finish(detail: "done", now: at(4))
        #expect(sink.text.components(separatedBy: "\r").count - 1 == 3)
        #expect(sink.text.hasSuffix("done  0:04\u{1B}[K\n"))
        #expect(!sink.text.contains("2/4"))
    }

    @Test func disabledWritesNothing() {
        let sink = Sink()
        let bar = ProgressBar(label: "x", total: 3, enabled: false, style: .lines, start: start, write: sink.write)
        for done in 0...3 { bar.update(done, now: at(Double(done) * 100)) }
        bar.finish(now: at(400))
        #expect(sink.text.isEmpty)
    }

    /// Counts outside 0…total are clamped; a zero total counts as one unit; the clock's formats.
    @Test func extremes() {
        let sink = Sink()
        let bar = ProgressBar(label: "x", total: 0, enabled: true, style: .lines, start: start, write: sink.write)
        bar.update(-5, now: at(0))
        bar.update(7, now: at(1))
        #expect(sink.text == "x  [------------------------]   0%  0/1  ETA --:--\nx  [########################] 100%  1/1  0:01\n")
        #expect(ProgressBar.clock(.nan) == "--:--" && ProgressBar.clock(-1) == "--:--" && ProgressBar.clock(.infinity) == "--:--")
        #expect(ProgressBar.clock(59.6) == "1:00" && ProgressBar.clock(3600) == "1:00:00" && ProgressBar.clock(3725) == "1:02:05")
    }
}
