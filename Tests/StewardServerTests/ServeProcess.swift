import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StewardServer

/// `steward serve` as a process on a real port, in a git repository made of the quickstart example.
final class ServeProcess: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `steward` beside the test binary.
    static let binary: String = {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("steward").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("steward").path
    }()

    static let secret = "quickstart-webhook-secret"

    let directory: String
    private(set) var process: Process?
    private(set) var port = 0
    private var logPath: String { directory + "/.serve-\(starts).log" }
    private var starts = 0

    /// A new repository of the quickstart; `edit` may change its files before the first commit.
    init(edit: (String) throws -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("steward-serve-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try sh("cp -R '\(Self.packageRoot.appendingPathComponent("examples/quickstart").path)/.' .")
        try edit(directory)
        try sh("git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -qm quickstart")
        try Self.secret.write(toFile: directory + "/.webhook-secret", atomically: true, encoding: .utf8)
    }

    deinit {
        if let process, process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts `steward serve` on a free port and waits until it listens.
    func start(interval: String = "1h", _ extra: [String] = []) async throws {
        starts += 1
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--interval", interval, "--poll-interval", "500ms",
                             "--webhook-secret-file", ".webhook-secret", "--log-format", "json", "--log-level", "info"] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let match = log.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1) {
                self.port = port
                return
            }
            guard process.isRunning else { throw ServeError("steward serve exited: \(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeError("steward serve did not listen within 60 s: \(log)")
    }

    /// Everything the current process wrote on standard error.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits for the exit; returns the exit status and how long it took.
    func terminate() async throws -> (status: Int32, seconds: Double) {
        guard let process else { throw ServeError("not started") }
        let started = Date()
        process.terminate()
        while process.isRunning {
            if Date().timeIntervalSince(started) > 40 { throw ServeError("still running 40 s after SIGTERM") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (process.terminationStatus, Date().timeIntervalSince(started))
    }

    struct Reply {
        var status: Int
        var body: String
    }

    func get(_ path: String) async throws -> Reply {
        try await send(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"))
    }

    /// A GitHub push of `commit` to `ref`, signed with the secret.
    func push(_ commit: String, ref: String = "refs/heads/main", delivery: String = UUID().uuidString) async throws -> Reply {
        let body = Array(#"{"ref":"\#(ref)","before":"0000000000000000000000000000000000000000","after":"\#(commit)","created":false,"deleted":false,"repository":{"full_name":"example/quickstart","clone_url":"https://github.com/example/quickstart.git"},"commits":[]}"#.utf8)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/github")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-GitHub-Event", value: "push")
        request.headers.add(name: "X-GitHub-Delivery", value: delivery)
        request.headers.add(name: "X-Hub-Signature-256", value: WebhookSignature.sign(body: body, secret: Array(Self.secret.utf8)))
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(status: Int(response.status.code), body: String(buffer: body))
    }

    /// The status API as JSON.
    func status() async throws -> [String: Any] {
        let reply = try await get("/api/v1/status")
        return try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any] ?? [:]
    }

    /// Waits until `condition` holds, up to `seconds`.
    func eventually(_ seconds: Double = 60, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// Runs a shell command in the repository.
    @discardableResult
    func sh(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServeError("'\(command)' failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Commits everything and returns the new commit id.
    func commit(_ message: String) throws -> String {
        try sh("git add -A && git -c user.name=t -c user.email=t@t commit -qm '\(message)' && git rev-parse HEAD")
    }

    /// `steward status --output json` of the repository's state, read by the CLI.
    func statusFromCLI() throws -> [String: Any] {
        let json = try sh("'\(Self.binary)' status --output json")
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }
}

struct ServeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Dictionary where Key == String, Value == Any {
    var lastReconcileRevision: String? { (self["lastReconcile"] as? [String: Any])?["revision"] as? String }
    var recentActions: [[String: Any]] { self["recentActions"] as? [[String: Any]] ?? [] }
    var resources: [[String: Any]] { self["resources"] as? [[String: Any]] ?? [] }
}
