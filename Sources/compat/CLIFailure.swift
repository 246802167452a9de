import ArgumentParser
import Foundation

/// A failure a command reports as one line on stderr and a specific exit status.
///
/// Exit statuses shared by every subcommand: 1 when the input was read but evaluating it failed
/// (for example a spec whose expression is invalid), 2 when an input cannot be read or decoded.
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32

    static func unreadableInput(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 2) }
    static func evaluationFailed(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 1) }

    var description: String { message }
}

/// Runs `body`, turning a ``CLIFailure`` into its message on stderr and its exit status.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CLIFailure {
        FileHandle.standardError.write(Data("compat: \(failure.message)\n".utf8))
        throw ExitCode(failure.exitCode)
    }
}

/// Reads a whole file, failing with exit status 2 and a message that names the file and what it was for.
func readInput(_ path: String, as role: String) throws -> [UInt8] {
    if path == "-" {
        return Array(FileHandle.standardInput.readDataToEndOfFile())
    }
    guard FileManager.default.fileExists(atPath: path) else {
        throw CLIFailure.unreadableInput("cannot read \(role) '\(path)': no such file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIFailure.unreadableInput("cannot read \(role) '\(path)': permission denied or not a regular file")
    }
    return Array(data)
}

/// Writes a line to stdout.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
