import StewardStore
import Testing

@Suite("--state parsing")
struct StateLocationTests {
    static let cwd = "/home/me/project"

    @Test("accepted forms resolve to an absolute SQLite path", arguments: [
        ("sqlite:.steward/state.db", "/home/me/project/.steward/state.db"),
        (".steward/state.db", "/home/me/project/.steward/state.db"),
        ("sqlite:/var/lib/steward/state.db", "/var/lib/steward/state.db"),
        ("/var/lib/steward/state.db", "/var/lib/steward/state.db"),
        ("SQLite:state.db", "/home/me/project/state.db"),
        ("sqlite:../shared/state.db", "/home/me/shared/state.db"),
        ("./a:b.db", "/home/me/project/a:b.db"),
        ("sqlite:with:colon.db", "/home/me/project/with:colon.db"),
    ])
    func accepted(argument: String, path: String) throws {
        let location = try StateLocation(parsing: argument, currentDirectory: Self.cwd)
        #expect(location.path == path)
        #expect(location.description == "sqlite:\(path)")
    }

    @Test("refused forms say what to write instead", arguments: [
        ("postgres://steward:secret@db.internal/steward", StateLocation.ParseError.reserved),
        ("postgresql://db.internal/steward", .reserved),
        ("mysql://db.internal/steward", .unknownScheme("mysql")),
        ("s3://bucket/state.db", .unknownScheme("s3")),
        ("", .emptyPath),
        ("sqlite:", .emptyPath),
    ])
    func refused(argument: String, expected: StateLocation.ParseError) throws {
        let error = try #require(throws: StateLocation.ParseError.self) {
            try StateLocation(parsing: argument, currentDirectory: Self.cwd)
        }
        #expect(error == expected)
        #expect(error.description.contains("'sqlite:PATH'"))
        #expect(!error.description.contains("secret"))
    }

    @Test("the postgres message says a shared store is reserved and not available yet")
    func postgresMessage() {
        #expect(StateLocation.ParseError.reserved.description
            == "'postgres://…' is reserved for a shared state store, which is not available yet; use 'sqlite:PATH'")
    }
}
