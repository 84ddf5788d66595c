import Testing
@testable import StewardGitHub

@Suite("Link header")
struct LinkHeaderTests {
    @Test("GitHub's Link header yields next and last")
    func parses() {
        let header = #"<https://api.github.com/repositories/1/releases?per_page=2&page=2>; rel="next", "#
            + #"<https://api.github.com/repositories/1/releases?per_page=2&page=5>; rel="last""#
        let link = LinkHeader(header)
        #expect(link.next == "https://api.github.com/repositories/1/releases?per_page=2&page=2")
        #expect(link.links["last"] == "https://api.github.com/repositories/1/releases?per_page=2&page=5")
    }

    @Test("the last page has prev and first but no next")
    func lastPage() {
        let link = LinkHeader(#"<https://x/r?page=1>; rel="prev", <https://x/r?page=1>; rel="first""#)
        #expect(link.next == nil)
        #expect(link.links["first"] == "https://x/r?page=1")
    }

    @Test("no header, no links")
    func empty() {
        #expect(LinkHeader(nil).links.isEmpty)
        #expect(LinkHeader("garbage").links.isEmpty)
    }
}
