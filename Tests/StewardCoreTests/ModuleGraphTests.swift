import Foundation
import Testing

/// The module graph of DESIGN §6, kept true: adapters → runtime → core. Every target's `import` lines and its
/// dependencies in `Package.swift` are checked against one table, the only statement of the allowed graph.
@Suite("The module graph")
struct ModuleGraphTests {
    /// What each target may use (Steward's own modules and third-party products alike). The system modules in
    /// `everywhere` are allowed in every target.
    static let allowed: [String: Set<String>] = [
        "StewardCore": ["Crypto"],
        "StewardArchive": ["CZlib"],
        // The runtime knows ports only: never the decoder, an HTTP client, GitHub, a store or a provider.
        "StewardRuntime": ["StewardCore", "StewardArchive", "Logging", "Metrics"],
        "StewardManifests": ["StewardCore", "StewardRuntime", "Yams", "CYaml"],
        "StewardGit": ["CLibGit2", "StewardCore", "StewardRuntime", "Logging"],
        "StewardStore": ["StewardCore", "StewardRuntime", "GRDB"],
        "StewardLocal": ["StewardCore", "StewardRuntime", "Logging"],
        "StewardHTTP": ["StewardRuntime", "AsyncHTTPClient", "NIOCore", "NIOHTTP1", "Logging", "Metrics"],
        "StewardGoogleCloud": ["StewardCore", "StewardRuntime", "StewardHTTP", "StewardArchive", "Crypto", "_CryptoExtras",
                               "Logging"],
        "StewardGitHub": ["StewardCore", "StewardRuntime", "StewardHTTP", "Logging"],
        // The server verifies webhooks itself and renders the status page; it knows no provider or store.
        "StewardServer": ["StewardCore", "StewardRuntime", "Crypto", "Hummingbird", "HTTPTypes", "NIOCore",
                          "ServiceLifecycle", "Metrics", "Prometheus", "Logging"],
    ]

    static let everywhere: Set<String> = ["Foundation", "Dispatch", "Glibc", "Darwin", "Synchronization"]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The modules a target's sources import.
    static func imports(of target: String) throws -> Set<String> {
        let folder = root.appendingPathComponent("Sources/\(target)")
        guard let files = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var modules: Set<String> = []
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                      words[..<index].allSatisfy({ $0.hasPrefix("@") || $0 == "public" || $0 == "internal" })
                else { continue }
                modules.insert(String(words[index + 1].split(separator: ".").first ?? ""))
            }
        }
        return modules
    }

    /// The names in a target's `dependencies: [...]` in `Package.swift`: target names and product names.
    static func declaredDependencies(of target: String) throws -> Set<String> {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        guard let start = manifest.range(of: "name: \"\(target)\"") else { throw GraphError("no target \(target)") }
        let rest = manifest[start.upperBound...]
        guard let open = rest.range(of: "dependencies: [") else { return [] }
        // The list ends at the bracket that closes it.
        var depth = 1
        var end = open.upperBound
        while depth > 0, end < rest.endIndex {
            if rest[end] == "[" { depth += 1 }
            if rest[end] == "]" { depth -= 1 }
            end = rest.index(after: end)
        }
        let list = String(rest[open.upperBound..<end])
        var names: Set<String> = []
        for line in list.components(separatedBy: ",") {
            let quoted = line.components(separatedBy: "\"")
            guard quoted.count >= 2 else { continue }
            // `.product(name: "X", package: "y")` names X; a plain `"X"` names a target.
            names.insert(quoted[1])
        }
        return names.subtracting(packageNames)
    }

    /// Package names (`package: "…"`), which are not arrows of the graph.
    static let packageNames: Set<String> = ["swift-crypto", "swift-log", "swift-metrics", "GRDB.swift", "async-http-client",
                                            "hummingbird", "swift-service-lifecycle", "swift-prometheus",
                                            "swift-argument-parser"]

    struct GraphError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test("every import of every library target is an arrow the table allows", arguments: allowed.keys.sorted())
    func importsFollowTheGraph(target: String) throws {
        let used = try Self.imports(of: target).subtracting(Self.everywhere)
        let forbidden = used.subtracting(Self.allowed[target] ?? [])
        #expect(forbidden.isEmpty, "\(target) imports \(forbidden.sorted()), which DESIGN §6 does not allow")
        #expect(!used.isEmpty || target == "StewardCore" || target == "StewardArchive", "no imports read for \(target)")
    }

    @Test("every dependency declared in Package.swift is an arrow the table allows", arguments: allowed.keys.sorted())
    func packageFollowsTheGraph(target: String) throws {
        let declared = try Self.declaredDependencies(of: target)
        let forbidden = declared.subtracting(Self.allowed[target] ?? [])
        #expect(forbidden.isEmpty, "Package.swift gives \(target) \(forbidden.sorted()), which DESIGN §6 does not allow")
    }

    @Test("the runtime renders nothing for people: no HTML under Sources/StewardRuntime")
    func noRendererInTheRuntime() throws {
        let folder = Self.root.appendingPathComponent("Sources/StewardRuntime")
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        #expect(files.contains { $0.hasSuffix(".swift") })
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("<html") && !text.contains("<!DOCTYPE"), "\(file) renders HTML")
        }
    }
}
