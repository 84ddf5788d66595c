/// The evaluation loop: enough new data → batch prediction → evaluate → a new span when the model drifted.
extension PlanningContext {
    /// The model an Evaluation judges: for an endpoint, the newest model deployed there (the canary during a
    /// rollout, so that a passing evaluation promotes it); for a pipeline, the model of its newest good run.
    func modelUnderEvaluation(_ spec: EvaluationSpec) -> (model: ObservedModel?, run: ObservedRun?, waiting: String?) {
        switch spec.target {
        case .endpoint(let name):
            guard let endpoint = endpointsByResource[name], !endpoint.deployedModels.isEmpty else {
                return (nil, nil, "waiting for a model on Endpoint '\(name)'")
            }
            let newest = endpoint.deployedModels.max {
                ($0.createdAt ?? Instant(millisecondsSinceEpoch: 0), $0.id) < ($1.createdAt ?? Instant(millisecondsSinceEpoch: 0), $1.id)
            }!
            guard let model = modelsByID[newest.modelID] else {
                return (nil, nil, "model '\(newest.modelID)' deployed on Endpoint '\(name)' is not in the model registry")
            }
            return (model, observed.runs.first { $0.id == model.runID }, nil)
        case .pipeline(let name):
            guard let run = candidateRun(of: name) else { return (nil, nil, noModelMessage(name)) }
            guard let model = modelsByID[Self.modelID(forRun: run.id)] else {
                return (nil, run, "waiting for the upload of the model of run '\(run.id)'")
            }
            return (model, run, nil)
        }
    }

    mutating func planEvaluation(_ resource: Resource, _ spec: EvaluationSpec) {
        if spec.suspend {
            setCondition(resource, .suspended, "Suspended", "suspend is true; nothing is planned")
            return
        }
        guard let dataset = datasetsByName[spec.dataset], let collection = dataset.collection,
              let outputRoot = manifests.outputRoot(of: spec) else {
            setCondition(resource, .stalled, "NoCollection", "Dataset '\(spec.dataset)' has no 'collection' to evaluate on")
            return
        }
        let records = evaluationsByName[resource.name] ?? []
        planNewSpans(resource, spec, dataset: dataset, records: records)

        let (model, run, waiting) = modelUnderEvaluation(spec)
        if case .pipeline(let name) = spec.target, let run, model == nil {
            _ = planUpload(of: run, servingImage: manifests.endpoints.first { $0.1.model.pipeline == name }?.1.servingImage
                           ?? EndpointSpec(displayName: "", model: ModelSource(pipeline: name)).servingImage)
        }
        // One batch at a time: a job in progress is awaited first.
        let jobs = observed.batchJobs.filter { $0.evaluation == resource.name }
        if let active = jobs.filter({ !$0.state.isFinished }).min(by: { $0.createdAt < $1.createdAt }) {
            add(waitChange(resource, .batchPredict, object: active.id, since: active.createdAt, key: active.key,
                           reason: "batch prediction '\(active.displayName)' \(active.state.rawValue)\(age(since: active.createdAt))"))
            setCondition(resource, .progressing, "Predicting", "batch prediction '\(active.displayName)' is \(active.state.rawValue)")
            return
        }
        guard let model else {
            setCondition(resource, .progressing, "WaitingForModel", waiting ?? "no model to evaluate yet")
            return
        }

        // The newest batch with enough samples that this Evaluation has not judged (the seed picked the oldest).
        let judged = Set(records.map(\.batch))
        let batches = (batchesByDataset[spec.dataset] ?? [])
            .filter { $0.samples.count >= collection.minSamples && !judged.contains($0.uri.description) }
            .sorted { NaturalOrder.less($0.name, $1.name) }
        guard let batch = batches.last else {
            let smaller = (batchesByDataset[spec.dataset] ?? []).filter { !judged.contains($0.uri.description) }
            let note = smaller.isEmpty ? "no new batch under '\(collection.prefix)'"
                : "\(smaller.count) new batch\(smaller.count == 1 ? "" : "es") below \(collection.minSamples) samples"
            if let last = records.last {
                setCondition(resource, last.passed ? .ready : .progressing, last.passed ? "Passed" : "Failed",
                             "\(last.passed ? "passed" : "failed") on \(batchName(last.batch)): accuracy \(String(format: "%.2f", last.accuracy)) against \(String(format: "%.2f", last.threshold)); \(note)")
            } else {
                setCondition(resource, .ready, "WaitingForData", note)
            }
            return
        }

        let key = ContentKey.key(["evaluation": resource.name, "batch": batch.uri.description, "model": model.id])
        let displayName = "\(resource.name)-\(sanitize(batch.name))-\(key.prefix(8))"
        let output = outputRoot.appending(resource.name).appending(displayName)
        let job = (jobsByKey[key] ?? []).max { $0.createdAt < $1.createdAt }
        switch job?.state {
        case nil, .cancelled?:
            let instances = batch.samples
            var labels = StewardLabel.owned(by: resource.name, key: key)
            labels[StewardLabel.model] = String(model.id.prefix(63))
            labels[StewardLabel.batch] = String(sanitize(batch.name).prefix(63))
            let request = BatchPredict(
                displayName: displayName, key: key, evaluation: resource.name, batch: batch.uri, instances: instances,
                instancesFormat: spec.batchPrediction.instancesFormat, modelID: model.id,
                modelResourceName: model.resourceName, output: output, machineType: spec.batchPrediction.machineType,
                startingReplicaCount: spec.batchPrediction.startingReplicaCount,
                maxReplicaCount: spec.batchPrediction.maxReplicaCount,
                serviceAccount: manifests.project?.1.gcp?.serviceAccount, localCommand: spec.local?.command, labels: labels)
            add(Change(id: "batch-predict/\(key)", resource: resource.id, operation: .batchPredict, action: .start,
                       reason: "batch \(batch.name): \(batch.samples.count) samples ≥ \(collection.minSamples), model '\(model.id)'",
                       key: key, detail: .batchPredict(request)))
            setCondition(resource, .progressing, "Predicting", "predicting batch \(batch.name) with model '\(model.id)'")
        case .succeeded?:
            let job = job!
            let predictions = job.outputURI.flatMap { try? StorageURI.parse($0).get() } ?? output
            add(Change(id: "evaluate/\(key)", resource: resource.id, operation: .evaluate, action: .create,
                       reason: "batch prediction '\(job.displayName)' succeeded",
                       key: key,
                       detail: .evaluate(EvaluateBatch(evaluation: resource.name, batch: batch.uri, instances: batch.samples,
                                                       labels: collection.labels, classes: dataset.classes, modelID: model.id,
                                                       jobID: job.id, predictions: predictions,
                                                       record: output.appending(RecordName.evaluation),
                                                       threshold: spec.threshold))))
            setCondition(resource, .progressing, "Evaluating", "evaluating model '\(model.id)' on batch \(batch.name)")
        case .failed?:
            setCondition(resource, .stalled, "PredictionFailed",
                         "batch prediction '\(job!.displayName)' failed\(job!.message.map { ": \($0)" } ?? ""); fix the model or the Evaluation and commit")
        case .pending?, .running?:
            break  // Awaited above.
        }
    }

