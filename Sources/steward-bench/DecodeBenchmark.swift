import Foundation
import StewardCore
import StewardGit
import StewardManifests

/// Reads and decodes 10,000 manifests from one commit, beside `git cat-file --batch` of the same blobs
/// (the raw read floor) and a Python peer (the blobs through git, PyYAML's C loader).
enum DecodeBenchmark {
    static let count = 10_000

    static func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("steward-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory + "/manifests", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for i in 0..<count {
            let text = """
            apiVersion: steward.dev/v1alpha1
            kind: Pipeline
            metadata:
              name: pipeline-\(i)
              labels: {team: vision, shard: "\(i % 16)"}
            spec:
              template: pipelines/p\(i % 10)/pipeline.json
              root: gs://bench-roots/pipelines/p\(i)
              image:
                name: gcr.io/bench/p\(i)
                context: pipelines/p\(i % 10)
              modules:
                source: pipelines/p\(i % 10)/models
                destination: gs://bench-modules/p\(i)
              parameters:
                input-config: '{"splits": [{"name": "train", "pattern": "span-1/train/*"}]}'
                output-config: "{}"
                epochs: \(i % 7 + 1)
              retries: 2
              concurrencyPolicy: Queue

            """
            try text.write(toFile: "\(directory)/manifests/p\(i).yaml", atomically: false, encoding: .utf8)
        }
        try shell("git init -q . && git add -A && git -c user.name=b -c user.email=b@b commit -qm bench", in: directory)

        // Steward: one tree walk through libgit2, then the decoder.
        var stewardBest = Double.infinity
        var resources = 0
        for _ in 0..<3 {
            let (decoded, seconds) = try await measureAsync { () async throws -> DecodeResult in
                let repository = try GitRepository.open(at: directory)
                let commit = try await repository.resolve("HEAD")
                let files = try await repository.readFiles(under: "manifests", at: commit)
                return ManifestDecoder().decode(files.map { ManifestFile(path: $0.path, bytes: $0.bytes) })
            }
            guard decoded.diagnostics.isEmpty else {
                print("decode benchmark: unexpected diagnostics: \(decoded.diagnostics.prefix(3))")
                return
            }
            resources = decoded.manifests.resources.count
            stewardBest = min(stewardBest, seconds)
        }

        // The floor: git cat-file --batch of the same blobs.
        let floorScript = "git ls-tree -r --object-only HEAD manifests | git cat-file --batch > /dev/null"
        var floorBest = Double.infinity
        for _ in 0..<3 { floorBest = min(floorBest, try measure { try shell(floorScript, in: directory) }.1) }

        // The Python peer: the same blobs through git, yaml.load_all with the C loader.
        let python = ProcessInfo.processInfo.environment["STEWARD_TEST_PYTHON"] ?? "python3"
        let peer = """
        import subprocess, time, yaml
        t = time.perf_counter()
        ids = subprocess.run(["git", "ls-tree", "-r", "--object-only", "HEAD", "manifests"], capture_output=True, check=True).stdout
        out = subprocess.run(["git", "cat-file", "--batch"], input=ids, capture_output=True, check=True).stdout
        pos, docs = 0, 0
        while pos < len(out):
            nl = out.index(b"\\n", pos)
            size = int(out[pos:nl].split()[2])
            blob = out[nl + 1:nl + 1 + size]
            pos = nl + 1 + size + 1
            for doc in yaml.load_all(blob, Loader=yaml.CSafeLoader):
                docs += 1
        print(f"{time.perf_counter() - t:.6f} {docs}")
        """
        try peer.write(toFile: directory + "/peer.py", atomically: false, encoding: .utf8)
        var peerBest = Double.infinity
        var peerDocs = 0
        for _ in 0..<3 {
            let output = try shell("\(python) peer.py", in: directory).split(separator: " ")
            peerBest = min(peerBest, Double(output[0]) ?? .infinity)
            peerDocs = Int(output[1].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }

        print("decode: \(count) manifests from one commit (best of 3)")
        print("  steward (libgit2 read + decode + validate): \(format(stewardBest))  [\(resources) resources]")
        print("  floor (git cat-file --batch):               \(format(floorBest))  steward/floor = \(String(format: "%.2f", stewardBest / floorBest))")
        print("  python peer (git + PyYAML CSafeLoader):     \(format(peerBest))  [\(peerDocs) documents]  steward/peer = \(String(format: "%.2f", stewardBest / peerBest))")
    }
}
