import Foundation

/// The request body schema of `repos/create-release`, read from the releases fragment fixture, so the fake
/// refuses exactly what the contract refuses: unknown fields, a missing `tag_name`, wrong types, bad enums.
struct CreateReleaseSchema: Sendable {
    struct Property: Sendable {
        var type: String
        var allowed: [String]?
    }

    let required: [String]
    let properties: [String: Property]

    static func load() throws -> CreateReleaseSchema {
        let fragment = try JSONValue.decode(FakeFixtures.bytes("github.releases.fragment.json"))
        guard let body = fragment["paths"]?["/repos/{owner}/{repo}/releases"]?["post"]?["requestBody"]?["application/json"],
              let required = body["required"]?.array?.compactMap(\.string),
              let members = body["properties"]?.object else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var properties: [String: Property] = [:]
        for (name, schema) in members {
            properties[name] = Property(type: schema["type"]?.string ?? "string",
                                        allowed: schema["enum"]?.array?.compactMap(\.string))
        }
        return CreateReleaseSchema(required: required, properties: properties)
    }

    /// nil when the body is valid, else GitHub's message for the first problem.
    func problem(in body: JSONValue) -> String? {
        guard let members = body.object else { return "Invalid request.\n\nBody should be a JSON object." }
        for name in members.keys.sorted() where properties[name] == nil {
            return "Invalid request.\n\n\"\(name)\" is not a permitted key."
        }
        for name in required where members[name] == nil {
            return "Invalid request.\n\n\"\(name)\" wasn't supplied."
        }
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let property = properties[name] else { continue }
            let matches = value.schemaType == property.type || (property.type == "number" && value.schemaType == "integer")
            if !matches {
                return "Invalid request.\n\nFor 'properties/\(name)', \(value) is not a \(property.type)."
            }
            if let allowed = property.allowed, let text = value.string, !allowed.contains(text) {
                return "Invalid request.\n\nFor 'properties/\(name)', \"\(text)\" is not one of \(allowed)."
            }
        }
        return nil
    }
}
