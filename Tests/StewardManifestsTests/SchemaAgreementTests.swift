import Foundation
import StewardCore
import StewardManifests
import Testing

/// The JSON Schemas in `schemas/` and the Swift decoder judge manifests alike: what one accepts
/// the other accepts, what one rejects the other rejects, where both can judge.
@Suite("JSON Schema and decoder agree")
struct SchemaAgreementTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A bad manifest both must reject, and the words the decoder's error must hold.
    struct Case: Sendable, CustomTestStringConvertible {
        var behaviour: String
        var yaml: String
        var expectedMessage: String
        var testDescription: String { behaviour }
        init(_ behaviour: String, _ yaml: String, _ expectedMessage: String) {
            self.behaviour = behaviour
            self.yaml = yaml
            self.expectedMessage = expectedMessage
        }
    }

    static let head = "template: pipeline.json\nroot: gs://steward-pipelines/root\n"
    static let invalid: [Case] = [
        Case("unknown field", doc("Pipeline", "case", head + "imgae: {name: x}\n"), "unknown field 'imgae'"),
        Case("unknown top-level field", doc("Dataset", "case", "root: gs://steward-data/d\n") + "status: {}\n", "unknown field 'status'"),
        Case("wrong type", doc("Pipeline", "case", head + "retries: abc\n"), "expected an integer"),
        Case("string where a mapping belongs", doc("Pipeline", "case", head + "image: gcr.io/p/t\n"), "expected a mapping"),
        Case("number where a string belongs", doc("Pipeline", "case", head + "displayName: 42\n"), "expected a string"),
        Case("bad name", doc("Dataset", "Case_1", "root: gs://steward-data/d\n"), "invalid name"),
        Case("bad reference name", doc("Pipeline", "case", head + "dataset: Cifar10\nspans: 1\n"), "invalid name"),
        Case("bad enum", doc("Pipeline", "case", head + "concurrencyPolicy: Sometimes\n"), "invalid concurrencyPolicy"),
        Case("bad provider", doc("Project", "case", "provider: aws\n"), "invalid provider"),
        Case("threshold out of range", doc("Evaluation", "case", "pipeline: cifar10-training\ndataset: cifar10\nthreshold: 1.5\n"), "outside [0, 1]"),
        Case("negative threshold", doc("Evaluation", "case", "pipeline: cifar10-training\ndataset: cifar10\nthreshold: -0.1\n"), "outside [0, 1]"),
        Case("bad gs:// bucket", doc("Dataset", "case", "root: gs://Bad_Bucket/x\n"), "invalid bucket name"),
        Case("not a gs:// URI", doc("Dataset", "case", "root: s3://bucket/x\n"), "expected a Cloud Storage URI"),
        Case("dot-dot in a gs:// path", doc("Dataset", "case", "root: gs://steward-data/a/../b\n"), "invalid object path"),
        Case("bucket with a path in the Project",
             doc("Project", "case", "provider: gcp\ngcp: {project: p, region: r, bucket: gs://steward-data/x}\n"), "without a path"),
        Case("absolute path", doc("Pipeline", "case", "template: /etc/p.json\nroot: gs://steward-pipelines/r\n"), "absolute path"),
        Case("path leaving the repository", doc("Dataset", "case", "root: gs://steward-data/d\ninitialSpan: ../span-1\n"), "leaves the repository"),
        Case("missing required field", doc("Pipeline", "case", "template: pipeline.json\n"), "missing required field 'root'"),
        Case("missing metadata name", "apiVersion: steward.dev/v1alpha1\nkind: Dataset\nmetadata: {}\nspec: {root: gs://steward-data/d}\n",
             "missing required field 'name'"),
        Case("missing spec", "apiVersion: steward.dev/v1alpha1\nkind: Dataset\nmetadata: {name: case}\n", "missing required field 'spec'"),
        Case("unknown apiVersion", doc("Dataset", "case", "root: gs://steward-data/d\n").replacingOccurrences(of: "v1alpha1", with: "v2"), "unknown apiVersion"),
        Case("unknown kind", doc("Datset", "case", "root: gs://steward-data/d\n"), "unknown kind"),
        Case("negative retries", doc("Pipeline", "case", head + "retries: -1\n"), "retries must be 0 or more"),
        Case("spans below 1", doc("Pipeline", "case", head + "dataset: cifar10\nspans: 0\n"), "spans must be at least 1"),
        Case("spans without dataset", doc("Pipeline", "case", head + "spans: 2\n"), "'spans' needs 'dataset'"),
        Case("canaryPercent above 100", doc("Endpoint", "case", "model: {pipeline: cifar10-training}\nrollout: {canaryPercent: 101}\n"), "outside [0, 100]"),
        Case("split above 100", doc("Dataset", "case", "root: gs://steward-data/d\nsplits: {train: 120, test: -20}\n"), "between 0 and 100"),
        Case("minSamples below 1", doc("Dataset", "case", "root: gs://steward-data/d\nformat: copy\ncollection: {prefix: gs://steward-data/c, minSamples: 0}\n"),
             "minSamples must be at least 1"),
        Case("tfrecord collection without classes", doc("Dataset", "case", "root: gs://steward-data/d\ncollection: {prefix: gs://steward-data/c}\n"),
             "needs 'classes'"),
        Case("bad labels source", doc("Dataset", "case", "root: gs://steward-data/d\nformat: copy\ncollection: {prefix: gs://steward-data/c, labels: folder}\n"),
             "invalid labels"),
        Case("both endpoint and pipeline", doc("Evaluation", "case", "endpoint: serving\npipeline: cifar10-training\ndataset: cifar10\nthreshold: 0.5\n"),
             "not both"),
        Case("neither endpoint nor pipeline", doc("Evaluation", "case", "dataset: cifar10\nthreshold: 0.5\n"), "missing 'endpoint' or 'pipeline'"),
        Case("provider gcp without gcp", doc("Project", "case", "provider: gcp\n"), "needs 'gcp'"),
        Case("unknown placeholder in a parameter", doc("Pipeline", "case", head + "parameters: {x: '${spans.globe}'}\n"), "unknown placeholder"),
        Case("unknown placeholder in a tag", doc("Release", "case", "model: {pipeline: cifar10-training}\ntag: v-${run.sha}\n"), "unknown placeholder"),
        Case("image name with a tag", doc("Pipeline", "case", head + "image: {name: 'gcr.io/p/t:latest', context: trainer}\n"), "has a tag"),
        Case("parameter that is a list", doc("Pipeline", "case", head + "parameters: {x: [1, 2]}\n"), "expected a string, number or boolean"),
        Case("label value that is a number", "apiVersion: steward.dev/v1alpha1\nkind: Dataset\nmetadata: {name: case, labels: {tier: 1}}\nspec: {root: gs://steward-data/d}\n",
             "expected a string"),
        Case("malformed GitHub repository", doc("Release", "case", "model: {pipeline: cifar10-training}\nrepository: just-a-name\n"), "invalid GitHub repository"),
        Case("duplicate class", doc("Dataset", "case", "root: gs://steward-data/d\nclasses: [cat, cat]\n"), "duplicate class"),
        Case("asset name with a slash", doc("Release", "case", "model: {pipeline: cifar10-training}\nassets: [{name: a/b.tar.gz}]\n"), "invalid asset name"),
        Case("document that is not a mapping", "- apiVersion\n- kind\n", "expected a manifest mapping"),
    ]

    /// Every Steward manifest under `manifests/` and `examples/` of the repository, grouped into
    /// the folders that are decoded together (the nearest folder named `manifests`, else the file's folder).
    static func repositoryManifestSets() throws -> [(name: String, files: [ManifestFile])] {
        var groups: [String: [ManifestFile]] = [:]
        let fm = FileManager.default
        for top in ["manifests", "examples"] {
            let base = repositoryRoot.appendingPathComponent(top)
            guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker {
                let relative = String(url.standardizedFileURL.path.dropFirst(repositoryRoot.standardizedFileURL.path.count + 1))
                let file = ManifestFile(path: relative, bytes: Array((try? Data(contentsOf: url)) ?? Data()))
                guard file.isManifest, let text = String(validating: file.bytes, as: UTF8.self),
                      text.range(of: #"(?m)^apiVersion:\s*["']?steward\.dev/"#, options: .regularExpression) != nil else { continue }
                var folders = relative.split(separator: "/").dropLast().map(String.init)
                if let index = folders.lastIndex(of: "manifests") { folders = Array(folders[...index]) }
                groups[folders.joined(separator: "/"), default: []].append(file)
            }
        }
        return groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The complete examples of `docs/manifests.md` (its YAML blocks that hold a whole manifest), as one file.
    static func documentationExamples() throws -> [ManifestFile] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/manifests.md"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst()
            .map { $0.components(separatedBy: "```").first ?? "" }
            .filter { $0.hasPrefix("apiVersion:") && !$0.contains("{...}") }
        #expect(blocks.count == 6, "one full example per kind")
        return [ManifestFile(path: "docs/manifests.yaml", text: blocks.joined(separator: "---\n"))]
    }

    @Test("every fixture and repository manifest validates against the schema and decodes without diagnostics")
    func validManifests() throws {
        let sets = Fixtures.sets + [("docs/manifests.md", try Self.documentationExamples())] + (try Self.repositoryManifestSets())
        var documents: [(id: String, yaml: String)] = []
        for set in sets {
            let result = ManifestDecoder().decode(set.files)
            #expect(result.diagnostics.map(\.description) == [], "decoding \(set.name)")
            for file in set.files where file.isManifest {
                documents.append(("\(set.name): \(file.path)", String(decoding: file.bytes, as: UTF8.self)))
            }
        }
        let verdicts = try SchemaValidator.validate(documents)
        for (id, errors) in verdicts {
            #expect(errors == [], "schema rejects \(id)")
        }
        #expect(verdicts.count == documents.count)
    }

    @Test("the table of invalid manifests is rejected by both")
    func invalidManifests() throws {
        let verdicts = try SchemaValidator.validate(Self.invalid.map { ($0.behaviour, $0.yaml) })
        for c in Self.invalid {
            // Decoded beside valid resources the cases refer to, so only the case itself is at fault.
            let files = [ManifestFile(path: "manifests/case.yaml", text: c.yaml), BadManifestCase.base]
            let errors = ManifestDecoder().decode(files).diagnostics.filter { $0.severity == .error }
            #expect(errors.contains { $0.location.path == "manifests/case.yaml" && $0.message.contains(c.expectedMessage) },
                    "decoder on '\(c.behaviour)': \(errors.map(\.description))")
            #expect(verdicts[c.behaviour]?.isEmpty == false, "schema accepts '\(c.behaviour)'")
        }
    }
}

