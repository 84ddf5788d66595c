/// The model loop: which run's model is current, its upload, releases and endpoint rollouts.
extension PlanningContext {
    /// The newest successful run of a Pipeline with a model (and blessed, where the Pipeline reports a blessing).
    func candidateRun(of pipeline: String) -> ObservedRun? {
        guard let spec = manifests.pipeline(named: pipeline) else { return nil }
        let requireBlessing = spec.outputs?.blessing != nil
        return (runsByPipeline[pipeline] ?? [])
            .filter { $0.state == .succeeded && $0.modelURI != nil && (!requireBlessing || $0.blessed == true) }
            .max { ($0.finishedAt ?? $0.createdAt, $0.id) < ($1.finishedAt ?? $1.createdAt, $1.id) }
    }

    /// Why a Pipeline has no model to offer yet, for conditions.
    func noModelMessage(_ pipeline: String) -> String {
        guard let spec = manifests.pipeline(named: pipeline) else { return "Pipeline '\(pipeline)' is not declared" }
        if spec.outputs?.model == nil {
            return "Pipeline '\(pipeline)' declares no 'outputs.model'; declare the task and artifact holding the model"
        }
        let runs = runsByPipeline[pipeline] ?? []
        if runs.contains(where: { !$0.state.isFinished }) { return "waiting for the run of Pipeline '\(pipeline)' in progress" }
        if runs.contains(where: { $0.state == .succeeded && $0.blessed == false }) {
            return "no blessed run of Pipeline '\(pipeline)' yet"
        }
        return "no successful run of Pipeline '\(pipeline)' yet"
    }

    /// Whether a Pipeline has work in progress that may bring a model, so consumers wait rather than idle.
    func pipelineBusy(_ pipeline: String) -> Bool {
        (runsByPipeline[pipeline] ?? []).contains { !$0.state.isFinished }
            || changes.contains { $0.resource == ResourceID(.pipeline, pipeline) }
    }

    /// Model ids: the run id, which Vertex accepts (`[a-z][a-z0-9_-]{0,62}`), shortened with a hash when longer.
    static func modelID(forRun runID: String) -> String {
        if runID.count <= 63 { return runID }
        return String(runID.prefix(50)) + "-" + String(ContentKey.digest(of: runID).prefix(12))
    }

    /// Plans the upload of a run's model when something consumes it; returns the change id when planned.
    mutating func planUpload(of run: ObservedRun, servingImage: String) -> String? {
        let modelID = Self.modelID(forRun: run.id)
        if modelsByID[modelID] != nil { return nil }
        let id = "upload-model/\(modelID)"
        var labels = StewardLabel.owned(by: run.pipeline, key: run.key)
        labels[StewardLabel.run] = String(run.id.prefix(63))
        add(Change(id: id, resource: ResourceID(.pipeline, run.pipeline), operation: .uploadModel, action: .create,
                   reason: "model of run '\(run.id)' is taken by an Endpoint or Evaluation",
                   key: ContentKey.key(["model": modelID, "artifact": run.modelURI ?? ""]),
                   detail: .uploadModel(UploadModel(modelID: modelID, displayName: modelID, pipeline: run.pipeline,
                                                    runID: run.id, artifactURI: run.modelURI ?? "",
                                                    servingImage: servingImage, labels: labels))))
        return id
    }

    // MARK: Release

