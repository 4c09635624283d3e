import Foundation

/// Rasterises the SVG figures to PNG with `rsvg-convert` (Debian: librsvg2-bin) when it is on
/// the PATH; without it the SVGs stand alone and nothing is reported as written. The PNG goes to
/// a temporary file that is renamed into place, so a failed conversion never leaves a partial PNG.
public enum PNGRenderer {
    /// The renderer's path, or nil when none is installed.
    public static var rsvgConvert: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/rsvg-convert"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Renders `svg` next to itself as `.png` at twice its nominal size; returns the PNG's path,
    /// or nil when no renderer is available or it failed (the reason goes to `warn`).
    public static func render(svg: String, warn: (String) -> Void = { _ in }) -> String? {
        guard let tool = rsvgConvert else { return nil }
        let png = (svg as NSString).deletingPathExtension + ".png"
        let folder = (png as NSString).deletingLastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".\((png as NSString).lastPathComponent).\(UUID().uuidString).tmp")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--zoom", "2", "--format", "png", "--output", temporary, svg]
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            warn("rsvg-convert failed on \(svg): \(error)")
            return nil
        }
        guard process.terminationStatus == 0, rename(temporary, png) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            warn("rsvg-convert failed on \(svg) (exit \(process.terminationStatus))")
            return nil
        }
        return png
    }
}
