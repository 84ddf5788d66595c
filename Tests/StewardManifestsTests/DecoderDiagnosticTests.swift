import StewardCore
import StewardManifests
import Testing

/// A bad manifest and exactly what the decoder must say about it, worked out from the input:
/// spec lines written with `doc` start on line 6 at column 3.
struct BadManifestCase: Sendable, CustomTestStringConvertible {
    var behaviour: String
    var files: [ManifestFile]
    var expected: [String]
    var decoder = ManifestDecoder()

    var testDescription: String { behaviour }

    init(_ behaviour: String, _ text: String, withBase: Bool = false, _ expected: [String]) {
        self.behaviour = behaviour
        self.files = [ManifestFile(path: "manifests/case.yaml", text: text)] + (withBase ? [Self.base] : [])
        self.expected = expected
    }

    init(_ behaviour: String, bytes: [UInt8], _ expected: [String]) {
        self.behaviour = behaviour
        self.files = [ManifestFile(path: "manifests/case.yaml", bytes: bytes)]
        self.expected = expected
    }

    /// Resources the cases refer to.
    static let base = ManifestFile(path: "manifests/base.yaml", text: """
        apiVersion: steward.dev/v1alpha1
        kind: Dataset
        metadata: {name: cifar10}
        spec:
          root: gs://steward-data/cifar10
          classes: [cat, dog]
          collection: {prefix: gs://steward-data/collection}
        ---
        apiVersion: steward.dev/v1alpha1
        kind: Pipeline
        metadata: {name: cifar10-training}
        spec:
          template: pipeline.json
          root: gs://steward-pipelines/root
          dataset: cifar10
          spans: 2

        """)
}

/// A manifest document: envelope on lines 1-5 (the name's value at 4:9), spec from line 6,
/// each spec line indented by two spaces.
func doc(_ kind: String, _ name: String, _ spec: String) -> String {
    let body = spec.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }
    return """
        apiVersion: steward.dev/v1alpha1
        kind: \(kind)
        metadata:
          name: \(name)
        spec:
        \(body.joined(separator: "\n"))
        """
}

private let m = "manifests/case.yaml"
private let pipelineHead = "template: pipeline.json\nroot: gs://steward-pipelines/root\n"

