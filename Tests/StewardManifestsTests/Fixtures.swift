import StewardManifests

/// Valid manifests covering every kind and most optional fields; the schema test and the
/// decoder tests both use them.
enum Fixtures {
    static let project = """
        # yaml-language-server: $schema=../schemas/manifest.json
        apiVersion: steward.dev/v1alpha1
        kind: Project
        metadata:
          name: cifar10
          labels: {team: vision}
        spec:
          provider: gcp
          gcp:
            project: steward-demo
            region: us-central1
            serviceAccount: pipelines@steward-demo.iam.gserviceaccount.com
            bucket: gs://steward-demo-staging
            registry: us-docker.pkg.dev/steward-demo/images
          github:
            repository: example/cifar10
          local:
            root: .steward/local

        """

    static let dataset = """
        apiVersion: steward.dev/v1alpha1
        kind: Dataset
        metadata:
          name: cifar10
          annotations: {owner: data team}
        spec:
          root: gs://steward-demo-data/cifar10
          splits: {train: 90, test: 10}
          format: tfrecord
          classes: [airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck]
          initialSpan: examples/cifar10/data/./span-1/
          collection:
            prefix: gs://steward-demo-data/collection
            pattern: "*.png"
            labels: filename-prefix
            minSamples: 100

        """

    static let pipeline = """
        apiVersion: steward.dev/v1alpha1
        kind: Pipeline
        metadata:
          name: cifar10-training
          labels: {team: vision, stage: train}
        spec:
          template: examples/cifar10/training_pipeline/pipeline.json
          root: gs://steward-demo-pipelines/root
          displayName: CIFAR-10 training
          image:
            name: us-docker.pkg.dev/steward-demo/images/cifar10-training
            context: examples/cifar10/training_pipeline
            dockerfile: examples/cifar10/training_pipeline/Dockerfile
          modules:
            source: examples/cifar10/training_pipeline/models
            destination: gs://steward-demo-pipelines/modules
          dataset: cifar10
          spans: 2
          parameters:
            data-root: ${dataset.root}
            input-glob: ${dataset.root}/${spans.glob}/train/*
            span-range: "${spans.first}-${spans.last}"
            span-list: '${spans.list}'
            module-file: ${modules}/model.py
            image: ${image}
            output: ${pipeline.root}/serving
            price: $$5 per run
            epochs: 5
            learning-rate: 0.001
            use-gpu: false
          serviceAccount: trainer@steward-demo.iam.gserviceaccount.com
          enableCaching: false
          retries: 2
          concurrencyPolicy: Replace
          suspend: false
          outputs:
            model: {task: trainer, artifact: model}
            blessing: {task: evaluator, artifact: blessing}
          local:
            command: python -m trainer
            build: pip install -r requirements.txt

        """

    static let evaluations = """
        apiVersion: steward.dev/v1alpha1
        kind: Evaluation
        metadata:
          name: drift
        spec:
          endpoint: cifar10
          dataset: cifar10
          metric: accuracy
          threshold: 0.8
          batchPrediction:
            machineType: n1-standard-4
            startingReplicaCount: 1
            maxReplicaCount: 3
            instancesFormat: jsonl
            outputRoot: gs://steward-demo-pipelines/evaluations
          onFailure:
            newSpan: true
            retrain: cifar10-training
          suspend: false
          local:
            command: python predict.py
        ---
        apiVersion: steward.dev/v1alpha1
        kind: Evaluation
        metadata:
          name: candidate
        spec:
          pipeline: cifar10-training
          dataset: cifar10
          threshold: 1

        """

    static let endpoint = """
        apiVersion: steward.dev/v1alpha1
        kind: Endpoint
        metadata:
          name: cifar10
        spec:
          displayName: CIFAR-10 classifier
          model:
            pipeline: cifar10-training
          servingImage: us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-12:latest
          machineType: n1-standard-2
          minReplicas: 1
          maxReplicas: 2
          rollout:
            canaryPercent: 10
          prune: true
          suspend: false

        """

    static let release = """
        apiVersion: steward.dev/v1alpha1
        kind: Release
        metadata:
          name: cifar10-model
        spec:
          repository: example/cifar10
          model: {pipeline: cifar10-training}
          tag: model-${pipeline}-${run.key}
          assets:
            - name: saved_model.tar.gz
            - name: saved_model.zip
          draft: true
          prerelease: true
          suspend: false

        """

    /// The smallest manifests of every kind: everything else takes its default.
    static let minimal = """
        apiVersion: steward.dev/v1alpha1
        kind: Project
        metadata: {name: local}
        spec: {provider: local}
        ---
        ---
        apiVersion: steward.dev/v1alpha1
        kind: Dataset
        metadata: {name: photos}
        spec:
          root: gs://photos-bucket/spans
          format: copy
          collection:
            prefix: gs://photos-bucket/incoming
            labels: {file: labels.csv}
        ---
        apiVersion: steward.dev/v1alpha1
        kind: Pipeline
        metadata: {name: train}
        spec:
          template: gs://photos-bucket/templates/pipeline.json
          root: gs://photos-bucket/root
        ---
        apiVersion: steward.dev/v1alpha1
        kind: Evaluation
        metadata: {name: check}
        spec: {pipeline: train, dataset: photos, threshold: 0.5}
        ---
        apiVersion: steward.dev/v1alpha1
        kind: Endpoint
        metadata: {name: serving}
        spec:
          model: {pipeline: train}
        ---
        apiVersion: steward.dev/v1alpha1
        kind: Release
        metadata: {name: publish}
        spec:
          model: {pipeline: train}

        """

    /// The full set of the `gcp` example, as files of one manifests folder.
    static let full: [ManifestFile] = [
        ManifestFile(path: "manifests/project.yaml", text: project),
        ManifestFile(path: "manifests/data/dataset.yaml", text: dataset),
        ManifestFile(path: "manifests/pipeline.yml", text: pipeline),
        ManifestFile(path: "manifests/evaluations.yaml", text: evaluations),
        ManifestFile(path: "manifests/endpoint.yaml", text: endpoint),
        ManifestFile(path: "manifests/release.yaml", text: release),
        ManifestFile(path: "manifests/README.md", text: "# Not a manifest\n\n- a: [b\n"),
    ]

    /// Every fixture set, each decoded on its own.
    static let sets: [(name: String, files: [ManifestFile])] = [
        ("full", full),
        ("minimal", [ManifestFile(path: "manifests/all.yaml", text: minimal)]),
    ]
}
