// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "steward",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "steward", targets: ["steward"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Pure: resource model, keys, planner, plan, spans, evaluation math.
        .target(
            name: "StewardCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // YAML → resources + diagnostics.
        .target(
            name: "StewardManifests",
            dependencies: ["StewardCore", "StewardRuntime", "Yams"]
        ),
        // libgit2 from Debian's libgit2-dev.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(
            name: "StewardGit",
            dependencies: ["CLibGit2", "StewardCore", "StewardRuntime", .product(name: "Logging", package: "swift-log")]
        ),
        // Ports, the reconcile engine (observer, applier, backoff), status report.
        .target(
            name: "StewardRuntime",
            dependencies: ["StewardCore", "StewardArchive", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "StewardStore",
            dependencies: ["StewardRuntime", "StewardCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "StewardLocal",
            dependencies: ["StewardRuntime", "StewardCore", .product(name: "Logging", package: "swift-log")]
        ),
        // zlib from Debian's zlib1g-dev, for .tar.gz build sources and release assets.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // tar and gzip of folders.
        .target(name: "StewardArchive", dependencies: ["CZlib"]),
        // HTTP for cloud APIs: transport, retries, error mapping, redaction.
        .target(
            name: "StewardHTTP",
            dependencies: [
                "StewardRuntime",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Cloud Storage, Vertex AI, Cloud Build clients, auth, and the gcp adapters of the ports.
        .target(
            name: "StewardGoogleCloud",
            dependencies: [
                "StewardCore", "StewardRuntime", "StewardHTTP", "StewardArchive",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // GitHub releases.
        .target(
            name: "StewardGitHub",
            dependencies: [
                "StewardCore", "StewardRuntime", "StewardHTTP",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `steward serve`: the reconcile loop as a service, GitHub webhooks, health, metrics, status page.
        .target(
            name: "StewardServer",
            dependencies: [
                "StewardCore", "StewardRuntime",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Composition root and command line.
        .executableTarget(
            name: "steward",
            dependencies: [
                "StewardCore", "StewardManifests", "StewardGit", "StewardRuntime",
                "StewardStore", "StewardLocal", "StewardGoogleCloud", "StewardGitHub", "StewardServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Contract-exact fakes of Vertex AI, Cloud Build and GitHub, a launcher of the real fake-gcs-server and a
        // headless Chromium driver, for the tests and benchmarks only: no product depends on them.
        .target(
            name: "StewardFakes",
            dependencies: [
                "StewardCore", "StewardRuntime", "StewardHTTP", "StewardGoogleCloud",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            exclude: ["Fixtures"]
        ),
        // Benchmarks: `make bench`, never part of `make test`.
        .executableTarget(
            name: "steward-bench",
            dependencies: ["StewardCore", "StewardManifests", "StewardGit", "StewardRuntime"]
        ),

        // Counts the HTTP requests of a no-op reconcile against the fakes (`make bench`; counts, not time).
        .executableTarget(
            name: "steward-request-count",
            dependencies: ["StewardCore", "StewardRuntime", "StewardManifests", "StewardGit", "StewardGoogleCloud", "StewardHTTP", "StewardFakes",
                           .product(name: "Logging", package: "swift-log")]
        ),

        // Measures `steward serve`: webhook → first cloud request, resident memory (`make bench`).
        .executableTarget(
            name: "steward-serve-bench",
            dependencies: ["StewardFakes", "StewardServer", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),

        .testTarget(name: "StewardCoreTests", dependencies: ["StewardCore"], exclude: ["Golden"]),
        .testTarget(name: "StewardManifestsTests", dependencies: ["StewardManifests", "StewardCore", "StewardGit"]),
        .testTarget(name: "StewardGitTests", dependencies: ["StewardGit", "StewardRuntime", "StewardCore", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "StewardRuntimeTests", dependencies: ["StewardRuntime", "StewardCore", "StewardFakes"]),
        .testTarget(name: "StewardStoreTests", dependencies: ["StewardStore", "StewardRuntime", "StewardCore"]),
        .testTarget(name: "StewardLocalTests", dependencies: ["StewardLocal", "StewardRuntime", "StewardCore", "StewardStore", "StewardGit", "StewardManifests"]),
        .testTarget(name: "StewardArchiveTests", dependencies: ["StewardArchive"]),
        .testTarget(name: "StewardHTTPTests", dependencies: [
            "StewardHTTP", "StewardFakes", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "MetricsTestKit", package: "swift-metrics"),
        ]),
        .testTarget(name: "StewardGoogleCloudTests", dependencies: [
            "StewardGoogleCloud", "StewardHTTP", "StewardRuntime", "StewardCore", "StewardFakes",
            .product(name: "Hummingbird", package: "hummingbird"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "StewardGitHubTests", dependencies: [
            "StewardGitHub", "StewardHTTP", "StewardRuntime", "StewardCore", "StewardFakes",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "StewardCLITests", dependencies: ["steward", "StewardStore", "StewardRuntime", "StewardCore"]),
        // The service in process, and `steward serve` through the built binary.
        .testTarget(name: "StewardServerTests", dependencies: [
            "steward", "StewardServer", "StewardRuntime", "StewardCore", "StewardStore", "StewardFakes",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], exclude: ["Fixtures"]),
        // `plan` and `apply` of manifests/ through the built `steward`, and the quickstart's data loop on the gcp
        // adapters in process, against the fakes and fake-gcs-server.
        .testTarget(name: "StewardEndToEndTests", dependencies: [
            "steward", "StewardFakes", "StewardGoogleCloud", "StewardHTTP", "StewardCore", "StewardRuntime",
            "StewardGit", "StewardStore", "StewardGitHub", "StewardManifests", .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
