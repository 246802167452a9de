/// Progress of a long experiment, as text for the caller to write to stderr.
///
/// On a terminal it is one bar redrawn in place (`\r`, then the bar; ``finish()`` ends the line). When
/// the output is a file or a pipe (the caller passes `isatty`), every update is a plain line instead,
/// so logs and CI output never fill with carriage returns.
public struct ProgressBar: Sendable {
    public let total: Int
    public let isTerminal: Bool
    /// Characters inside the brackets.
    public let width: Int

    public init(total: Int, isTerminal: Bool, width: Int = 30) {
        self.total = max(0, total)
        self.isTerminal = isTerminal
        self.width = max(1, width)
    }

    /// The text for `completed` of ``total`` done, with an optional note (the run just finished).
    /// `elapsedSeconds` is the time spent on the runs done in this invocation, of which there are
    /// `completed − resumedFrom` (runs a resumed session found finished cost nothing); with it the
    /// terminal bar shows the estimated time left.
    ///
    /// Terminal: `\r[#########.....................]  9/30  30%  ETA 42s  basic: success` (no newline).
    /// Otherwise: `[9/30] basic: success\n`.
    public func render(completed: Int, note: String = "", elapsedSeconds: Double? = nil, resumedFrom: Int = 0) -> String {
        let done = min(max(0, completed), total)
        let digits = String(total).count
        let count = String(repeating: " ", count: digits - String(done).count) + "\(done)/\(total)"
        guard isTerminal else {
            return "[\(done)/\(total)]" + (note.isEmpty ? "" : " \(note)") + "\n"
        }
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let percent = Int((fraction * 100).rounded(.down))
        let percentText = String(repeating: " ", count: 3 - String(percent).count) + "\(percent)%"
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = Self.remaining(completed: done, total: total, elapsedSeconds: elapsedSeconds, resumedFrom: resumedFrom)
            .map { "  ETA \(Self.duration($0))" } ?? ""
        // Clear to the end of the line so a shorter note does not leave the tail of a longer one.
        return "\r[\(bar)] \(count) \(percentText)\(eta)" + (note.isEmpty ? "" : "  \(note)") + "\u{1B}[K"
    }

    /// Seconds left at the pace of the runs done so far in this invocation; `nil` before the first.
    static func remaining(completed: Int, total: Int, elapsedSeconds: Double?, resumedFrom: Int) -> Double? {
        let doneHere = completed - resumedFrom
        guard let elapsedSeconds, elapsedSeconds.isFinite, elapsedSeconds >= 0, doneHere > 0 else { return nil }
        return elapsedSeconds / Double(doneHere) * Double(max(0, total - completed))
    }

    /// `7s`, `2m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(whole % 60 < 10 ? "0" : "")\(whole % 60)s" }
        let minutes = (whole % 3600) / 60
        return "\(whole / 3600)h\(minutes < 10 ? "0" : "")\(minutes)m"
    }

    /// What to write after the last update: a newline on a terminal, nothing otherwise.
    public func finish() -> String {
        isTerminal ? "\n" : ""
    }
}
