import ArgumentParser
import Foundation
import Logging
import StewardCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The state store: sqlite:PATH (relative to the current directory).")
    var state: String = "sqlite:.steward/state.db"

    @Option(help: "Override the Project's provider: local or gcp.")
    var provider: ProviderKind?

    @Option(help: "Log format on standard error: text or json.")
    var logFormat: LogFormat = .text

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    /// Bootstraps logging once and returns the command's logger.
    func makeLogger(label: String = "steward") -> Logger {
        LogSetup.bootstrap(format: logFormat, level: logLevel)
        return Logger(label: label)
    }
}

/// Where the manifests come from.
struct SourceOptions: ParsableArguments {
    @Option(help: "The git repository: a path or a URL (file://, https://).")
    var repo: String = "."

    @Option(help: "The revision to read: branch, tag, sha or HEAD.")
    var revision: String = "HEAD"

    @Option(help: "The manifests folder in the repository.")
    var path: String = "manifests"

    func validate() throws {
        if case .failure(let error) = RepositoryPath.parse(path) {
            throw ValidationError("--path '\(path)': \(error); give a folder relative to the repository root")
        }
    }

    var manifestsPath: RepositoryPath {
        (try? RepositoryPath.parse(path).get()) ?? RepositoryPath(unchecked: "manifests")
    }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case markdown
}

enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

extension ProviderKind: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A duration written `30m`, `5s`, `1h30m`, `250ms` or a number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var seconds: Double

    var description: String { formatDuration(seconds: seconds) }

    var defaultValueDescription: String { description }

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        if let plain = Double(argument) {
            seconds = plain
            return
        }
        guard let parsed = parseDuration(argument) else { return nil }
        seconds = parsed
    }
}
