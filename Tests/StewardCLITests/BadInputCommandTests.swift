import Foundation
import Testing

/// Bad input found by trying Steward as a user would: each is reported where it is, and nothing acts on doubt.
@Suite("steward on bad input", .serialized)
struct BadInputCommandTests {
    static func resources(_ q: CLIHarness) throws -> [String: [String: Any]] {
        let status = try q.steward("status", "--output", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let entries = try #require(object["resources"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for entry in entries {
            if let name = entry["resource"] as? String, let condition = entry["condition"] as? [String: Any] { byName[name] = condition }
        }
        return byName
    }

    @Test("a Pipeline declared twice is reported at both places, Stalled Duplicate, and neither it nor what depends on it acts")
    func duplicatePipeline() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let manifests = try String(contentsOfFile: q.directory + "/manifests/quickstart.yaml", encoding: .utf8)
        let pipeline = try #require(manifests.components(separatedBy: "\n---\n").first { $0.contains("kind: Pipeline") })
        try (pipeline.replacingOccurrences(of: "k: 5 ", with: "k: 9 ") + "\n").write(
            toFile: q.directory + "/manifests/another.yaml", atomically: true, encoding: .utf8)
        try q.commit("a second declaration of the training Pipeline")

        let apply = try q.steward("apply", "--yes", "--wait", "--poll-interval", "200ms", "--timeout", "2m")
        #expect(apply.status == 1, "\(apply.stdout)\n\(apply.stderr)")
        let errors = apply.stderr.split(separator: "\n").filter { $0.contains("error: duplicate Pipeline name 'quickstart-training'") }
        #expect(errors.contains { $0.hasPrefix("manifests/another.yaml:") }, "\(apply.stderr)")
        #expect(errors.contains { $0.hasPrefix("manifests/quickstart.yaml:") }, "\(apply.stderr)")
        #expect(!apply.stdout.contains("run-pipeline"), "\(apply.stdout)")
        #expect(!apply.stdout.contains("build-image"), "\(apply.stdout)")
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: q.directory + "/.steward/local/runs")) ?? []
        #expect(runs.isEmpty, "\(runs)")

        let conditions = try Self.resources(q)
        #expect(conditions["Pipeline/quickstart-training"]?["type"] as? String == "Stalled")
        #expect(conditions["Pipeline/quickstart-training"]?["reason"] as? String == "Duplicate")
        #expect((conditions["Pipeline/quickstart-training"]?["message"] as? String)?.contains("manifests/another.yaml") == true)
        for dependent in ["Endpoint/quickstart-serving", "Release/quickstart-model", "Evaluation/quickstart-drift"] {
            #expect(conditions[dependent]?["reason"] as? String == "DependencyHeld", "\(dependent): \(String(describing: conditions[dependent]))")
        }
        // The rest of the system goes on: the Dataset's first span is prepared.
        #expect(conditions["Dataset/points"]?["type"] as? String == "Ready", "\(conditions)")
    }

    @Test("a git cache with truncated packs is moved aside and cloned again: plan works and says so")
    func truncatedCache() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let work = try CLIHarness()
        defer { work.remove() }
        let remote = "file://" + q.directory
        let first = try work.steward("plan", "--repo", remote, "--output", "json")
        #expect(first.status == 0, "\(first.stderr)")
        try work.sh("for p in .steward/cache/git/*/objects/pack/*.pack; do truncate -s 100 \"$p\"; done")

        let healed = try work.steward("plan", "--repo", remote, "--output", "json")
        #expect(healed.status == 0, "\(healed.stderr)")
        #expect(healed.stdout == first.stdout)
        #expect(healed.stderr.contains("the git cache could not be read"), "\(healed.stderr)")
        let aside = try work.sh("ls .steward/cache/git | grep -c '.broken-'").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(aside == "1")
        #expect(healed.stderr.contains(".broken-"), "says where the old cache went")
    }

    @Test("a manifest over 1 MiB is refused by its size, with its path, and the others still validate")
    func oversizedManifest() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        try q.sh("yes '# padding' | head -c 5000000 > manifests/huge.yaml")
        try q.commit("a huge manifest")
        let result = try q.steward("validate")
        #expect(result.status == 1)
        #expect(result.stderr.contains("manifests/huge.yaml:1:1: error: file is 5000000 bytes, over the limit of 1 MiB"), "\(result.stderr)")
        #expect(result.stderr.contains("1 error in 1 file"), "\(result.stderr)")
    }

    @Test("a path with a newline or a right-to-left override is quoted as git quotes it in text, raw in JSON")
    func unprintablePaths() throws {
        let q = try CLIHarness.quickstart()
        defer { q.remove() }
        let names = ["manifests/new\nline.yaml", "manifests/evil\u{202E}lmay.yaml"]
        for name in names {
            try "apiVersion: steward.dev/v1alpha1\nkind: Dataset\nmetadata: {name: d-\(names.firstIndex(of: name)!)}\nspec: {root: gs://b/d, colour: red}\n"
                .write(toFile: q.directory + "/" + name, atomically: true, encoding: .utf8)
        }
        try q.commit("odd names")
        let validate = try q.steward("validate")
        #expect(validate.status == 1)
        let errors = validate.stderr.split(separator: "\n").filter { $0.contains("unknown field 'colour'") }
        #expect(errors.count == 2, "\(validate.stderr)")
        #expect(errors.contains { $0.hasPrefix("\"manifests/new\\nline.yaml\":4:") }, "\(validate.stderr)")
        #expect(errors.contains { $0.hasPrefix("\"manifests/evil\\342\\200\\256lmay.yaml\":4:") }, "\(validate.stderr)")

        let plan = try q.steward("plan", "--output", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let paths = Set(((object["diagnostics"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String })
        #expect(paths.isSuperset(of: names), "\(paths)")
    }
}
