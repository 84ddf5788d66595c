import Foundation
import Testing

/// A temporary folder for one test, with helpers that build repositories through the
/// `git` command line (an implementation independent of the code under test).
struct Scratch {
    /// The folder, removed when the test ends.
    let root: String

    /// Runs `body` with a fresh folder and removes the folder afterwards.
    static func with<T>(_ body: (Scratch) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("steward-git-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        return try await body(Scratch(root: root))
    }

    /// The absolute path of `relative` inside the scratch folder.
    func path(_ relative: String) -> String { root + "/" + relative }

    /// Writes `text` to `relative`, making folders as needed.
    func write(_ relative: String, _ text: String, executable: Bool = false) throws {
        let target = path(relative)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes(
            [.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: target
        )
    }

    /// Makes a symbolic link at `relative` pointing to `destination`.
    func symlink(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: destination)
    }

    /// Removes a file or folder.
    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: path(relative))
    }

    /// Makes a work tree at `relative` with branch `main`.
    func initRepository(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"], in: relative)
    }

    /// Stages everything in the work tree `relative` and commits it; returns the commit id
    /// as `git rev-parse HEAD` prints it.
    @discardableResult
    func commitAll(_ relative: String, message: String = "change") throws -> String {
        try git(["add", "-A"], in: relative)
        try git(["commit", "-q", "--allow-empty", "-m", message], in: relative)
        return try git(["rev-parse", "HEAD"], in: relative)
    }

    /// Runs git in `relative` and returns its standard output without the final newline.
    @discardableResult
    func git(_ arguments: [String], in relative: String) throws -> String {
        let result = try run(arguments, in: relative)
        guard result.status == 0 else {
            throw ScratchError.gitFailed(arguments.joined(separator: " "), result.error)
        }
        return result.output
    }

    /// Runs git with `input` on its standard input (for `git fast-import`).
    @discardableResult
    func git(_ arguments: [String], in relative: String, input: [UInt8]) throws -> String {
        let result = try run(arguments, in: relative, input: input)
        guard result.status == 0 else {
            throw ScratchError.gitFailed(arguments.joined(separator: " "), result.error)
        }
        return result.output
    }

    /// Runs git and returns its exit status, for commands expected to fail.
    func gitStatus(_ arguments: [String], in relative: String) throws -> Int32 {
        try run(arguments, in: relative).status
    }

    private func run(
        _ arguments: [String], in relative: String, input: [UInt8]? = nil
    ) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "-c", "user.name=Test Author", "-c", "user.email=author@example.com",
            "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.hooksPath=/dev/null",
            "-c", "advice.detachedHead=false",
        ] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path(relative))
        var environment = ProcessInfo.processInfo.environment
        // Keep the developer's own git configuration out of the fixtures.
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            // Written from another thread: git may fill its output pipes before reading all.
            let writer = stdin.fileHandleForWriting
            let thread = Thread {
                writer.write(Data(input))
                try? writer.close()
            }
            thread.start()
        }
        // Read before waiting: a full pipe would block git forever.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: outputData, as: UTF8.self)
        return (
            process.terminationStatus,
            text.hasSuffix("\n") ? String(text.dropLast()) : text,
            String(decoding: errorData, as: UTF8.self)
        )
    }
}

/// A fixture step that failed.
enum ScratchError: Error, CustomStringConvertible {
    case gitFailed(String, String)

    var description: String {
        switch self {
        case .gitFailed(let command, let stderr): return "git \(command) failed: \(stderr)"
        }
    }
}
