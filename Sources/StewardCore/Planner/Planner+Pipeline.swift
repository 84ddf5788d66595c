extension PlanningContext {
    /// The inputs of one run of a Pipeline at the revision, resolved from the manifests, the repository and the spans.
    struct RunInputs {
        var imageTree: String?
        var modulesTree: String?
        var templateDigest: String
        /// Where the run reads its spec: as declared, or where a check stored the one it produced.
        var template: TemplateSource
        var spans: [Int]
        var parameters: [String: ParameterValue]
        var key: String
    }

    /// Why a Pipeline cannot be planned: it waits, or it needs a person.
    enum Blocked: Error {
        case waiting(reason: String, message: String, on: Change?)
        case stalled(reason: String, message: String)
    }

    mutating func planPipeline(_ resource: Resource, _ spec: PipelineSpec) {
        if spec.suspend {
            setCondition(resource, .suspended, "Suspended", "suspend is true; nothing is planned")
            return
        }
        var checkOutputs: [String: ObservedCheck] = [:]
        if !spec.checks.isEmpty, let image = spec.image,
           let imageTree = source.tree(image.context, excluding: Planner.excludedModules(spec)) {
            let modulesTree = spec.modules.flatMap { source.tree($0.source) }
            if spec.modules == nil || modulesTree != nil {
                guard let passed = planChecks(resource, spec, image: image, imageTree: imageTree, modulesTree: modulesTree) else {
                    return
                }
                checkOutputs = passed
            }
        }
        let inputs: RunInputs
        switch resolveInputs(resource, spec, checkOutputs: checkOutputs) {
        case .success(let resolved): inputs = resolved
        case .failure(.stalled(let reason, let message)):
            setCondition(resource, .stalled, reason, message)
            return
        case .failure(.waiting(let reason, let message, let change)):
            if let change { changes.append(change) }
            setCondition(resource, .progressing, reason, message)
            return
        }

        let runs = runsByPipeline[resource.name] ?? []
        let current = runs.filter { $0.key == inputs.key }.sorted { $0.attempt < $1.attempt }

        if let done = current.last(where: { $0.state == .succeeded }) {
            setCondition(resource, .ready, "RunSucceeded", "run '\(done.id)' succeeded at \(short(done.commit ?? source.revision))")
            return
        }
        if let active = current.last(where: { !$0.state.isFinished }) {
            changes.append(waitChange(resource, .runPipeline, object: active.id, since: active.createdAt, key: inputs.key,
                                      reason: "run '\(active.id)' \(active.state.rawValue)\(age(since: active.createdAt))"))
            setCondition(resource, .progressing, "RunInProgress", "run '\(active.id)' is \(active.state.rawValue)")
            return
        }
        let failures = current.filter { $0.state == .failed }
        if failures.count > spec.retries {
            let last = failures.last!
            let times = failures.count == 1 ? "once" : "\(failures.count) times"
            let detail = last.message.map { ": \($0)" } ?? ""
            setCondition(resource, .stalled, "RetriesExhausted",
                         "run '\(last.id)' failed \(times)\(detail); fix the pipeline and commit, or raise 'retries' (now \(spec.retries))")
            return
        }
        let attempt = (current.map(\.attempt).max() ?? 0) + 1
        planNewRun(resource, spec, inputs: inputs, attempt: attempt, runs: runs, failures: failures)
    }

    /// Builds, copies and starts what a new run needs, following the concurrency policy.
    private mutating func planNewRun(_ resource: Resource, _ spec: PipelineSpec, inputs: RunInputs, attempt: Int,
                                     runs: [ObservedRun], failures: [ObservedRun]) {
        let last = lastRun(of: resource.name)
        let why = runReason(spec, inputs: inputs, last: last)
        guard let needed = prerequisites(resource, spec, imageTree: inputs.imageTree, modulesTree: inputs.modulesTree,
                                         last: last) else { return }
        var dependencies = needed.dependencies
        var blockedBy = needed.blockedBy

        let others = runs.filter { !$0.state.isFinished && $0.key != inputs.key }.sorted { $0.createdAt < $1.createdAt }
        var policy = spec.concurrencyPolicy
        // Cancelling is destructive: never while any manifest is invalid.
        let heldBack = policy == .replace && !allowDeletions && !others.isEmpty
        if heldBack { policy = .queue }
        switch policy {
        case .queue:
            if let running = others.first, blockedBy == nil {
                let why = heldBack ? "no cancellation while manifests are invalid" : "concurrencyPolicy Queue"
                changes.append(waitChange(resource, .runPipeline, object: running.id, since: running.createdAt, key: inputs.key,
                                          reason: "queued behind run '\(running.id)', \(running.state.rawValue)\(age(since: running.createdAt)) (\(why))"))
                blockedBy = "queued behind run '\(running.id)'"
            }
        case .replace:
            for running in others {
                let id = "cancel-run/\(running.id)"
                changes.append(Change(id: id, resource: resource.id, operation: .cancelRun, action: .delete,
                                      reason: "replaced by a run of \(short(source.revision)) (concurrencyPolicy Replace)",
                                      key: running.key, detail: .cancelRun(CancelRun(runID: running.id))))
                dependencies.append(id)
            }
        case .allow:
            break
        }
        if let blockedBy {
            setCondition(resource, .progressing, "Waiting", blockedBy)
            return
        }

        let run = runDetail(resource, spec, inputs: inputs, attempt: attempt)
        var reason = why
        if let failed = failures.last {
            reason = "attempt \(attempt) of \(spec.retries + 1): run '\(failed.id)' failed"
        }
        changes.append(Change(id: "run-pipeline/\(run.runID)", resource: resource.id, operation: .runPipeline,
                              action: .start, reason: reason, key: inputs.key, dependsOn: dependencies,
                              detail: .runPipeline(run)))
        setCondition(resource, .progressing, "RunDue", "run '\(run.runID)' is due: \(reason)")
    }

    /// The build and the module copy a run or a check of these trees needs: the changes to depend on, what it
    /// waits for, or nil when the image failed to build (the Pipeline is `Stalled`).
    mutating func prerequisites(_ resource: Resource, _ spec: PipelineSpec, imageTree: String?, modulesTree: String?,
                                last: ObservedRun?) -> (dependencies: [String], blockedBy: String?)? {
        var dependencies: [String] = []
        var blockedBy: String?
        if let image = spec.image, let tree = imageTree {
            let existing = (imagesByName[image.name] ?? []).filter { $0.tree == tree }
            if existing.contains(where: { $0.state == .succeeded }) {
                // Built before (a revert, or another commit with the same context): nothing to build.
            } else if let building = existing.first(where: { !$0.state.isFinished }) {
                changes.append(waitChange(resource, .buildImage, object: building.buildID ?? "\(image.name):\(tree)",
                                          since: building.startedAt, key: nil,
                                          reason: "image build '\(building.buildID ?? tree)' \(building.state.rawValue)\(age(since: building.startedAt))"))
                blockedBy = "image build of '\(image.name):\(short(tree))' in progress"
            } else if let failed = existing.first(where: { $0.state == .failed && ($0.localBuild == nil || $0.localBuild == spec.local?.build) }) {
                let fix = failed.localBuild == nil ? "fix the image context and commit" : "fix the image context or local.build and commit"
                setCondition(resource, .stalled, "BuildFailed",
                             "image build '\(failed.buildID ?? tree)' of '\(image.name):\(short(tree))' failed\(failed.message.map { ": \($0)" } ?? ""); \(fix)")
                return nil
            } else {
                // Never built, or it failed with another local.build command than the one declared now.
                let key = ContentKey.key(["image": image.name, "tree": tree, "dockerfile": image.resolvedDockerfile.value])
                // One build per image and tree, however many Pipelines share them.
                let id = "build-image/\(image.name)/\(tree)"
                let detail = BuildImage(pipeline: resource.name, imageName: image.name, tree: tree, context: image.context,
                                        excluding: Planner.excludedModules(spec), dockerfile: image.resolvedDockerfile,
                                        commit: source.revision, localBuild: spec.local?.build)
                add(Change(id: id, resource: resource.id, operation: .buildImage, action: .create,
                                      reason: imageReason(spec, tree: tree, last: last), key: key,
                                      detail: .buildImage(detail)))
                dependencies.append(id)
            }
        }
        if let modules = spec.modules, let tree = modulesTree,
           !moduleCopies.contains(ObservedModuleCopy(destination: modules.destination, tree: tree)) {
            let id = "copy-modules/\(modules.destination)/\(tree)"
            let key = ContentKey.key(["destination": modules.destination.description, "tree": tree])
            add(Change(id: id, resource: resource.id, operation: .copyModules, action: .create,
                                  reason: modulesReason(spec, tree: tree, last: last), key: key,
                                  detail: .copyModules(CopyModules(source: modules.source, tree: tree,
                                                                   destination: modules.destination,
                                                                   commit: source.revision))))
            dependencies.append(id)
        }

        return (dependencies, blockedBy)
    }

    /// How many times a check that could not run (not one that failed) is started for one key.
    static let checkAttempts = 3

    /// Seconds to wait before starting a check again after `failures` attempts that could not run: the
    /// first again at once, then 30 s, 60 s, … up to 10 minutes.
    static func checkBackoff(after failures: Int) -> Double {
        failures <= 1 ? 0 : min(600, 30 * Double(1 << min(failures - 2, 10)))
    }

    /// The Pipeline's checks for these trees, in order: nil when one is due, running or failed (its change
    /// and the condition are set), else what each passed check observed.
    mutating func planChecks(_ resource: Resource, _ spec: PipelineSpec, image: PipelineSpec.Image, imageTree: String,
                             modulesTree: String?) -> [String: ObservedCheck]? {
        var outputs: [String: ObservedCheck] = [:]
        var before = ""
        let observed = checksByPipeline[resource.name] ?? []
        for check in spec.checks {
            let key = ContentKey.key([
                "image": imageTree, "modules": modulesTree ?? "", "command": check.command,
                "template": check.template?.value ?? "", "before": before,
            ])
            before = key
            let mine = observed.filter { $0.key == key && $0.name == check.name }.sorted { $0.attempt < $1.attempt }
            if let passed = mine.last(where: { $0.state == .succeeded }) {
                outputs[check.name] = passed
                continue
            }
            let trees = "image tree \(short(imageTree))" + (modulesTree.map { ", modules tree \(short($0))" } ?? "")
            if let active = mine.last(where: { !$0.state.isFinished }) {
                changes.append(waitChange(resource, .runCheck, object: active.id, since: active.createdAt, key: key,
                                          reason: "check '\(check.name)' \(active.state.rawValue)\(age(since: active.createdAt)): \(trees)"))
                setCondition(resource, .progressing, "CheckInProgress", "check '\(check.name)' is \(active.state.rawValue)")
                return nil
            }
            let latest = mine.last
            let retried = self.retried.contains(resource.id)
            if let latest, latest.state == .failed, latest.failedByResult, !retried {
                setCondition(resource, .stalled, "CheckFailed",
                             "check '\(check.name)' failed\(latest.message.map { ": \($0)" } ?? ""); fix it and commit, or run 'steward retry Pipeline/\(resource.name)'")
                return nil
            }
            let couldNotRun = mine.filter { $0.state == .failed && !$0.failedByResult }
            if couldNotRun.count >= Self.checkAttempts, !retried, let last = couldNotRun.last {
                setCondition(resource, .stalled, "CheckCouldNotRun",
                             "check '\(check.name)' could not run \(couldNotRun.count) times\(last.message.map { ": \($0)" } ?? ""); run 'steward retry Pipeline/\(resource.name)'")
                return nil
            }
            if let last = couldNotRun.last, !retried, Self.checkBackoff(after: couldNotRun.count) > 0 {
                let due = (last.finishedAt ?? last.createdAt).adding(seconds: Self.checkBackoff(after: couldNotRun.count))
                if due > now {
                    changes.append(waitChange(resource, .runCheck, object: last.id, since: last.finishedAt, key: key,
                                              reason: "check '\(check.name)' could not run (\(last.message ?? "failed")); trying again at \(due.iso8601)"))
                    setCondition(resource, .progressing, "CheckBackingOff",
                                 "check '\(check.name)' could not run \(couldNotRun.count == 1 ? "once" : "\(couldNotRun.count) times"); trying again at \(due.iso8601)")
                    return nil
                }
            }
            guard let needed = prerequisites(resource, spec, imageTree: imageTree, modulesTree: modulesTree,
                                             last: lastRun(of: resource.name)) else { return nil }
            if let blockedBy = needed.blockedBy {
                setCondition(resource, .progressing, "Waiting", blockedBy)
                return nil
            }
            let attempt = (latest?.attempt ?? 0) + 1
            var id = "\(resource.name)-\(check.name)-\(key.prefix(12))-\(attempt)"
            if let first = id.first, !first.isLetter { id = "check-" + id }
            let detail = RunCheck(checkID: id, pipeline: resource.name, name: check.name, key: key, attempt: attempt,
                                  command: check.command, timeout: check.timeout, template: check.template,
                                  image: "\(image.name):\(imageTree)", imageTree: imageTree, context: image.context,
                                  dockerfile: image.resolvedDockerfile, modulesSource: spec.modules?.source,
                                  modulesTree: modulesTree,
                                  modules: spec.modules.flatMap { modules in modulesTree.map { modules.destination.appending($0) } },
                                  commit: source.revision, localBuild: spec.local?.build,
                                  templateDestination: check.template.map { _ in templateDestination(key: key) })
            let why = latest.map { "\(check.name): attempt \(attempt) after '\($0.id)' \($0.state.rawValue)" } ?? "\(check.name): \(trees)"
            changes.append(Change(id: "run-check/\(id)", resource: resource.id, operation: .runCheck, action: .start,
                                  reason: why, key: key, dependsOn: needed.dependencies, detail: .runCheck(detail)))
            setCondition(resource, .progressing, "CheckDue", "check '\(check.name)' is due: \(trees)")
            return nil
        }
        return outputs
    }

    /// Where a check's template is kept: under the Project's bucket on gcp, under the local root otherwise.
    func templateDestination(key: String) -> StorageURI {
        if let bucket = manifests.project?.1.gcp?.bucket { return bucket.appending("steward/templates/\(key)") }
        return StorageURI(bucket: RecordName.localTemplateBucket, path: "templates/\(key)")
    }

    /// The Pipeline's service account, else the Project's.
    func serviceAccount(_ spec: PipelineSpec) -> String? {
        spec.serviceAccount ?? manifests.project?.1.gcp?.serviceAccount
    }

    func waitChange(_ resource: Resource, _ operation: Operation, object: String, since: Instant?, key: String?,
                    reason: String) -> Change {
        Change(id: "wait/\(operation.rawValue)/\(object)", resource: resource.id, operation: operation, action: .wait,
               reason: reason, key: key, detail: .wait(Wait(object: object, since: since)))
    }

    /// Resolves trees, spans and parameters; a Pipeline that cannot run yet waits, one that never can is stalled.
    func resolveInputs(_ resource: Resource, _ spec: PipelineSpec,
                       checkOutputs: [String: ObservedCheck] = [:]) -> Result<RunInputs, Blocked> {
        let at = "at commit \(short(source.revision))"
        var imageTree: String?
        if let image = spec.image {
            guard let tree = source.tree(image.context, excluding: Planner.excludedModules(spec)) else {
                return .failure(.stalled(reason: "SourceMissing",
                                         message: "image context '\(image.context)' does not exist \(at); commit it or fix 'image.context'"))
            }
            imageTree = tree
        }
        var modulesTree: String?
        if let modules = spec.modules {
            guard let tree = source.tree(modules.source) else {
                return .failure(.stalled(reason: "SourceMissing",
                                         message: "modules folder '\(modules.source)' does not exist \(at); commit it or fix 'modules.source'"))
            }
            modulesTree = tree
        }
        let templateDigest: String
        var template = spec.template
        switch spec.template {
        case .repository(let path):
            guard let blob = source.blobs[path] else {
                return .failure(.stalled(reason: "SourceMissing",
                                         message: "template '\(path)' does not exist \(at); commit the compiled pipeline spec or fix 'template'"))
            }
            templateDigest = blob
        case .storage(let uri):
            templateDigest = uri.description
        case .check(let name):
            // The checks passed (the gate runs first); the spec is what this one produced, by content.
            guard let produced = checkOutputs[name], let stored = produced.template, let digest = produced.templateDigest else {
                return .failure(.stalled(reason: "CheckFailed",
                                         message: "check '\(name)' passed but its template was not found; run 'steward retry Pipeline/\(resource.name)'"))
            }
            templateDigest = "check:" + digest
            template = .storage(stored)
        }

        var spans: [Int] = []
        var datasetRoot: StorageURI?
        if let name = spec.dataset, let dataset = datasetsByName[name] {
            datasetRoot = dataset.root
            spans = Spans.newest(spec.spans ?? 1, of: self.spans(of: dataset.root))
            if spans.isEmpty {
                let preparing = preparesSpan(of: name)
                let wait = preparing.map { _ in
                    waitChange(resource, .runPipeline, object: "Dataset/\(name)", since: nil, key: nil,
                               reason: "waiting for span 1 of Dataset '\(name)'")
                }
                return .failure(.waiting(reason: "WaitingForData",
                                         message: "no complete span of Dataset '\(name)' yet", on: wait))
            }
        }

        var values: [String: String] = [PlaceholderName.pipelineRoot: spec.root.description]
        if let image = spec.image, let imageTree { values[PlaceholderName.image] = "\(image.name):\(imageTree)" }
        if let modules = spec.modules, let modulesTree {
            values[PlaceholderName.modules] = modules.destination.appending(modulesTree).description
        }
        if let datasetRoot { values[PlaceholderName.datasetRoot] = datasetRoot.description }
        if !spans.isEmpty {
            values[PlaceholderName.spansFirst] = String(spans.first!)
            values[PlaceholderName.spansLast] = String(spans.last!)
            values[PlaceholderName.spansList] = spans.map(String.init).joined(separator: ",")
            if let glob = Spans.exactGlob(spans) { values[PlaceholderName.spansGlob] = glob }
        }
        var parameters: [String: ParameterValue] = [:]
        for (name, value) in spec.parameters {
            guard case .string(let text) = value else {
                parameters[name] = value
                continue
            }
            guard case .success(let template) = PlaceholderString.parse(text, known: Placeholders.pipelineParameters) else {
                return .failure(.stalled(reason: "InvalidParameter", message: "parameter '\(name)' has an invalid placeholder"))
            }
            switch template.expand(values) {
            case .success(let expanded): parameters[name] = .string(expanded)
            case .failure(let missing) where missing.name == PlaceholderName.spansGlob:
                return .failure(.stalled(
                    reason: "InexactSpanPattern",
                    message: "spans \(Spans.describe(spans)) have no exact glob for parameter '\(name)' (a character class cannot select exactly them); use '${spans.first}' and '${spans.last}' with a '{SPAN}' pattern and a range config instead of '${spans.glob}'"))
            case .failure(let missing):
                return .failure(.stalled(reason: "InvalidParameter",
                                         message: "parameter '\(name)' uses '${\(missing.name)}', which has no value for this Pipeline"))
            }
        }

        let canonicalParameters = parameters.keys.sorted().map { "\($0)=\(parameters[$0]!.canonical)" }.joined(separator: "\n")
        let key = ContentKey.key([
            "template": templateDigest,
            "image": imageTree ?? "",
            "modules": modulesTree ?? "",
            "parameters": canonicalParameters,
            "spans": spans.map(String.init).joined(separator: ","),
            "dataset.root": datasetRoot?.description ?? "",
            "root": spec.root.description,
            "serviceAccount": serviceAccount(spec) ?? "",
            "enableCaching": String(spec.enableCaching),
        ])
        return .success(RunInputs(imageTree: imageTree, modulesTree: modulesTree, templateDigest: templateDigest,
                                  template: template, spans: spans, parameters: parameters, key: key))
    }

    func runDetail(_ resource: Resource, _ spec: PipelineSpec, inputs: RunInputs, attempt: Int) -> RunPipeline {
        let name = resource.name
        var runID = "\(name)-\(inputs.key.prefix(12))-\(attempt)"
        if let first = runID.first, !first.isLetter { runID = "run-" + runID }
        var labels = StewardLabel.owned(by: name, key: inputs.key)
        labels[StewardLabel.attempt] = String(attempt)
        labels[StewardLabel.commit] = source.revision
        if let tree = inputs.imageTree { labels[StewardLabel.imageTree] = tree }
        if let tree = inputs.modulesTree { labels[StewardLabel.modulesTree] = tree }
        if !inputs.spans.isEmpty { labels[StewardLabel.spans] = inputs.spans.map(String.init).joined(separator: "_") }
        let datasetRoot = spec.dataset.flatMap { datasetsByName[$0]?.root }
        return RunPipeline(
            runID: runID, pipeline: name, displayName: spec.displayName ?? name, attempt: attempt, key: inputs.key,
            commit: source.revision, template: inputs.template, root: spec.root, parameters: inputs.parameters,
            spans: inputs.spans, datasetRoot: datasetRoot,
            image: spec.image.flatMap { image in inputs.imageTree.map { "\(image.name):\($0)" } },
            imageTree: inputs.imageTree,
            modules: spec.modules.flatMap { modules in inputs.modulesTree.map { modules.destination.appending($0) } },
            modulesTree: inputs.modulesTree, serviceAccount: serviceAccount(spec), enableCaching: spec.enableCaching,
            outputs: spec.outputs, local: spec.local, labels: labels)
    }

    // MARK: Reasons (display only)

    /// Files changed under the image context (without the modules folder) since a commit, if known.
    func imageChanges(_ spec: PipelineSpec, since commit: String) -> [String]? {
        guard let image = spec.image,
              let changed = source.changes[ChangesQuery(from: commit, path: image.context)] else { return nil }
        guard let excluded = Planner.excludedModules(spec) else { return changed }
        return changed.filter { !excluded.contains(RepositoryPath(unchecked: $0)) }
    }

    func moduleChanges(_ spec: PipelineSpec, since commit: String) -> [String]? {
        guard let modules = spec.modules else { return nil }
        return source.changes[ChangesQuery(from: commit, path: modules.source)]
    }

    func files(_ count: Int) -> String { count == 1 ? "1 file" : "\(count) files" }

    func imageReason(_ spec: PipelineSpec, tree: String, last: ObservedRun?) -> String {
        if let last, let commit = last.commit, last.imageTree != tree, let changed = imageChanges(spec, since: commit) {
            return "image context changed: \(files(changed.count)) since \(short(commit))"
        }
        return "no image for tree \(short(tree)) yet"
    }

    func modulesReason(_ spec: PipelineSpec, tree: String, last: ObservedRun?) -> String {
        if let last, let commit = last.commit, last.modulesTree != tree, let changed = moduleChanges(spec, since: commit) {
            return "modules changed: \(files(changed.count)) since \(short(commit))"
        }
        return "no copy of modules tree \(short(tree)) yet"
    }

    /// What differs from the newest run: the run's reason.
    func runReason(_ spec: PipelineSpec, inputs: RunInputs, last: ObservedRun?) -> String {
        guard let last else { return "first run" }
        let since = last.commit.map { " since \(short($0))" } ?? ""
        var parts: [String] = []
        if let tree = inputs.imageTree, last.imageTree != tree {
            if let commit = last.commit, let changed = imageChanges(spec, since: commit) {
                parts.append("image context changed: \(files(changed.count))\(since)")
            } else {
                parts.append("image context changed\(since)")
            }
        }
        if let tree = inputs.modulesTree, last.modulesTree != tree {
            if let commit = last.commit, let changed = moduleChanges(spec, since: commit) {
                parts.append("modules changed: \(files(changed.count))\(since)")
            } else {
                parts.append("modules changed\(since)")
            }
        }
        if !inputs.spans.isEmpty, last.spans != inputs.spans {
            parts.append("spans changed: \(Spans.describe(last.spans)) → \(Spans.describe(inputs.spans))")
        }
        if parts.isEmpty { parts.append("template, parameters or settings changed\(since)") }
        return parts.joined(separator: "; ")
    }
}

extension ParameterValue {
    /// A typed, unambiguous rendering for keys.
    var canonical: String {
        switch self {
        case .string(let s): "s:\(s)"
        case .int(let i): "i:\(i)"
        case .double(let d): "d:\(d)"
        case .bool(let b): "b:\(b)"
        }
    }
}