/// Validates YAML documents against `schemas/manifest.json` with Python's `jsonschema`, in one
/// process for all of them.
enum SchemaValidator {
    static let script = #"""
        import json, os, sys
        import yaml, jsonschema
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
        request = json.load(sys.stdin)
        folder = request["schemas"]
        resources = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                with open(os.path.join(folder, name)) as f:
                    resources.append((name, Resource.from_contents(json.load(f), default_specification=DRAFT202012)))
        registry = Registry().with_resources(resources)
        root = registry.contents("manifest.json")
        jsonschema.Draft202012Validator.check_schema(root)
        validator = jsonschema.Draft202012Validator(root, registry=registry)
        verdicts = {}
        for item in request["documents"]:
            errors = []
            try:
                documents = [d for d in yaml.safe_load_all(item["yaml"]) if d is not None]
                if not documents:
                    errors.append("no document")
                for document in documents:
                    for error in validator.iter_errors(document):
                        errors.append("/".join(str(p) for p in error.absolute_path) + ": " + error.message)
            except yaml.YAMLError as error:
                errors.append("yaml: " + str(error))
            verdicts[item["id"]] = errors
        json.dump(verdicts, sys.stdout)
        """#

    /// The schema errors of each document, by id; an empty list means valid.
    static func validate(_ documents: [(id: String, yaml: String)]) throws -> [String: [String]] {
        let python = ProcessInfo.processInfo.environment["STEWARD_TEST_PYTHON"] ?? "python3"
        let request: [String: Any] = [
            "schemas": SchemaAgreementTests.repositoryRoot.appendingPathComponent("schemas").path,
            "documents": documents.map { ["id": $0.id, "yaml": $0.yaml] },
        ]
        let input = try JSONSerialization.data(withJSONObject: request)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // The script reads all of its input before it writes, so writing first cannot deadlock.
        try stdin.fileHandleForWriting.write(contentsOf: input)
        try stdin.fileHandleForWriting.close()
        let output = try stdout.fileHandleForReading.readToEnd() ?? Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidatorFailure(message: "\(python) exited with \(process.terminationStatus); it needs PyYAML and jsonschema")
        }
        return try JSONDecoder().decode([String: [String]].self, from: output)
    }

    struct ValidatorFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