@Suite("bad manifests are reported at the exact position")
struct DecoderDiagnosticTests {
    static let cases: [BadManifestCase] = [
        .init("unknown field gets a did-you-mean hint",
              doc("Pipeline", "train", pipelineHead + "imgae: {name: x}\n"),
              ["\(m):8:3: error: unknown field 'imgae' in Pipeline spec; did you mean 'image'?"]),
        .init("wrong type is reported at the value",
              doc("Pipeline", "train", pipelineHead + "retries: abc\n"),
              ["\(m):8:12: error: expected an integer, got 'abc'"]),
        .init("wrong boolean says what to write",
              doc("Pipeline", "train", pipelineHead + "suspend: yes please\n"),
              ["\(m):8:12: error: expected a boolean, got 'yes please'; write true or false"]),
        .init("missing required field points at the mapping that lacks it",
              doc("Pipeline", "train", "template: pipeline.json\n"),
              ["\(m):6:3: error: missing required field 'root' in Pipeline spec"]),
        .init("nested mapping: unknown and missing fields inside image",
              doc("Pipeline", "train", pipelineHead + "image:\n  name: gcr.io/p/train\n  contxt: src\n"),
              ["\(m):9:5: error: missing required field 'context' in Pipeline spec.image",
               "\(m):10:5: error: unknown field 'contxt' in Pipeline spec.image; did you mean 'context'?"]),
        .init("flow mapping: a path leaving the repository inside image",
              doc("Pipeline", "train", pipelineHead + "image: {name: gcr.io/p/t, context: ../outside}\n"),
              ["\(m):8:38: error: path '../outside' leaves the repository; write paths relative to the repository root, without climbing above it"]),
        .init("absolute template path",
              doc("Pipeline", "train", "template: /etc/pipeline.json\nroot: gs://steward-pipelines/root\n"),
              ["\(m):6:13: error: absolute path '/etc/pipeline.json'; write paths relative to the repository root"]),
        .init("absolute initialSpan",
              doc("Dataset", "photos", "root: gs://steward-data/d\ninitialSpan: /data/span-1\n"),
              ["\(m):7:16: error: absolute path '/data/span-1'; write paths relative to the repository root"]),
        .init("malformed gs:// bucket",
              doc("Dataset", "photos", "root: gs://Steward_Data/x\n"),
              ["\(m):6:9: error: invalid Cloud Storage URI 'gs://Steward_Data/x': invalid bucket name 'Steward_Data'"]),
        .init("a URI that is not gs://",
              doc("Dataset", "photos", "root: s3://bucket/x\n"),
              ["\(m):6:9: error: expected a Cloud Storage URI 'gs://BUCKET/PATH', got 's3://bucket/x'"]),
        .init("sequence item of the wrong type",
              doc("Dataset", "photos", "root: gs://steward-data/d\nclasses: [cat, 7]\n"),
              ["\(m):7:18: error: expected a string, got '7'; quote it to make it a string"]),
        .init("block sequence item inside a Release's assets",
              doc("Release", "publish", "model: {pipeline: cifar10-training}\nassets:\n  - name: a.tar.gz\n  - name: b/c.tar.gz\n"),
              withBase: true,
              ["\(m):9:13: error: invalid asset name 'b/c.tar.gz'; a file name without '/'"]),
        .init("error in a later document of a multi-document file",
              doc("Dataset", "first", "root: gs://steward-data/a\n") + "---\n" + doc("Dataset", "second", "root: s3://bucket/x\n"),
              ["\(m):13:9: error: expected a Cloud Storage URI 'gs://BUCKET/PATH', got 's3://bucket/x'"]),
        .init("bad name is not a DNS-1123 label",
              doc("Dataset", "Cifar_10", "root: gs://steward-data/d\n"),
              ["\(m):4:9: error: invalid name 'Cifar_10'; a name is a DNS-1123 label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit"]),
        .init("unknown kind gets a did-you-mean hint",
              doc("Pipline", "train", pipelineHead),
              ["\(m):2:7: error: unknown kind 'Pipline'; did you mean 'Pipeline'?"]),
        .init("unknown apiVersion",
              doc("Dataset", "photos", "root: gs://steward-data/d\n").replacingOccurrences(of: "v1alpha1", with: "v1"),
              ["\(m):1:13: error: unknown apiVersion 'steward.dev/v1'; use 'steward.dev/v1alpha1'"]),
        .init("unresolved retrain gets a did-you-mean hint",
              doc("Evaluation", "drift", "pipeline: cifar10-training\ndataset: cifar10\nthreshold: 0.8\nonFailure:\n  retrain: cifar10-train\n"),
              withBase: true,
              ["\(m):10:14: error: Evaluation 'drift' retrains 'cifar10-train', but no Pipeline has that name; did you mean 'cifar10-training'?"]),
        .init("retrain Pipeline must consume the Evaluation's dataset",
              doc("Pipeline", "plain", pipelineHead) + "---\n"
                  + doc("Evaluation", "drift", "pipeline: cifar10-training\ndataset: cifar10\nthreshold: 0.8\nonFailure: {newSpan: true, retrain: plain}\n"),
              withBase: true,
              ["\(m):17:39: error: Evaluation 'drift' retrains 'plain', but Pipeline 'plain' does not train on Dataset 'cifar10'; set the Pipeline's 'dataset' to 'cifar10' so that a new span retrains it"]),
        .init("Endpoint model.pipeline must resolve",
              doc("Endpoint", "serving", "model: {pipeline: cifar10-trainer}\n"),
              withBase: true,
              ["\(m):6:21: error: Endpoint 'serving' serves the model of 'cifar10-trainer', but no Pipeline has that name; did you mean 'cifar10-training'?"]),
        .init("Release model.pipeline must resolve",
              doc("Release", "publish", "model: {pipeline: mnist}\n"),
              withBase: true,
              ["\(m):6:21: error: Release 'publish' releases the model of 'mnist', but no Pipeline has that name"]),
        .init("Evaluation endpoint must resolve",
              doc("Evaluation", "drift", "endpoint: serving\ndataset: cifar10\nthreshold: 0.8\n"),
              withBase: true,
              ["\(m):6:13: error: Evaluation 'drift' judges the model of 'serving', but no Endpoint has that name"]),
        .init("Evaluation with both endpoint and pipeline",
              doc("Evaluation", "drift", "endpoint: serving\npipeline: cifar10-training\ndataset: cifar10\nthreshold: 0.8\n"),
              withBase: true,
              ["\(m):7:3: error: set either 'endpoint' or 'pipeline' in Evaluation spec, not both"]),
        .init("Evaluation with neither endpoint nor pipeline",
              doc("Evaluation", "drift", "dataset: cifar10\nthreshold: 0.5\n"),
              withBase: true,
              ["\(m):6:3: error: missing 'endpoint' or 'pipeline' in Evaluation spec; name the model to judge"]),
        .init("threshold outside [0, 1]",
              doc("Evaluation", "drift", "pipeline: cifar10-training\ndataset: cifar10\nthreshold: 1.5\n"),
              withBase: true,
              ["\(m):8:14: error: threshold '1.5' is outside [0, 1]; write accuracy as a fraction, e.g. 0.8"]),
        .init("splits that do not add up to 100",
              doc("Dataset", "photos", "root: gs://steward-data/d\nsplits: {train: 70, test: 20}\n"),
              ["\(m):7:11: error: splits add up to 90, not 100; make train + test = 100"]),
        .init("canaryPercent outside [0, 100]",
              doc("Endpoint", "serving", "model: {pipeline: cifar10-training}\nrollout: {canaryPercent: 150}\n"),
              withBase: true,
              ["\(m):7:28: error: canaryPercent '150' is outside [0, 100]; give the share of traffic in percent; 100 rolls out at once"]),
        .init("negative retries",
              doc("Pipeline", "train", pipelineHead + "retries: -1\n"),
              ["\(m):8:12: error: retries must be 0 or more, got '-1'"]),
        .init("spans below 1 and spans without dataset",
              doc("Pipeline", "train", pipelineHead + "spans: 0\n"),
              ["\(m):8:3: error: 'spans' needs 'dataset' in Pipeline spec; name the Dataset whose spans the Pipeline trains on",
               "\(m):8:10: error: spans must be at least 1, got '0'"]),
        .init("unknown placeholder in a double-quoted parameter points into the string",
              doc("Pipeline", "train", pipelineHead + "dataset: cifar10\nspans: 2\nparameters:\n  glob: \"gs://d/${spans.glb}\"\n"),
              withBase: true,
              ["\(m):11:19: error: unknown placeholder '${spans.glb}' in parameter 'glob'; did you mean '${spans.glob}'?"]),
        .init("span placeholder without dataset",
              doc("Pipeline", "train", pipelineHead + "parameters:\n  first: ${spans.first}\n"),
              ["\(m):9:12: error: parameter 'first' uses '${spans.first}', but the Pipeline has no 'dataset'; set 'dataset' and 'spans' to train on the newest spans"]),
        .init("image placeholder after an escaped dollar in single quotes",
              doc("Pipeline", "train", pipelineHead + "parameters:\n  cost: '$$1 ${image}'\n"),
              ["\(m):9:16: error: parameter 'cost' uses '${image}', but the Pipeline has no 'image'; set 'image' or remove the placeholder"]),
        .init("unknown placeholder in a Release tag",
              doc("Release", "publish", "model: {pipeline: cifar10-training}\ntag: release-${run.sha}\n"),
              withBase: true,
              ["\(m):7:16: error: unknown placeholder '${run.sha}' in tag; known placeholders: ${pipeline}, ${run.commit}, ${run.id}, ${run.key}"]),
        .init("more than one Project",
              doc("Project", "first", "provider: local\n") + "---\n" + doc("Project", "second", "provider: local\n"),
              ["\(m):11:9: error: more than one Project: 'second'; a repository declares at most one Project; 'first' is declared at manifests/case.yaml:4:9"]),
        .init("provider gcp without a gcp block",
              doc("Project", "cloud", "provider: gcp\n"),
              ["\(m):6:13: error: provider 'gcp' needs 'gcp' in Project spec; add spec.gcp with project, region and bucket"]),
        .init("a duplicate name per kind is reported at both declarations, and what refers to it is left out",
              doc("Dataset", "cifar10", "root: gs://steward-data/d\n"),
              withBase: true,
              ["manifests/base.yaml:3:18: error: duplicate Dataset name 'cifar10'; also declared at \(m):4:9; names are unique per kind: remove or rename all but one (none is used until then)",
               "manifests/base.yaml:15:12: warning: Pipeline 'cifar10-training' is left out: Dataset 'cifar10' it refers to is declared more than once",
               "\(m):4:9: error: duplicate Dataset name 'cifar10'; also declared at manifests/base.yaml:3:18; names are unique per kind: remove or rename all but one (none is used until then)"]),
        .init("minSamples below 1",
              doc("Dataset", "photos", "root: gs://steward-data/d\nclasses: [a]\ncollection:\n  prefix: gs://steward-data/c\n  minSamples: 0\n"),
              ["\(m):10:17: error: minSamples must be at least 1, got '0'"]),
        .init("tfrecord collection without classes",
              doc("Dataset", "photos", "root: gs://steward-data/d\ncollection: {prefix: gs://steward-data/c}\n"),
              ["\(m):7:3: error: a tfrecord Dataset with a collection needs 'classes'; list the class names in label order: a label's int64 value is its index in 'classes'"]),
        .init("bad enumeration value gets a did-you-mean hint",
              doc("Pipeline", "train", pipelineHead + "concurrencyPolicy: queue\n"),
              ["\(m):8:22: error: invalid concurrencyPolicy 'queue'; did you mean 'Queue'?"]),
        .init("unknown field in metadata",
              "apiVersion: steward.dev/v1alpha1\nkind: Dataset\nmetadata:\n  name: photos\n  lables: {team: a}\nspec: {root: gs://steward-data/d}\n",
              ["\(m):5:3: error: unknown field 'lables' in metadata; did you mean 'labels'?"]),
        .init("empty file holds no manifest",
              "",
              ["\(m):1:1: error: file holds no manifest"]),
        .init("document that is not a mapping",
              "- a\n- b\n",
              ["\(m):1:1: error: expected a manifest mapping with apiVersion, kind, metadata and spec, got a sequence"]),
        .init("YAML syntax error at the position libyaml reports",
              "apiVersion: steward.dev/v1alpha1\nkind: [Pipeline\n",
              ["\(m):3:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 2:7)"]),
        .init("binary file with a NUL byte",
              bytes: Array("kind: Pipeline\nab".utf8) + [0, 0x41],
              ["\(m):2:3: error: file is binary: it holds a NUL byte; manifests are UTF-8 text"]),
        .init("file that is not UTF-8",
              bytes: Array("name: caf".utf8) + [0xE9, 0x0A],
              ["\(m):1:10: error: file is not valid UTF-8 text; save it as UTF-8"]),
        .init("file over 1 MiB",
              bytes: Array("a: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: (1 << 20) - 2),
              ["\(m):1:1: error: file is 1048577 bytes, over the limit of 1 MiB for a manifest file; split it into several files"]),
        {
            var c = BadManifestCase("aliases expanding past the node budget are refused at the alias that crosses it",
                                    "a: &a [x, x, x, x, x]\nb: [*a, *a, *a]\n",
                                    ["\(m):2:9: error: document expands to more than 20 nodes through aliases; write the values out or use fewer aliases; the rest of the file is not read"])
            c.decoder = ManifestDecoder(maximumNodesPerDocument: 20)
            return c
        }(),
    ]

    @Test(arguments: cases)
    func reportsExactly(_ c: BadManifestCase) {
        let result = c.decoder.decode(c.files)
        #expect(result.diagnostics.map(\.description) == c.expected)
        #expect(result.hasErrors)
    }

    @Test("there are at least 30 distinct bad-manifest cases")
    func enoughCases() {
        #expect(Set(Self.cases.map(\.behaviour)).count >= 30)
    }
}
