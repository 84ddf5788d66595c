import StewardCore
import StewardManifests
import Testing

@Suite("valid manifests decode to the model with their defaults")
struct DecoderValueTests {
    let decoder = ManifestDecoder()

    @Test("the full example decodes without diagnostics and keeps every value")
    func fullExample() throws {
        let result = decoder.decode(Fixtures.full)
        #expect(result.diagnostics.map(\.description) == [])
        let set = result.manifests
        #expect(set.resources.map(\.id.description) == [
            "Project/cifar10", "Dataset/cifar10", "Pipeline/cifar10-training",
            "Evaluation/candidate", "Evaluation/drift", "Endpoint/cifar10", "Release/cifar10-model",
        ])

        let (projectResource, project) = try #require(set.project)
        #expect(projectResource.metadata.labels == ["team": "vision"])
        #expect(project.provider == .gcp)
        #expect(project.gcp == ProjectSpec.GCP(project: "steward-demo", region: "us-central1",
                                               serviceAccount: "pipelines@steward-demo.iam.gserviceaccount.com",
                                               bucket: StorageURI(bucket: "steward-demo-staging"),
                                               registry: "us-docker.pkg.dev/steward-demo/images"))
        #expect(project.github?.repository == "example/cifar10")
        #expect(project.local?.root == ".steward/local")

        let dataset = try #require(set.dataset(named: "cifar10"))
        #expect(dataset.root == StorageURI(bucket: "steward-demo-data", path: "cifar10"))
        #expect(dataset.splits == DatasetSpec.Splits(train: 90, test: 10))
        #expect(dataset.format == .tfrecord)
        #expect(dataset.classes.count == 10)
        #expect(dataset.classes.first == "airplane")
        #expect(dataset.initialSpan == RepositoryPath(unchecked: "examples/cifar10/data/span-1"))
        #expect(dataset.collection == DatasetSpec.Collection(
            prefix: StorageURI(bucket: "steward-demo-data", path: "collection"), pattern: "*.png",
            labels: .filenamePrefix, minSamples: 100))

        let pipeline = try #require(set.pipeline(named: "cifar10-training"))
        #expect(pipeline.template == .repository(RepositoryPath(unchecked: "examples/cifar10/training_pipeline/pipeline.json")))
        #expect(pipeline.root == StorageURI(bucket: "steward-demo-pipelines", path: "root"))
        #expect(pipeline.displayName == "CIFAR-10 training")
        #expect(pipeline.image == PipelineSpec.Image(
            name: "us-docker.pkg.dev/steward-demo/images/cifar10-training",
            context: RepositoryPath(unchecked: "examples/cifar10/training_pipeline"),
            dockerfile: RepositoryPath(unchecked: "examples/cifar10/training_pipeline/Dockerfile")))
        #expect(pipeline.modules == PipelineSpec.Modules(
            source: RepositoryPath(unchecked: "examples/cifar10/training_pipeline/models"),
            destination: StorageURI(bucket: "steward-demo-pipelines", path: "modules")))
        #expect(pipeline.dataset == "cifar10")
        #expect(pipeline.spans == 2)
        #expect(pipeline.parameters["input-glob"] == .string("${dataset.root}/${spans.glob}/train/*"))
        #expect(pipeline.parameters["span-range"] == .string("${spans.first}-${spans.last}"))
        #expect(pipeline.parameters["price"] == .string("$$5 per run"))
        #expect(pipeline.parameters["epochs"] == .int(5))
        #expect(pipeline.parameters["learning-rate"] == .double(0.001))
        #expect(pipeline.parameters["use-gpu"] == .bool(false))
        #expect(pipeline.parameters.count == 11)
        #expect(pipeline.serviceAccount == "trainer@steward-demo.iam.gserviceaccount.com")
        #expect(pipeline.enableCaching == false)
        #expect(pipeline.retries == 2)
        #expect(pipeline.concurrencyPolicy == .replace)
        #expect(pipeline.suspend == false)
        #expect(pipeline.outputs == PipelineSpec.Outputs(model: ArtifactRef(task: "trainer", artifact: "model"),
                                                         blessing: ArtifactRef(task: "evaluator", artifact: "blessing")))
        #expect(pipeline.local == PipelineSpec.LocalRun(command: "python -m trainer", build: "pip install -r requirements.txt"))

        let evaluations = Dictionary(uniqueKeysWithValues: set.evaluations.map { ($0.0.name, $0.1) })
        let drift = try #require(evaluations["drift"])
        #expect(drift.target == .endpoint("cifar10"))
        #expect(drift.dataset == "cifar10")
        #expect(drift.threshold == 0.8)
        #expect(drift.batchPrediction == EvaluationSpec.BatchPrediction(
            machineType: "n1-standard-4", startingReplicaCount: 1, maxReplicaCount: 3, instancesFormat: .jsonl,
            outputRoot: StorageURI(bucket: "steward-demo-pipelines", path: "evaluations")))
        #expect(drift.onFailure == EvaluationSpec.OnFailure(newSpan: true, retrain: "cifar10-training"))
        #expect(drift.local?.command == "python predict.py")
        let candidate = try #require(evaluations["candidate"])
        #expect(candidate.target == .pipeline("cifar10-training"))
        #expect(candidate.threshold == 1.0)

        let endpoint = try #require(set.endpoint(named: "cifar10"))
        #expect(endpoint == EndpointSpec(
            displayName: "CIFAR-10 classifier", model: ModelSource(pipeline: "cifar10-training"),
            servingImage: "us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-12:latest", machineType: "n1-standard-2",
            minReplicas: 1, maxReplicas: 2, rollout: .init(canaryPercent: 10), prune: true, suspend: false))

        let release = try #require(set.releases.first?.1)
        #expect(release == ReleaseSpec(
            repository: "example/cifar10", model: ModelSource(pipeline: "cifar10-training"),
            tag: "model-${pipeline}-${run.key}",
            assets: [.init(name: "saved_model.tar.gz"), .init(name: "saved_model.zip")],
            draft: true, prerelease: true, suspend: false))
    }

    @Test("a resource's source is where its metadata.name is written")
    func sourceLocations() throws {
        let set = decoder.decode(Fixtures.full).manifests
        // `  name: cifar10-training` on line 4 of the file: the value starts at column 9.
        #expect(set[ResourceID(.pipeline, "cifar10-training")]?.source == SourceLocation(path: "manifests/pipeline.yml", line: 4, column: 9))
        // The Project file starts with a schema comment, so its name is on line 5.
        #expect(set[ResourceID(.project, "cifar10")]?.source == SourceLocation(path: "manifests/project.yaml", line: 5, column: 9))
        // The second document of the evaluations file: `  name: candidate` on line 26.
        #expect(set[ResourceID(.evaluation, "candidate")]?.source == SourceLocation(path: "manifests/evaluations.yaml", line: 26, column: 9))
    }

    @Test("the smallest manifests take the model's defaults; empty documents are skipped")
    func defaults() throws {
        let result = decoder.decode(path: "manifests/all.yaml", text: Fixtures.minimal)
        #expect(result.diagnostics.isEmpty)
        let set = result.manifests
        #expect(set.resources.count == 6)
        #expect(set.project?.1 == ProjectSpec(provider: .local))

        let dataset = try #require(set.dataset(named: "photos"))
        #expect(dataset == DatasetSpec(
            root: StorageURI(bucket: "photos-bucket", path: "spans"), splits: .init(train: 80, test: 20), format: .copy,
            collection: .init(prefix: StorageURI(bucket: "photos-bucket", path: "incoming"), pattern: "*",
                              labels: .file("labels.csv"), minSamples: 1)))

        let pipeline = try #require(set.pipeline(named: "train"))
        #expect(pipeline == PipelineSpec(
            template: .storage(StorageURI(bucket: "photos-bucket", path: "templates/pipeline.json")),
            root: StorageURI(bucket: "photos-bucket", path: "root")))
        #expect(pipeline.enableCaching == true)
        #expect(pipeline.retries == 0)
        #expect(pipeline.concurrencyPolicy == .queue)

        let evaluation = try #require(set.evaluations.first?.1)
        #expect(evaluation == EvaluationSpec(target: .pipeline("train"), dataset: "photos", threshold: 0.5))
        #expect(evaluation.metric == .accuracy)
        #expect(evaluation.batchPrediction.instancesFormat == .fileList)

        // An Endpoint's displayName defaults to its name.
        let endpoint = try #require(set.endpoint(named: "serving"))
        #expect(endpoint == EndpointSpec(displayName: "serving", model: ModelSource(pipeline: "train")))
        #expect(endpoint.rollout.canaryPercent == 100)
        #expect(endpoint.servingImage == "us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-8:latest")

        let release = try #require(set.releases.first?.1)
        #expect(release == ReleaseSpec(model: ModelSource(pipeline: "train")))
        #expect(release.tag == "model-${run.key}")
        #expect(release.assets == [.init(name: "saved_model.tar.gz")])
    }

    @Test("files that are not .yaml or .yml are ignored, and input order does not matter")
    func fileSelectionAndOrder() {
        let forward = decoder.decode(Fixtures.full)
        let backward = decoder.decode(Fixtures.full.reversed())
        #expect(forward == backward)
        let onlyReadme = decoder.decode([ManifestFile(path: "manifests/README.md", text: "- [unclosed")])
        #expect(onlyReadme.diagnostics.isEmpty)
        #expect(onlyReadme.manifests.resources.isEmpty)
    }

    @Test("a split given alone leaves the rest of 100 to the other")
    func splitComplement() throws {
        let text = doc("Dataset", "photos", "root: gs://steward-data/d\nsplits: {train: 70}\n")
        let dataset = try #require(decoder.decode(path: "manifests/d.yaml", text: text).manifests.dataset(named: "photos"))
        #expect(dataset.splits == DatasetSpec.Splits(train: 70, test: 30))
    }

    @Test("YAML merge keys fill fields that the mapping does not set")
    func mergeKeys() throws {
        let text = """
            apiVersion: steward.dev/v1alpha1
            kind: Endpoint
            metadata: {name: serving}
            spec:
              <<: &defaults {machineType: n1-highmem-2, minReplicas: 2, maxReplicas: 4}
              model: {pipeline: train}
              minReplicas: 3
            ---
            apiVersion: steward.dev/v1alpha1
            kind: Pipeline
            metadata: {name: train}
            spec: {template: p.json, root: gs://steward-pipelines/r}

            """
        let result = decoder.decode(path: "manifests/e.yaml", text: text)
        #expect(result.diagnostics.isEmpty)
        let endpoint = try #require(result.manifests.endpoint(named: "serving"))
        #expect(endpoint.machineType == "n1-highmem-2")
        #expect(endpoint.minReplicas == 3)
        #expect(endpoint.maxReplicas == 4)
    }
}

