import StewardCore

/// The checks across resources: unique names, one Project, references that resolve and make
/// sense; and the closure of the valid set under references.
struct ManifestLinker {
    let log: DiagnosticLog

    /// The valid resources, every reference among them resolved, and the resources held back
    /// because they are declared twice or refer to one that is.
    func link(_ declarations: [Declaration]) -> (resources: [Resource], held: [HeldResource]) {
        // Two declarations of one kind and name are ambiguous: both are reported, neither is used.
        // Counted first, so that only the rare duplicates are collected (declarations are large).
        var counts: [ResourceID: Int] = [:]
        counts.reserveCapacity(declarations.count)
        for declaration in declarations { counts[ResourceID(declaration.kind, declaration.name), default: 0] += 1 }
        var duplicates: [ResourceID: [Declaration]] = [:]
        if counts.values.contains(where: { $0 > 1 }) {
            for declaration in declarations {
                let id = ResourceID(declaration.kind, declaration.name)
                if counts[id, default: 0] > 1 { duplicates[id, default: []].append(declaration) }
            }
        }
        var held: [ResourceID: HeldResource] = [:]
        for (id, group) in duplicates {
            let places = group.map(\.nameLocation)
            for declaration in group {
                let others = places.filter { $0 != declaration.nameLocation }.map(\.description).joined(separator: ", ")
                log.error(at: declaration.nameLocation, "duplicate \(declaration.kind.rawValue) name '\(declaration.name)'",
                          hint: "also declared at \(others); names are unique per kind: remove or rename all but one (none is used until then)")
            }
            held[id] = HeldResource(id: id, reason: "Duplicate",
                                    message: "\(id.kind.rawValue) '\(id.name)' is declared \(group.count) times (\(places.map(\.description).joined(separator: ", "))); nothing is planned for it until one declaration remains")
        }

        var kept: [Declaration] = []
        var project: (name: String, location: SourceLocation)?
        for declaration in declarations where duplicates[ResourceID(declaration.kind, declaration.name)] == nil {
            if declaration.kind == .project {
                if let project {
                    log.error(at: declaration.nameLocation, "more than one Project: '\(declaration.name)'",
                              hint: "a repository declares at most one Project; '\(project.name)' is declared at \(project.location)")
                    continue
                }
                project = (declaration.name, declaration.nameLocation)
            }
            kept.append(declaration)
        }

        // References resolve against every declared name, valid or not: a Pipeline with a typo
        // in its own spec is reported once, not again by everything that names it.
        let declared = Dictionary(grouping: kept + duplicates.values.compactMap(\.first), by: \.kind).mapValues { $0.map(\.name) }
        let specs = Dictionary(kept.compactMap { d in d.resource.map { (ResourceID(d.kind, d.name), $0.spec) } },
                               uniquingKeysWith: { a, _ in a })
        var valid: [ResourceID: Declaration] = [:]
        for declaration in kept {
            var ok = declaration.resource != nil
            for reference in declaration.references {
                let target = reference.role.target
                let names = declared[target] ?? []
                if !names.contains(reference.name) {
                    let hint = Spelling.suggestion(for: reference.name, among: names).map { "did you mean '\($0)'?" }
                    log.error(at: reference.location,
                              "\(declaration.kind.rawValue) '\(declaration.name)' \(reference.role.verb) '\(reference.name)', but no \(target.rawValue) has that name",
                              hint: hint)
                    ok = false
                    continue
                }
                if !check(reference, of: declaration, specs: specs) { ok = false }
            }
            if ok { valid[ResourceID(declaration.kind, declaration.name)] = declaration }
        }

        // Keep the valid set closed under references: whatever names a left-out resource is left
        // out too, with a warning, so no consumer of the set meets a dangling name.
        var changed = true
        while changed {
            changed = false
            for (id, declaration) in valid {
                guard let broken = declaration.references.first(where: { valid[ResourceID($0.role.target, $0.name)] == nil }) else {
                    continue
                }
                let target = ResourceID(broken.role.target, broken.name)
                if let cause = held[target] {
                    // Held with it, so that the resource shows why nothing happens to it.
                    let why = cause.reason == "Duplicate" ? "is declared more than once" : "is held, as it refers to a resource that is"
                    held[id] = HeldResource(id: id, reason: "DependencyHeld",
                                            message: "nothing is planned for \(id.kind.rawValue) '\(id.name)': \(target.kind.rawValue) '\(target.name)' it refers to \(why)")
                    log.warning(at: broken.location,
                                "\(id.kind.rawValue) '\(id.name)' is left out: \(target.kind.rawValue) '\(target.name)' it refers to \(why)")
                } else if (declared[broken.role.target] ?? []).contains(broken.name) {
                    // The cause is reported already when the reference did not resolve.
                    log.warning(at: broken.location,
                                "\(id.kind.rawValue) '\(id.name)' is left out: \(broken.role.target.rawValue) '\(broken.name)' it refers to has errors")
                }
                valid[id] = nil
                changed = true
            }
        }
        return (kept.compactMap { valid[ResourceID($0.kind, $0.name)]?.resource }, Array(held.values))
    }

    /// The checks a resolved reference needs beyond existing; `false` when one fails.
    private func check(_ reference: Reference, of declaration: Declaration, specs: [ResourceID: ResourceSpec]) -> Bool {
        switch reference.role {
        case .retrain:
            // `retrain` is a checked reference, not a trigger: the new span retrains the Pipeline
            // only by changing its inputs, so it must train on the Evaluation's dataset.
            guard case .evaluation(let evaluation)? = declaration.resource?.spec,
                  case .pipeline(let pipeline)? = specs[ResourceID(.pipeline, reference.name)] else { return true }
            guard pipeline.dataset == evaluation.dataset else {
                log.error(at: reference.location,
                          "Evaluation '\(declaration.name)' retrains '\(reference.name)', but Pipeline '\(reference.name)' does not train on Dataset '\(evaluation.dataset)'",
                          hint: "set the Pipeline's 'dataset' to '\(evaluation.dataset)' so that a new span retrains it")
                return false
            }
            return true
        case .evaluationDataset:
            guard case .dataset(let dataset)? = specs[ResourceID(.dataset, reference.name)] else { return true }
            guard dataset.collection != nil else {
                log.error(at: reference.location,
                          "Evaluation '\(declaration.name)' evaluates batches of '\(reference.name)', but Dataset '\(reference.name)' has no 'collection'",
                          hint: "add spec.collection to the Dataset: an Evaluation judges newly collected batches")
                return false
            }
            return true
        default:
            return true
        }
    }
}
