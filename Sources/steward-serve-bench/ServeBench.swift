import AsyncHTTPClient
import Foundation
import NIOCore
import StewardFakes
import StewardServer
import Synchronization

/// Measures `steward serve` (the release binary beside this one) against the Vertex AI and Cloud Build fakes and
/// the real fake-gcs-server:
/// - the time from a webhook delivery to the first cloud request of the reconcile it causes, beside the round
///   trip of `GET /healthz` on the same server measured in the same run (the floor of any HTTP exchange);
/// - the service's resident memory idle with one Pipeline and with 1,000 Pipelines, settled.
///
/// `make bench` runs it.
@main
enum ServeBench {
    static let secret = "bench-secret"

    static func main() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("steward").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("steward-serve-bench: build steward first (\(binary) is missing)")
            exit(1)
        }
        try await FakeGCSServer.with { gcs in
            for bucket in ["bench-staging", "bench-roots", "bench-modules"] { try await gcs.createBucket(bucket) }
            let requests = RequestTimes()
            let vertex = try FakeVertex()
            let cloudBuild = try FakeCloudBuild()
            let vertexServer = try await FakeServer.start { request in
                requests.note()
                return await vertex.handle(request)
            }
            let cloudBuildServer = try await FakeServer.start { request in
                requests.note()
                return await cloudBuild.handle(request)
            }
            let environment = [
                "STORAGE_EMULATOR_HOST": gcs.baseURL,
                "STEWARD_VERTEX_ENDPOINT": vertexServer.baseURL,
                "STEWARD_CLOUDBUILD_ENDPOINT": cloudBuildServer.baseURL,
                "GITHUB_API_URL": "http://127.0.0.1:9",
            ]

            print("steward serve against the fakes (gcp provider; Vertex AI and Cloud Build fakes, fake-gcs-server)")
            let small = try Service(binary: binary, pipelines: 1, environment: environment)
            try await small.start()
            try await small.settle(pipelines: 1)
            var latencies: [Double] = []
            var floors: [Double] = []
            for round in 0..<20 {
                let commit = try small.commitChange(round)
                let sent = Date()
                try await small.push(commit)
                guard let first = await requests.first(after: sent, within: 10) else {
                    throw BenchError("no cloud request within 10 s of delivery \(round)")
                }
                latencies.append(first.timeIntervalSince(sent) * 1000)
                try await small.waitForReconcile(of: commit)
                let probe = Date()
                _ = try await small.get("/healthz")
                floors.append(Date().timeIntervalSince(probe) * 1000)
            }
            let idle = try await small.residentMegabytes(settleSeconds: 2)
            try await small.stop()
            print(String(format: "  webhook → first cloud request: median %.1f ms, p90 %.1f ms over %d deliveries",
                         median(latencies), percentile(latencies, 0.9), latencies.count))
            print(String(format: "  GET /healthz round trip (floor, same server): median %.2f ms → webhook/floor %.0f×",
                         median(floors), median(latencies) / max(median(floors), 0.001)))

            let large = try Service(binary: binary, pipelines: 1000, environment: environment)
            let started = Date()
            try await large.start()
            try await large.settle(pipelines: 1000, timeout: 900)
            let settled = Date().timeIntervalSince(started)
            let loaded = try await large.residentMegabytes(settleSeconds: 2)
            let peak = large.peakMegabytes()
            try await large.stop()
            print(String(format: "  resident memory idle, 1 Pipeline: %.1f MiB", idle))
            print(String(format: "  resident memory settled, 1,000 Pipelines: %.1f MiB (peak %.1f MiB; %.0f s to settle) → %.1f× the 1-Pipeline figure",
                         loaded, peak, settled, loaded / idle))
            await vertexServer.stop()
            await cloudBuildServer.stop()
        }
    }

    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }
}

/// When the fakes received requests.
final class RequestTimes: Sendable {
    private let times = Mutex<[Date]>([])

    func note() { times.withLock { $0.append(Date()) } }