@Suite("diagnostics across files and resources")
struct DecoderCollectionTests {
    let decoder = ManifestDecoder()

    @Test("problems in several files are all reported, sorted by path, line and column")
    func severalFiles() {
        let files = [
            ManifestFile(path: "manifests/z.yaml", text: doc("Dataset", "zeta", "root: gs://steward-data/z\nformat: parquet\n")),
            ManifestFile(path: "manifests/a.yaml", text: doc("Pipeline", "alpha", pipelineHeadForTests + "retries: many\nsuspend: 1\n")),
            ManifestFile(path: "manifests/m/b.yml", text: ""),
            ManifestFile(path: "manifests/ok.yaml", text: doc("Dataset", "fine", "root: gs://steward-data/f\n")),
        ]
        let result = decoder.decode(files)
        #expect(result.diagnostics.map(\.description) == [
            "manifests/a.yaml:8:12: error: expected an integer, got 'many'",
            "manifests/a.yaml:9:12: error: expected a boolean, got '1'; write true or false",
            "manifests/m/b.yml:1:1: error: file holds no manifest",
            "manifests/z.yaml:7:11: error: invalid format 'parquet'; expected one of 'tfrecord', 'copy'",
        ])
        #expect(result.diagnostics.summary == "4 errors in 3 files")
        // The valid resource stays.
        #expect(result.manifests.resources.map(\.id) == [ResourceID(.dataset, "fine")])
    }

    @Test("a resource that names one with errors is left out with a warning")
    func dependentsLeftOut() {
        let text = doc("Pipeline", "train", "template: p.json\nroot: gs://x\n") + "---\n"
            + doc("Endpoint", "serving", "model: {pipeline: train}\n")
        let result = decoder.decode(path: "manifests/m.yaml", text: text)
        #expect(result.diagnostics.map(\.description) == [
            "manifests/m.yaml:7:9: error: invalid Cloud Storage URI 'gs://x': invalid bucket name 'x'",
            "manifests/m.yaml:14:21: warning: Endpoint 'serving' is left out: Pipeline 'train' it refers to has errors",
        ])
        #expect(result.manifests.resources.isEmpty)
    }

    @Test("modules outside the image context are a warning; the context itself is an error")
    func modulesInsideImage() {
        let outside = doc("Pipeline", "train", pipelineHeadForTests
            + "image: {name: gcr.io/p/t, context: trainer}\nmodules: {source: shared/models, destination: gs://steward-pipelines/m}\n")
        let result = decoder.decode(path: "manifests/p.yaml", text: outside)
        // `  modules: {source: shared/models, …}`: '{' at 12, 'source' at 13, value at 21.
        #expect(result.diagnostics.map(\.description) == [
            "manifests/p.yaml:9:21: warning: modules source 'shared/models' lies outside the image context 'trainer'; runs read the modules only from '${modules}'; move the folder into the context if the image needs it",
        ])
        #expect(!result.hasErrors)
        #expect(result.manifests.pipeline(named: "train") != nil)

        let same = doc("Pipeline", "train", pipelineHeadForTests
            + "image: {name: gcr.io/p/t, context: trainer}\nmodules: {source: trainer, destination: gs://steward-pipelines/m}\n")
        #expect(decoder.decode(path: "manifests/p.yaml", text: same).diagnostics.map(\.description) == [
            "manifests/p.yaml:9:21: error: modules source 'trainer' is the whole image context; name a folder inside the image context, e.g. 'trainer/models'",
        ])
    }

    @Test("a billion-laughs document is refused quickly at the default budget")
    func billionLaughs() {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        let names = Array("abcdefghij").map(String.init)
        for i in 1..<names.count {
            lines.append("\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 10).joined(separator: ", ") + "]")
        }
        // An alias used as a mapping key would be hashed at full size if it were composed.
        lines.append("? *j\n: boom")
        let result = decoder.decode(path: "manifests/bomb.yaml", text: lines.joined(separator: "\n") + "\n")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message == "document expands to more than 10000 nodes through aliases")
        #expect(result.diagnostics.first?.location.line == 4)
    }
}

let pipelineHeadForTests = "template: pipeline.json\nroot: gs://steward-pipelines/root\n"
