import Foundation
import StewardFakes
import StewardGoogleCloud
import Testing

/// `steward plan` and `apply` of the project's own `manifests/` (`provider: gcp`) through the built binary, with every
/// Google and GitHub endpoint overridden: fake-gcs-server for Cloud Storage, the contract fakes for Vertex AI, Cloud
/// Build and GitHub. `GOOGLE_APPLICATION_CREDENTIALS` names a file that does not exist and `GCE_METADATA_HOST` a
/// recording server: against overrides Steward must look up no credentials and never probe the metadata server.
@Suite("gcp provider end to end", .serialized, .timeLimit(.minutes(2)))
struct GoogleCloudEndToEndTests {
    static let pipeline = "Pipeline/cifar10-training"

    @Test("apply builds once, copies the modules, starts one run once the build succeeded, and repeats nothing")
    func applyStartsEachThingOnce() async throws {
        try await EndToEnd.with { e in
            let modulesTree = try await e.sh("git rev-parse HEAD:examples/cifar10/training_pipeline/models")
            let imageTree = try await e.sh("""
                export GIT_INDEX_FILE=.git/e2e-index && git read-tree HEAD:examples/cifar10/training_pipeline \
                && git rm -q --cached -r models && git write-tree
                """)

            let plan = try await e.plan()
            #expect(plan.changes("build-image").count == 1)
            #expect(plan.changes("copy-modules").count == 1)
            // The seed's gates come first: its unit tests, then the compile step that writes the spec.
            #expect(plan.changes("run-check").map(\.reason) == ["unit-tests: image tree \(imageTree.prefix(7)), modules tree \(modulesTree.prefix(7))"])
            #expect(plan.changes("run-pipeline").isEmpty)

            // First apply: the build source is staged and one build starts; the modules are copied.
            let first = try await e.apply()
            #expect(await e.cloudBuild.buildCount() == 1)
            let source = "steward/sources/\(imageTree).tar.gz"
            #expect(try await e.imageSources() == [source])
            let build = try #require(await e.cloudBuild.requests("POST", pathSuffix: "/builds").first?.json)
            #expect(build["images"]?.arrayValue?.compactMap(\.stringValue) == ["gcr.io/gcp-ml-172005/cifar10-training:\(imageTree)"])
            #expect(build["tags"]?.arrayValue?.compactMap(\.stringValue).contains("steward-tree-\(imageTree)") == true)
            #expect(build["source"]?["storageSource"]?["bucket"]?.stringValue == EndToEnd.stewardBucket)
            #expect(build["source"]?["storageSource"]?["object"]?.stringValue == source)
            let modules = try await e.objects(EndToEnd.dataBucket, prefix: "modules/")
            #expect(modules.allSatisfy { $0.hasPrefix("modules/\(modulesTree)/") }, "\(modules)")
            #expect(modules.contains("modules/\(modulesTree)/model.py"), "\(modules)")
            #expect(modules.contains("modules/\(modulesTree)/preprocessing.py"), "\(modules)")
            #expect(await e.vertex.pipelineJobCount() == 0, "the run waits for the image: \(first.stdout)")

            // Later applies observe the build progress (QUEUED, WORKING, SUCCESS) and then start the run.
            var applies = 1
            while await e.vertex.pipelineJobCount() == 0 && applies < 20 {
                try await e.apply()
                applies += 1
            }
            #expect(await e.vertex.pipelineJobCount() == 1)
            let creates = await e.vertex.requests("POST", pathSuffix: "/pipelineJobs")
            #expect(creates.count == 1)
            let create = try #require(creates.first)
            #expect(create.query["pipelineJobId"]?.hasPrefix("cifar10-training-") == true)
            #expect(create.query["pipelineJobId"]?.hasSuffix("-1") == true)
            #expect(await e.cloudBuild.builds(tagged: CloudBuildCheckService.checkTag) == 2)
            let job = try #require(create.json)
            // The run's spec is the one the compile check wrote with `kubeflow_runner.py`.
            let spec = job["pipelineSpec"]
            #expect(spec?["pipelineInfo"]?["name"] == .string("cifar10-training"))
            #expect(spec?["root"]?["dag"]?["tasks"]?.objectValue?.keys.sorted() == ["evaluator", "example-gen", "trainer"])
            let labels = job["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
            #expect(labels["steward-managed"] == "true")
            #expect(labels["steward-resource"] == "cifar10-training")
            #expect(labels["steward-key"]?.isEmpty == false)
            let parameters = job["runtimeConfig"]?["parameterValues"]
            let inputConfig = try #require(parameters?["input-config"]?.stringValue)
            #expect(inputConfig.contains(#""pattern": "span-1/train/*.tfrecord""#), "\(inputConfig)")
            #expect(inputConfig.contains(#""pattern": "span-1/test/*.tfrecord""#), "\(inputConfig)")
            #expect(parameters?["image"]?.stringValue == "gcr.io/gcp-ml-172005/cifar10-training:\(imageTree)")
            #expect(parameters?["module-root"]?.stringValue == "gs://\(EndToEnd.dataBucket)/modules/\(modulesTree)")
            #expect(parameters?["input-base"]?.stringValue == "gs://\(EndToEnd.dataBucket)/data")

            // Cloud Build at Google's endpoint needs credentials: they are looked up, found missing, and nothing is
            // sent to Google (the token comes before the request). This plan ends while its other requests may still
            // be connecting; the applies below go through every fake after it, so none is stopped with a connection
            // of it still waiting to be accepted.
            let unauthorized = try await e.steward(["plan"], without: ["STEWARD_CLOUDBUILD_ENDPOINT"])
            #expect(unauthorized.status == 1)
            #expect(unauthorized.stderr.contains("GOOGLE_APPLICATION_CREDENTIALS names"), "\(unauthorized.stderr)")

            // Another apply starts nothing.
            let again = try await e.apply()
            #expect(!again.stdout.contains(" started"), "\(again.stdout)")
            #expect(await e.cloudBuild.buildCount() == 3)
            #expect(await e.vertex.pipelineJobCount() == 1)

            // Nor does one without the state store: the cloud is the source of truth.
            try await e.sh("rm -f .steward/state.db*")
            let afresh = try await e.apply()
            #expect(!afresh.stdout.contains(" started"), "\(afresh.stdout)")
            #expect(await e.cloudBuild.buildCount() == 3, "one image build and two checks, none repeated")
            #expect(await e.vertex.pipelineJobCount() == 1)
            #expect(await e.vertex.requests("POST", pathSuffix: "/pipelineJobs").count == 1)
            #expect(await e.cloudBuild.requests("POST", pathSuffix: "/builds").count == 3)
            #expect(try await e.imageSources() == [source])

            // With every endpoint overridden the applies succeeded although GOOGLE_APPLICATION_CREDENTIALS names no
            // file: no credentials were looked for, and the metadata server was never asked, not even above.
            #expect(await e.metadataHits.count == 0)
        }
    }

    @Test("a 403 to pipelineJobs.create stalls the Pipeline: apply --wait exits 1 after one create, status says why, serve holds it")
    func permissionDeniedStalls() async throws {
        try await EndToEnd.with { e in
            let denied = "Permission 'aiplatform.pipelineJobs.create' denied on resource "
                + "'//aiplatform.googleapis.com/projects/gcp-ml-172005/locations/us-central1' (or it may not exist)."
            await e.vertex.deny(FakeDenial(method: "POST", pathSuffix: "/pipelineJobs", message: denied))
            let started = Date()
            let result = try await e.steward("apply", "--yes", "--wait", "--timeout", "5m", "--poll-interval", "1s")
            let seconds = Date().timeIntervalSince(started)
            #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
            #expect(seconds < 30, "apply --wait took \(seconds) s")
            #expect(await e.vertex.requests("POST", pathSuffix: "/pipelineJobs").count == 1)
            #expect(result.stderr.contains("stalled: \(Self.pipeline)"), "\(result.stderr)")
            #expect(result.stderr.contains("denied"), "\(result.stderr)")

            struct Status: Decodable {
                struct Entry: Decodable {
                    struct Condition: Decodable { var type: String; var reason: String; var message: String; var code: String? }
                    var resource: String
                    var condition: Condition
                }
                var resources: [Entry]
            }
            let status = try await e.steward("status", "--output", "json")
            let entry = try #require(try JSONDecoder().decode(Status.self, from: Data(status.stdout.utf8)).resources
                .first { $0.resource == Self.pipeline })
            #expect(entry.condition.type == "Stalled")
            #expect(entry.condition.code == "permission_denied")
            #expect(entry.condition.message.contains(denied))

            // A minute of serve's ticks over the same state: the stalled key is not tried again.
            let log = try await e.serve(for: 60)
            let ticks = log.components(separatedBy: "reconcile started").count - 1
            #expect(ticks >= 30, "\(ticks) reconciles in a minute")
            #expect(await e.vertex.requests("POST", pathSuffix: "/pipelineJobs").count == 1)

            // The next reconcile holds the action back: no second create, until a person asks.
            let again = try await e.steward("apply", "--yes")
            #expect(again.status == 1)
            #expect(await e.vertex.requests("POST", pathSuffix: "/pipelineJobs").count == 2,
                    "a person's apply tries a stalled action once more")
            let retry = try await e.steward("retry", Self.pipeline)
            #expect(retry.status == 0, "\(retry.stderr)")
            #expect(retry.stdout.contains("retry requested for \(Self.pipeline)"), "\(retry.stdout)")
        }
    }

    @Test("a job with the run's id that is not Steward's is never adopted: the Pipeline stalls naming it, one job stays")
    func interruptedRunIsAdopted() async throws {
        try await EndToEnd.with { e in
            // Apply until the build and the checks have passed and the run is due, without starting it.
            var due: PlanJSON.Change?
            for _ in 0..<20 {
                due = try await e.plan().changes("run-pipeline").first { $0.action == "start" }
                if due != nil { break }
                try await e.apply()
            }
            let runID = try #require(due?.id).replacingOccurrences(of: "run-pipeline/", with: "")

            // Someone else's job holds the run's id and none of Steward's labels, so the labelled list never sees
            // it: adopting it would plan the run again on every reconcile. The id still prevents a second job.
            let template = try Data(contentsOf: URL(fileURLWithPath: e.repository + "/examples/cifar10/training_pipeline/pipeline.json"))
            let spec = try JSONSerialization.jsonObject(with: template)
            let body = try JSONSerialization.data(withJSONObject: [
                "displayName": "cifar10-training",
                "pipelineSpec": spec,
                "runtimeConfig": ["gcsOutputDirectory": "gs://\(EndToEnd.dataBucket)/tfx_pipeline_output/cifar10-training"],
            ])
            let created = await e.vertex.handle(FakeRequest(
                method: "POST", path: "/v1/projects/\(EndToEnd.project)/locations/\(EndToEnd.region)/pipelineJobs",
                query: ["pipelineJobId": runID], body: Array(body)))
            #expect(created.status == 200)
            #expect(await e.vertex.pipelineJobCount() == 1)

            let result = try await e.steward("apply", "--yes")
            #expect(result.status == 1, "\(result.stdout)")
            #expect(result.stdout.contains("run-pipeline \(Self.pipeline) stalled"), "\(result.stdout)")
            #expect(result.stderr.contains("pipelineJobs/\(runID)' exists and is not this Pipeline's (it has no labels)"),
                    "\(result.stderr)")
            #expect(await e.vertex.pipelineJobCount() == 1)
            let attempts = await e.vertex.requests("POST", pathSuffix: "/pipelineJobs")
            #expect(attempts.map(\.status) == [200, 409])
            #expect(attempts.last?.query["pipelineJobId"] == runID)
        }
    }

    @Test("a plan with nothing to start sends as many requests for 3 pipelines as for 1")
    func planRequestsDoNotGrowWithPipelines() async throws {
        var counts: [Int: RequestCounts] = [:]
        for pipelines in [1, 3] {
            counts[pipelines] = try await EndToEnd.with(pipelines: pipelines) { e in
                var applies = 0
                while await e.vertex.pipelineJobCount() < pipelines && applies < 20 {
                    try await e.apply()
                    applies += 1
                }
                #expect(await e.vertex.pipelineJobCount() == pipelines)
                // The pipelines share one image (same name, same context tree): it is built once; each runs its checks.
                let builds = await e.cloudBuild.builds(tagged: CloudBuildImageBuilder.managedTag)
                #expect(builds == 1, "\(pipelines) pipelines sharing one image made \(builds) builds")
                #expect(await e.cloudBuild.builds(tagged: CloudBuildCheckService.checkTag) == 2 * pipelines)
                let before = await e.requestCounts()
                let plan = try await e.plan()
                let sent = await e.requestCounts() - before
                #expect(plan.changes.allSatisfy { $0.action == "wait" }, "\(plan.changes.map { "\($0.id) \($0.action)" })")
                // One list per Vertex AI kind (pipeline jobs, models, endpoints, batch prediction jobs), one of Cloud
                // Build's managed builds and one of its check builds, one of the Release's repository; Cloud Storage lists per Dataset, span,
                // collection, Evaluation output and modules destination, which the copies share.
                #expect(sent.vertex == 4)
                #expect(sent.cloudBuild == 2, "one list of image builds, one of checks")
                #expect(sent.github == 1)
                print("steward e2e: one plan with nothing to start, \(pipelines) pipeline(s): \(sent) HTTP requests")
                return sent
            }
        }
        // List calls per kind, not calls per resource: two more pipelines add no request.
        #expect(counts[1] != nil && counts[1] == counts[3], "requests of one plan by number of pipelines: \(counts)")
    }

    @Test("--provider gcp without the Project's spec.gcp is refused with what to add")
    func gcpWithoutSettingsIsRefused() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("steward-e2e-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.copyItem(atPath: EndToEnd.packageRoot + "/examples/quickstart", toPath: path)
        let environment = ProcessInfo.processInfo.environment
        let git = try await ProcessResult.run("/bin/sh", ["-c", "git init -q -b main && git add -A && git -c user.name=e2e -c user.email=e2e@example.com commit -qm quickstart"],
                                              directory: path, environment: environment)
        #expect(git.status == 0, "\(git.stderr)")
        let result = try await ProcessResult.run(EndToEnd.binary, ["plan", "--provider", "gcp"], directory: path,
                                                 environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Project/quickstart has no spec.gcp"), "\(result.stderr)")
        #expect(result.stderr.contains("spec.gcp.bucket"), "\(result.stderr)")
    }
}
