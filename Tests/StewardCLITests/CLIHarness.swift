import Foundation
import Testing

/// Runs the built `steward` binary in temporary git repositories.
struct CLIHarness {
    /// The package root, for the repository's own manifests and examples.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `steward` beside the test binary.
    static let binary: String = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test binary may sit inside an .xctest bundle folder.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("steward").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("steward").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let directory: String

    /// A new empty folder.
    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("steward-cli-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        directory = path
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs `steward` with standard input from /dev/null.
    @discardableResult
    func steward(_ arguments: String...) throws -> Result {
        try run(Self.binary, Array(arguments))
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        // Read both pipes concurrently so a full pipe never blocks the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a shell command in the folder; fails the test when it fails.
    @discardableResult
    func sh(_ command: String) throws -> String {
        let result = try run("/bin/sh", ["-c", command])
        guard result.status == 0 else {
            throw HarnessError("'\(command)' failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// A git repository made of the quickstart example, committed.
    static func quickstart() throws -> CLIHarness {
        let harness = try CLIHarness()
        try harness.sh("cp -R '\(packageRoot.appendingPathComponent("examples/quickstart").path)/.' . && git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -qm quickstart")
        return harness
    }

    func commit(_ message: String) throws {
        try sh("git add -A && git -c user.name=t -c user.email=t@t commit -qm '\(message)'")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
