import Foundation
import StewardCore
import StewardGoogleCloud

/// A small validator of request bodies and query parameters against a discovery document's fragment,
/// so that the fakes check what the client sends against Google's schemas, not against the client.
///
/// It knows `type` (object, array, string, integer, number, boolean, any), `properties`, `$ref`, `items`,
/// `additionalProperties`, `enum` and the formats `int64`/`uint64` (strings of digits), `int32`,
/// `google-datetime` and `google-duration`. A field the schema does not name is an error, as Google answers
/// `Unknown name "…": Cannot find field.` A `$ref` to a schema outside the fragment (the fragments keep the
/// closure to depth 2) is accepted as is.
public struct DiscoverySchema: Sendable {
    let schemas: [String: ProtobufValue]
    let methods: [String: ProtobufValue]
    let globalParameters: Set<String>

    /// Loads a fragment from `Fixtures/` (`aiplatform.v1.fragment.json`, `cloudbuild.v1.fragment.json`).
    public init(fixture name: String) throws {
        let document = try ProtobufValue(json: FakeFixtures.bytes(name))
        schemas = document["schemas"]?.objectValue ?? [:]
        methods = document["methods"]?.objectValue ?? [:]
        var global = Set((document["globalParameters"]?.objectValue ?? [:]).keys)
        global.formUnion(["$.xgafv", "access_token", "alt", "callback", "fields", "key", "oauth_token", "prettyPrint",
                          "quotaUser", "uploadType", "upload_protocol"])
        globalParameters = global
    }

    /// The violations of a request body for a method (by discovery id), empty when it is valid.
    public func violations(ofBody body: ProtobufValue, method id: String) -> [String] {
        guard let reference = methods[id]?["request"]?["$ref"]?.stringValue else {
            return ["method '\(id)' takes no body"]
        }
        var errors: [String] = []
        check(body, ["$ref": .string(reference)], at: "", into: &errors)
        return errors
    }

    /// Query parameters a method does not take.
    public func unknownParameters(_ query: [String: String], method id: String) -> [String] {
        let known = Set((methods[id]?["parameters"]?.objectValue ?? [:]).keys)
        return query.keys.filter { !known.contains($0) && !globalParameters.contains($0) }.sorted()
    }

    private func check(_ value: ProtobufValue, _ schema: [String: ProtobufValue], at path: String, into errors: inout [String]) {
        if case .null = value { return }
        if let reference = schema["$ref"]?.stringValue {
            guard let target = schemas[reference]?.objectValue else { return }
            check(value, target, at: path, into: &errors)
            return
        }
        let place = path.isEmpty ? "the request" : "'\(path)'"
        switch schema["type"]?.stringValue {
        case "object":
            guard case .object(let object) = value else { errors.append("Invalid value at \(place): expected an object"); return }
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]?.objectValue
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                if let property = properties?[key]?.objectValue {
                    check(member, property, at: memberPath, into: &errors)
                } else if let additional {
                    check(member, additional, at: path.isEmpty ? "[\(key)]" : "\(path)[\(key)]", into: &errors)
                } else {
                    errors.append("Invalid JSON payload received. Unknown name \"\(key)\" at \(place): Cannot find field.")
                }
            }
        case "array":
            guard case .array(let items) = value else { errors.append("Invalid value at \(place): expected a list"); return }
            let itemSchema = schema["items"]?.objectValue ?? [:]
            for (index, item) in items.enumerated() { check(item, itemSchema, at: "\(path)[\(index)]", into: &errors) }
        case "string":
            guard case .string(let text) = value else {
                errors.append("Invalid value at \(place) (\(schema["format"]?.stringValue ?? "TYPE_STRING")): expected a string")
                return
            }
            if let allowed = schema["enum"]?.arrayValue?.compactMap(\.stringValue), !allowed.contains(text) {
                errors.append("Invalid value at \(place): \"\(text)\" is not one of the enum's values")
            }
            switch schema["format"]?.stringValue {
            case "int64", "uint64":
                if !fullMatch(text, "-?[0-9]+") { errors.append("Invalid value at \(place) (TYPE_INT64): \"\(text)\"") }
            case "google-datetime":
                if Instant(rfc3339: text) == nil { errors.append("Invalid value at \(place) (type.googleapis.com/google.protobuf.Timestamp): \"\(text)\"") }
            case "google-duration":
                if !fullMatch(text, "-?[0-9]+(\\.[0-9]{1,9})?s") { errors.append("Invalid value at \(place) (type.googleapis.com/google.protobuf.Duration): \"\(text)\"") }
            default:
                break
            }
        case "integer":
            guard let number = value.intValue else { errors.append("Invalid value at \(place) (TYPE_INT32): expected an integer"); return }
            if schema["format"]?.stringValue == "int32", number < Int64(Int32.min) || number > Int64(Int32.max) {
                errors.append("Invalid value at \(place) (TYPE_INT32): \(number) is out of range")
            }
        case "number":
            switch value {
            case .int, .double: break
            default: errors.append("Invalid value at \(place) (TYPE_DOUBLE): expected a number")
            }
        case "boolean":
            guard case .bool = value else { errors.append("Invalid value at \(place) (TYPE_BOOL): expected true or false"); return }
        default:
            break  // "any", or no type.
        }
    }
}
