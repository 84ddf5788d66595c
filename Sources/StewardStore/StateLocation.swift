import Foundation
import StewardRuntime

/// Where the state store lives, as given by `--state`: `sqlite:PATH` or a bare path.
///
/// Relative paths resolve against the current directory. `postgres://…` is reserved for a
/// shared store and refused until one exists.
public struct StateLocation: Sendable, Hashable, CustomStringConvertible {
    /// The `--state` value used when none is given.
    public static let defaultArgument = ".steward/state.db"

    /// The absolute path of the SQLite file.
    public var path: String

    /// `sqlite:/absolute/path`, a form `init(parsing:)` reads back.
    public var description: String { "sqlite:\(path)" }

    /// A location from an absolute path, or a relative one resolved against `currentDirectory`.
    public init(path: String, currentDirectory: String = FileManager.default.currentDirectoryPath) {
        let expanded = path.hasPrefix("~") ? (path as NSString).expandingTildeInPath : path
        let base = URL(fileURLWithPath: currentDirectory, isDirectory: true)
        self.path = URL(fileURLWithPath: expanded, relativeTo: base).standardizedFileURL.path
    }

    /// Parses a `--state` value.
    public init(parsing argument: String, currentDirectory: String = FileManager.default.currentDirectoryPath) throws(ParseError) {
        let scheme = Self.scheme(of: argument)
        switch scheme?.lowercased() {
        case nil:
            guard !argument.isEmpty else { throw .emptyPath }
            self.init(path: argument, currentDirectory: currentDirectory)
        case "sqlite":
            let path = String(argument.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .emptyPath }
            self.init(path: path, currentDirectory: currentDirectory)
        case "postgres", "postgresql":
            throw .reserved
        case let other?:
            throw .unknownScheme(other)
        }
    }

    /// Opens the store at this location.
    public func openStore() throws -> any StateStore {
        try SQLiteStateStore.open(path: path)
    }

    /// The URL scheme of `argument` (`sqlite` in `sqlite:x.db`), or nil for a plain path.
    ///
    /// A scheme has at least two characters so that nothing here mistakes a drive letter for one.
    private static func scheme(of argument: String) -> String? {
        guard let colon = argument.firstIndex(of: ":") else { return nil }
        let candidate = argument[..<colon]
        guard candidate.count >= 2, let first = candidate.first, first.isASCII, first.isLetter,
              candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return String(candidate)
    }

    /// Why a `--state` value was refused.
    ///
    /// The messages never repeat the whole value: a database URL may carry a password.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case emptyPath
        /// `postgres://…` or `postgresql://…`.
        case reserved
        /// Any other scheme, e.g. `mysql`.
        case unknownScheme(String)

        public var description: String {
            switch self {
            case .emptyPath:
                "the state location has no path; use 'sqlite:PATH' or a path, e.g. '\(StateLocation.defaultArgument)'"
            case .reserved:
                "'postgres://…' is reserved for a shared state store, which is not available yet; use 'sqlite:PATH'"
            case .unknownScheme(let scheme):
                "unknown state location '\(scheme):…'; use 'sqlite:PATH' or a path (for a file name with ':', write 'sqlite:PATH' or './PATH')"
            }
        }
    }
}