    /// The first request at or after `instant`, waiting up to `seconds` for one.
    func first(after instant: Date, within seconds: Double) async -> Date? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let found = times.withLock({ $0.first { $0 >= instant } }) { return found }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return nil
    }
}

/// `steward serve` in a repository of generated Pipelines sharing one image.
final class Service: @unchecked Sendable {
    let directory: String
    let binary: String
    let environment: [String: String]
    var process: Process?
    var port = 0

    init(binary: String, pipelines: Int, environment: [String: String]) throws {
        self.binary = binary
        self.environment = environment
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("steward-serve-bench-\(getpid())-\(pipelines)").path
        try? FileManager.default.removeItem(atPath: directory)
        try GeneratedPipelines.write(to: directory, pipelines: pipelines, bucket: "bench-staging")
        try Data(ServeBench.secret.utf8).write(to: URL(fileURLWithPath: directory + "/.secret"))
    }

    func start() async throws {
        let log = directory + "/.serve.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--interval", "1h", "--poll-interval", "200ms",
                             "--webhook-secret-file", ".secret", "--concurrency", "16"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        self.process = process
        for _ in 0..<600 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1) {
                self.port = port
                return
            }
            guard process.isRunning else { throw BenchError("steward serve exited: \(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("steward serve did not start")
    }

    /// Waits until every Pipeline is Ready (its run succeeded).
    func settle(pipelines: Int, timeout: Double = 120) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let status = try await statusJSON()
            let resources = status["resources"] as? [[String: Any]] ?? []
            let ready = resources.filter {
                ($0["resource"] as? String)?.hasPrefix("Pipeline/") == true
                    && ($0["condition"] as? [String: Any])?["type"] as? String == "Ready"
            }.count
            if ready == pipelines { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw BenchError("the Pipelines were not all Ready within \(Int(timeout)) s")
    }

    func waitForReconcile(of commit: String) async throws {
        for _ in 0..<2000 {
            let last = (try await statusJSON())["lastReconcile"] as? [String: Any]
            if last?["revision"] as? String == commit, last?["finishedAt"] is String { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw BenchError("no reconcile of \(commit)")
    }

    func commitChange(_ round: Int) throws -> String {
        try "round \(round)\n".write(toFile: directory + "/NOTES.txt", atomically: true, encoding: .utf8)
        return try sh("git add NOTES.txt && git -c user.name=b -c user.email=b@b commit -qm 'round \(round)' && git rev-parse HEAD")
    }

    func push(_ commit: String) async throws {
        let body = Array(#"{"ref":"refs/heads/main","after":"\#(commit)","deleted":false,"repository":{"full_name":"example/bench","clone_url":"https://github.com/example/bench.git"}}"#.utf8)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/github")
        request.method = .POST
        request.headers.add(name: "X-GitHub-Event", value: "push")
        request.headers.add(name: "X-GitHub-Delivery", value: UUID().uuidString)
        request.headers.add(name: "X-Hub-Signature-256", value: WebhookSignature.sign(body: body, secret: Array(ServeBench.secret.utf8)))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        guard response.status.code == 202 else { throw BenchError("delivery answered \(response.status)") }
    }

    func get(_ path: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"),
                                                           timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 64 * 1024 * 1024))
    }

    func statusJSON() async throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(try await get("/api/v1/status").utf8)) as? [String: Any] ?? [:]
    }

    /// VmRSS of the service after `settleSeconds` without triggers.
    func residentMegabytes(settleSeconds: Double) async throws -> Double {
        try await Task.sleep(for: .milliseconds(Int(settleSeconds * 1000)))
        return procStatus("VmRSS")
    }

    /// VmHWM: the most resident memory the service had.
    func peakMegabytes() -> Double { procStatus("VmHWM") }

    private func procStatus(_ field: String) -> Double {
        guard let pid = process?.processIdentifier,
              let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kilobytes / 1024
    }

    func stop() async throws {
        guard let process else { return }
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    func sh(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("'\(command)' failed") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
