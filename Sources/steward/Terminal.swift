import Foundation
import StewardCore

/// Writing to the terminal: results on standard output, everything else on standard error.
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The current time.
    static func now() -> Instant {
        Instant(secondsSinceEpoch: Date().timeIntervalSince1970)
    }

    /// Asks a yes/no question on the terminal; only `yes` approves.
    static func confirm(_ question: String) -> Bool {
        err(question)
        FileHandle.standardError.write(Data("  Only 'yes' will be accepted to approve.\n  Enter a value: ".utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }
}
