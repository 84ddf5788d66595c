import Testing
@testable import StewardServer

@Suite("Push event")
struct PushEventTests {
    @Test("a push payload decodes to ref, before, after and repository")
    func decodes() throws {
        let event = try PushEvent.decode(try Fixtures.bytes("push.payload.json"))
        #expect(event.ref == "refs/heads/main")
        #expect(event.branch == "main")
        #expect(event.before == "0000000000000000000000000000000000000000")
        #expect(event.after == "6113728f27ae82c7b1a177c8d03f9e96e0adf246")
        #expect(!event.deleted)
        #expect(event.repository.fullName == "octo/models")
        #expect(event.repository.cloneURL == "https://github.com/octo/models.git")
    }

    @Test("a tag push has no branch, a deletion says so")
    func tagDeletion() throws {
        let body = #"{"ref":"refs/tags/v1","after":"0000000000000000000000000000000000000000","deleted":true,"repository":{"full_name":"o/r","clone_url":"https://github.com/o/r.git"}}"#
        let event = try PushEvent.decode(Array(body.utf8))
        #expect(event.branch == nil)
        #expect(event.deleted)
        #expect(event.before == nil)
    }

    @Test("a payload without a repository is an error")
    func missingRepository() {
        #expect(throws: (any Error).self) {
            try PushEvent.decode(Array(#"{"ref":"refs/heads/main","after":"abc"}"#.utf8))
        }
    }
}