    mutating func planRelease(_ resource: Resource, _ spec: ReleaseSpec) {
        if spec.suspend {
            setCondition(resource, .suspended, "Suspended", "suspend is true; nothing is planned")
            return
        }
        guard let repository = spec.repository ?? manifests.project?.1.github?.repository else {
            setCondition(resource, .stalled, "NoRepository",
                         "no repository to release to; set 'repository' or the Project's 'github.repository'")
            return
        }
        guard let run = candidateRun(of: spec.model.pipeline), let modelURI = run.modelURI else {
            setCondition(resource, .progressing, "WaitingForModel", noModelMessage(spec.model.pipeline))
            return
        }
        let values = [PlaceholderName.pipeline: run.pipeline, PlaceholderName.runID: run.id,
                      PlaceholderName.runKey: String(run.key.prefix(12)),
                      PlaceholderName.runCommit: String((run.commit ?? "").prefix(7))]
        guard case .success(let template) = PlaceholderString.parse(spec.tag, known: Placeholders.releaseTag),
              case .success(let tag) = template.expand(values) else {
            setCondition(resource, .stalled, "InvalidTag", "tag '\(spec.tag)' does not expand for run '\(run.id)'")
            return
        }
        let existing = observed.releases.first { $0.repository == repository && $0.tag == tag }
        var createID: String?
        if existing == nil {
            let id = "create-release/\(repository)/\(tag)"
            let body = "Model of run \(run.id) of Pipeline '\(run.pipeline)', trained at commit \(run.commit ?? "unknown") on spans \(Spans.describe(run.spans))."
            add(Change(id: id, resource: resource.id, operation: .createRelease, action: .create,
                       reason: "new model from run '\(run.id)'", key: ContentKey.key(["repository": repository, "tag": tag]),
                       detail: .createRelease(CreateRelease(repository: repository, tag: tag, name: "\(run.pipeline) \(tag)",
                                                            body: body, commit: run.commit ?? source.revision,
                                                            draft: spec.draft, prerelease: spec.prerelease))))
            createID = id
        }
        var pending = 0
        for asset in spec.assets where !(existing?.assets.contains(asset.name) ?? false) {
            pending += 1
            add(Change(id: "upload-asset/\(repository)/\(tag)/\(asset.name)", resource: resource.id, operation: .uploadAsset,
                       action: .create, reason: "'\(asset.name)' built from the model of run '\(run.id)'",
                       key: ContentKey.key(["repository": repository, "tag": tag, "asset": asset.name]),
                       dependsOn: createID.map { [$0] } ?? [],
                       detail: .uploadAsset(UploadAsset(repository: repository, tag: tag, name: asset.name, modelURI: modelURI))))
        }
        if existing == nil || pending > 0 {
            setCondition(resource, .progressing, "Releasing", "releasing '\(tag)' in '\(repository)'")
        } else {
            setCondition(resource, .ready, "Released", "'\(tag)' in '\(repository)' holds the model of run '\(run.id)'")
        }
    }

    // MARK: Endpoint

    /// Whether an Evaluation of this model passed (which promotes a canary).
    func modelPassed(_ modelID: String) -> EvaluationRecord? {
        observed.evaluations.first { $0.model == modelID && $0.passed }
    }

