import Foundation
import Testing

@Suite("steward validate")
struct ValidateCommandTests {
    @Test("the project's own manifests validate")
    func projectManifests() throws {
        let harness = try CLIHarness()
        defer { harness.remove() }
        let result = try harness.steward("validate", "--repo", CLIHarness.packageRoot.path, "--path", "manifests")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("valid: 6 resources in 6 files"))
    }

    @Test("a committed unknown field fails with its exact position")
    func unknownField() throws {
        let harness = try CLIHarness.quickstart()
        defer { harness.remove() }
        try harness.sh("""
        cat > manifests/extra.yaml <<'YAML'
        apiVersion: steward.dev/v1alpha1
        kind: Pipeline
        metadata:
          name: extra
        spec:
          template: training_pipeline/pipeline.json
          root: gs://quickstart/extra
          imgae:
            name: x
        YAML
        """)
        try harness.commit("a typo")
        let result = try harness.steward("validate")
        #expect(result.status == 1)
        #expect(result.stderr.contains("manifests/extra.yaml:8:3: error: unknown field 'imgae'"), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean 'image'?"))
        #expect(result.stderr.contains("1 error in 1 file"))
    }

    @Test("uncommitted changes are not read, and steward says so")
    func uncommitted() throws {
        let harness = try CLIHarness.quickstart()
        defer { harness.remove() }
        try harness.sh("echo 'garbage: [' > manifests/broken.yaml")
        let result = try harness.steward("validate")
        #expect(result.status == 0, "the broken file is not committed")
        #expect(result.stderr.contains("uncommitted changes under 'manifests' were not read"))
    }

    @Test("an unknown revision and a missing repository are clear errors")
    func badInputs() throws {
        let harness = try CLIHarness.quickstart()
        defer { harness.remove() }
        let revision = try harness.steward("validate", "--revision", "no-such-branch")
        #expect(revision.status == 1)
        #expect(revision.stderr.contains("'no-such-branch'"))
        let empty = try CLIHarness()
        defer { empty.remove() }
        let missing = try empty.steward("validate")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("is not a git repository"))
    }
}
