import Foundation

/// A committed git repository of `pipelines` Pipelines on the gcp provider that share one image context and one
/// modules folder, for measuring Steward against the fakes at scale (`steward-request-count`, `steward-serve-bench`).
public enum GeneratedPipelines {
    /// Writes and commits the repository at `path` (branch `main`); `bucket` is the Project's staging bucket, and
    /// the runs and modules go to `gs://bench-roots` and `gs://bench-modules`.
    public static func write(to path: String, pipelines: Int, bucket: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: path + "/manifests", withIntermediateDirectories: true)
        try files.createDirectory(atPath: path + "/train/models", withIntermediateDirectories: true)
        try "FROM python:3.11-slim\nCOPY . /pipeline\n".write(toFile: path + "/train/Dockerfile", atomically: true, encoding: .utf8)
        try "def run_fn(): pass\n".write(toFile: path + "/train/models/model.py", atomically: true, encoding: .utf8)
        let spec = #"{"pipelineInfo": {"name": "bench"}, "root": {"dag": {"tasks": {}}}, "schemaVersion": "2.1.0", "sdkVersion": "kfp-2.0.0"}"#
        try spec.write(toFile: path + "/train/pipeline.json", atomically: true, encoding: .utf8)
        var yaml = """
            apiVersion: steward.dev/v1alpha1
            kind: Project
            metadata: {name: bench}
            spec:
              provider: gcp
              gcp: {project: steward-test, region: us-central1, bucket: gs://\(bucket)}

            """
        for index in 0..<pipelines {
            yaml += """
                ---
                apiVersion: steward.dev/v1alpha1
                kind: Pipeline
                metadata: {name: p\(index)}
                spec:
                  template: train/pipeline.json
                  root: gs://bench-roots/p\(index)
                  image: {name: gcr.io/steward-test/train, context: train}
                  modules: {source: train/models, destination: gs://bench-modules/train}
                  parameters: {index: \(index)}

                """
        }
        try yaml.write(toFile: path + "/manifests/pipelines.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "cd '\(path)' && git init -q -b main && git add -A && git -c user.name=b -c user.email=b@b commit -qm pipelines"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "git could not commit the generated pipelines in \(path)"])
        }
    }
}