    mutating func planEndpoint(_ resource: Resource, _ spec: EndpointSpec) {
        if spec.suspend {
            setCondition(resource, .suspended, "Suspended", "suspend is true; nothing is planned")
            return
        }
        let observedEndpoint = endpointsByResource[resource.name]
        var createID: String?
        if observedEndpoint == nil {
            let id = "create-endpoint/\(resource.name)"
            add(Change(id: id, resource: resource.id, operation: .createEndpoint, action: .create,
                       reason: "no endpoint '\(spec.displayName)' yet", key: ContentKey.key(["endpoint": resource.name]),
                       detail: .createEndpoint(CreateEndpoint(resource: resource.name, displayName: spec.displayName,
                                                              labels: StewardLabel.owned(by: resource.name)))))
            createID = id
        }
        guard let run = candidateRun(of: spec.model.pipeline) else {
            if observedEndpoint?.deployedModels.isEmpty ?? true {
                setCondition(resource, .progressing, "WaitingForModel", noModelMessage(spec.model.pipeline))
            } else {
                setCondition(resource, .ready, "Serving", "serving \(describe(observedEndpoint!.trafficSplit, observedEndpoint!))")
            }
            return
        }
        let modelID = Self.modelID(forRun: run.id)
        let uploadID = planUpload(of: run, servingImage: spec.servingImage)
        let deployed = observedEndpoint?.deployedModels ?? []
        let split = observedEndpoint?.trafficSplit ?? [:]

        guard let current = deployed.first(where: { $0.modelID == modelID }) else {
            // A new model: all traffic when it is the first, else the canary share beside the model serving most
            // (an earlier canary that never passed is replaced, not taken for the primary).
            var traffic: [String: Int] = ["0": 100]
            var reason = "new model from run '\(run.id)'"
            if let primary = primaryDeployment(withoutCanary(deployed, split: split), split: split),
               spec.rollout.canaryPercent < 100 {
                traffic = ["0": spec.rollout.canaryPercent, primary.id: 100 - spec.rollout.canaryPercent]
                for other in deployed where other.id != primary.id { traffic[other.id] = 0 }
                reason += " as a \(spec.rollout.canaryPercent)% canary"
            } else {
                for other in deployed { traffic[other.id] = 0 }
            }
            add(Change(id: "deploy-model/\(resource.name)/\(modelID)", resource: resource.id, operation: .deployModel,
                       action: .create, reason: reason, key: ContentKey.key(["endpoint": resource.name, "model": modelID]),
                       dependsOn: [createID, uploadID].compactMap { $0 },
                       detail: .deployModel(DeployModel(endpoint: resource.name, modelID: modelID,
                                                        deployedDisplayName: modelID, machineType: spec.machineType,
                                                        minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas,
                                                        trafficSplit: traffic))))
            setCondition(resource, .progressing, "RollingOut", "deploying model '\(modelID)'")
            return
        }

        // The declared split: the newest model at 100% once promoted (or when alone, or with no canary), else the canary share.
        let others = deployed.filter { $0.id != current.id }
        var desired: [String: Int] = [current.id: 100]
        var promotion: String?
        let passed = modelPassed(modelID)
        if let primary = primaryDeployment(others, split: split), spec.rollout.canaryPercent < 100, passed == nil {
            desired = [current.id: spec.rollout.canaryPercent, primary.id: 100 - spec.rollout.canaryPercent]
        } else if let passed, !others.isEmpty, (split[current.id] ?? 0) < 100 {
            promotion = "promote model '\(modelID)': Evaluation '\(passed.evaluation)' passed on \(batchName(passed.batch)) (\(String(format: "%.2f", passed.accuracy)) ≥ \(String(format: "%.2f", passed.threshold)))"
        }
        for other in others where desired[other.id] == nil { desired[other.id] = 0 }
        var trafficID: String?
        if normalized(split, deployed) != desired {
            let id = "set-traffic/\(resource.name)/\(ContentKey.digest(of: desired.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")).prefix(12))"
            let reason = promotion ?? "traffic differs from the declared split: \(describe(split, observedEndpoint!)) → \(describe(desired, observedEndpoint!))"
            add(Change(id: id, resource: resource.id, operation: .setTraffic, action: .update, reason: reason,
                       key: nil, detail: .setTraffic(SetTraffic(endpoint: resource.name, trafficSplit: desired))))
            trafficID = id
        }
        if spec.prune, allowDeletions {
            for other in others where desired[other.id] == 0 {
                add(Change(id: "undeploy-model/\(resource.name)/\(other.modelID)", resource: resource.id,
                           operation: .undeployModel, action: .delete,
                           reason: "model '\(other.modelID)' has no traffic (prune: true)", key: nil,
                           dependsOn: trafficID.map { [$0] } ?? [],
                           detail: .undeployModel(UndeployModel(endpoint: resource.name, deployedModelID: other.id,
                                                                modelID: other.modelID))))
            }
        }
        if trafficID != nil {
            setCondition(resource, .progressing, promotion != nil ? "Promoting" : "CorrectingTraffic",
                         promotion ?? "setting traffic back to the declared split")
        } else if desired[current.id] ?? 0 < 100 {
            setCondition(resource, .progressing, "Canary",
                         "model '\(modelID)' serves \(desired[current.id] ?? 0)% until an Evaluation of it passes")
        } else {
            setCondition(resource, .ready, "Serving", "serving model '\(modelID)' with 100% of traffic")
        }
    }

    /// The deployment serving the most traffic (the newest on a tie).
    func primaryDeployment(_ deployed: [ObservedEndpoint.DeployedModel], split: [String: Int]) -> ObservedEndpoint.DeployedModel? {
        deployed.max { a, b in
            let ta = split[a.id] ?? 0, tb = split[b.id] ?? 0
            if ta != tb { return ta < tb }
            return (a.createdAt ?? Instant(millisecondsSinceEpoch: 0), a.id) < (b.createdAt ?? Instant(millisecondsSinceEpoch: 0), b.id)
        }
    }

    /// The deployments without an unpromoted canary: the newest deployment while it shares the traffic with others
    /// and no Evaluation of its model passed. It may hold most of the traffic (`canaryPercent` above 50) or tie.
    func withoutCanary(_ deployed: [ObservedEndpoint.DeployedModel], split: [String: Int]) -> [ObservedEndpoint.DeployedModel] {
        guard deployed.count > 1, let newest = deployed.max(by: {
            ($0.createdAt ?? Instant(millisecondsSinceEpoch: 0), $0.id) < ($1.createdAt ?? Instant(millisecondsSinceEpoch: 0), $1.id)
        }), (split[newest.id] ?? 0) < 100, modelPassed(newest.modelID) == nil else { return deployed }
        return deployed.filter { $0.id != newest.id }
    }

    /// The observed split with every deployed model present (missing means 0).
    func normalized(_ split: [String: Int], _ deployed: [ObservedEndpoint.DeployedModel]) -> [String: Int] {
        var out: [String: Int] = [:]
        for model in deployed { out[model.id] = split[model.id] ?? 0 }
        return out
    }

    func describe(_ split: [String: Int], _ endpoint: ObservedEndpoint) -> String {
        let names = Dictionary(endpoint.deployedModels.map { ($0.id, $0.modelID) }, uniquingKeysWith: { a, _ in a })
        return split.sorted { $0.key < $1.key }.map { "\(names[$0.key] ?? $0.key) \($0.value)%" }.joined(separator: ", ")
    }

    func batchName(_ batch: String) -> String {
        batch.split(separator: "/").last.map(String.init) ?? batch
    }
}