    /// Failed evaluations with `onFailure.newSpan` make span N+1 (N the highest complete) from their batch, once.
    mutating func planNewSpans(_ resource: Resource, _ spec: EvaluationSpec, dataset: DatasetSpec, records: [EvaluationRecord]) {
        guard spec.onFailure.newSpan, let collection = dataset.collection else { return }
        let spans = self.spans(of: dataset.root)
        let done = Set(spans.filter { $0.state.isComplete }.compactMap(\.source))
        let pending = records.filter { !$0.passed && !done.contains($0.batch) }
        // An interrupted span is resumed for the batch its marker names; that number is not free for another batch
        // (whose samples would be mixed into it, and one of the two spans lost).
        var interrupted: [String: Int] = [:]
        for span in spans where span.state == .inProgress {
            if let source = span.source, interrupted[source] == nil { interrupted[source] = span.number }
        }
        let reserved = Set(pending.compactMap { interrupted[$0.batch] })
        var next = Spans.highestComplete(spans) + 1
        var planned = Set<String>()
        for record in pending where planned.insert(record.batch).inserted {
            guard let uri = try? StorageURI.parse(record.batch).get() else { continue }
            guard let batch = (batchesByDataset[spec.dataset] ?? []).first(where: { $0.uri == uri }) else {
                setCondition(resource, .stalled, "BatchMissing",
                             "batch '\(record.batch)' failed the evaluation but is gone; its samples cannot become a span")
                continue
            }
            // An interrupted span from this very batch is resumed under its number; otherwise the next free one.
            let number: Int
            if let resumed = interrupted[record.batch] {
                number = resumed
            } else {
                while reserved.contains(next) { next += 1 }
                number = next
                next += 1
            }
            let detail = PrepareSpan(dataset: spec.dataset, root: dataset.root, span: number,
                                     source: .batch(uri, samples: batch.samples), format: dataset.format,
                                     splits: dataset.splits, classes: dataset.classes, pattern: collection.pattern,
                                     labels: collection.labels)
            add(Change(id: "prepare-span/\(spec.dataset)/\(number)", resource: ResourceID(.dataset, spec.dataset),
                       operation: .prepareSpan, action: .create,
                       reason: "Evaluation '\(resource.name)' failed on \(batch.name) (accuracy \(String(format: "%.2f", record.accuracy)) < \(String(format: "%.2f", record.threshold))): span \(number) from its \(batch.samples.count) samples",
                       key: ContentKey.key(["dataset.root": dataset.root.description, "batch": record.batch]),
                       detail: .prepareSpan(detail)))
            conditions.removeAll { $0.resource == ResourceID(.dataset, spec.dataset) }
            conditions.append(ResourceCondition(resource: ResourceID(.dataset, spec.dataset),
                                                condition: Condition(.progressing, reason: "PreparingSpan",
                                                                     message: "preparing span \(number) from batch \(batch.name)"),
                                                revision: source.revision, updatedAt: now))
        }
    }

    /// Lowercase letters, digits and `-`, for ids and labels.
    func sanitize(_ text: String) -> String {
        String(text.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" })
    }
}

/// Natural order: digit runs compare as numbers, so `batch-10` follows `batch-9`.
public enum NaturalOrder {
    public static func less(_ a: String, _ b: String) -> Bool {
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex, j < b.endIndex {
            if a[i].isNumber, b[j].isNumber {
                let ea = a[i...].firstIndex { !$0.isNumber } ?? a.endIndex
                let eb = b[j...].firstIndex { !$0.isNumber } ?? b.endIndex
                let na = a[i..<ea].drop { $0 == "0" }, nb = b[j..<eb].drop { $0 == "0" }
                if na.count != nb.count { return na.count < nb.count }
                if na != nb { return na < nb }
                i = ea
                j = eb
            } else {
                if a[i] != b[j] { return a[i] < b[j] }
                i = a.index(after: i)
                j = b.index(after: j)
            }
        }
        return a.count < b.count
    }
}
