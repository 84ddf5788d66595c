import Foundation

/// A `google.protobuf.Value`: any JSON value, as carried by `Struct` fields (`pipelineSpec`,
/// `parameterValues`, operation `metadata` and `response`).
///
/// Integers and other numbers are kept apart so that an integer parameter travels as a JSON integer.
public enum ProtobufValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([ProtobufValue])
    case object([String: ProtobufValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let bool = try? container.decode(Bool.self) { self = .bool(bool) }
        else if let int = try? container.decode(Int64.self) { self = .int(int) }
        else if let double = try? container.decode(Double.self) { self = .double(double) }
        else if let string = try? container.decode(String.self) { self = .string(string) }
        else if let array = try? container.decode([ProtobufValue].self) { self = .array(array) }
        else { self = .object(try container.decode([String: ProtobufValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON text.
    public init(json bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(ProtobufValue.self, from: Data(bytes))
    }

    /// Any encodable value, as JSON.
    public init(encoding value: some Encodable) throws {
        self = try ProtobufValue(json: JSONCoding.encode(value))
    }

    /// The value as a Codable type, through its JSON form.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONCoding.decode(type, from: JSONCoding.encode(self))
    }

    /// The member of an object, or nil.
    public subscript(key: String) -> ProtobufValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var objectValue: [String: ProtobufValue]? {
        if case .object(let object) = self { return object }
        return nil
    }

    public var arrayValue: [ProtobufValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// Integers and integral doubles.
    public var intValue: Int64? {
        switch self {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: Int64(value)
        default: nil
        }
    }
}

/// The JSON encoder and decoder of the Google clients: keys sorted (stable request bodies), slashes unescaped.
enum JSONCoding {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try [UInt8](encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
