import Foundation
import StewardCore
@testable import StewardRuntime
@testable import StewardServer
import StewardFakes
import Testing

// MARK: Fixtures

private let commitA = "7b7ad32c4e1f0a9b8d6e5f4a3b2c1d0e9f8a7b6c"
private let commitB = "ef476971d2c3b4a5968778695a4b3c2d1e0f9a8b"

private func resource(_ id: String, _ type: String, _ reason: String, _ message: String, revision: String = commitB,
                      at updatedAt: String = "2026-11-29T02:38:32Z") -> StatusReport.ResourceEntry {
    StatusReport.ResourceEntry(resource: id, condition: .init(type: type, reason: reason, message: message),
                               revision: revision, updatedAt: updatedAt)
}

private func evaluation(_ name: String, batch: String, model: String = "quickstart-training-e1dfddb9a537-1", samples: Int = 60,
                        accuracy: Double, threshold: Double = 0.9) -> StatusReport.EvaluationEntry {
    let correct = Int((accuracy * Double(samples)).rounded())
    return StatusReport.EvaluationEntry(evaluation: name, batch: batch, model: model, samples: samples, correct: correct,
                                        errors: 0, missing: 0, accuracy: accuracy, threshold: threshold,
                                        passed: accuracy >= threshold, recordedAt: "2026-11-29T02:30:00Z")
}

private func action(_ resource: String, _ operation: String, _ phase: String, outcome: String? = nil, detail: String? = nil,
                    at: String = "2026-11-29T02:38:00Z") -> StatusReport.ActionEntry {
    StatusReport.ActionEntry(resource: resource, operation: operation, phase: phase, outcome: outcome, detail: detail, at: at)
}

private let empty = StatusReport(resources: [], evaluations: [], lastReconcile: nil, recentActions: [])

/// The quickstart after its drifted batches: five resources, three evaluations of one Evaluation, a few actions.
private let quickstart = StatusReport(
    resources: [
        resource("Dataset/points", "Ready", "SpanReady", "span 2 of 2 complete"),
        resource("Pipeline/quickstart-training", "Progressing", "RunRunning", "run 'quickstart-training-00551df329c6-1' running for 40s"),
        resource("Evaluation/quickstart-drift", "Ready", "EvaluationPassed", "accuracy 0.983 ≥ 0.90 on batch 2026-02"),
        resource("Endpoint/quickstart-serving", "Stalled", "RetriesExhausted", "deploy-model failed 5 times: quota exceeded", revision: commitA),
        resource("Release/quickstart-model", "Suspended", "Suspended", "suspend: true"),
    ],
    evaluations: [
        evaluation("quickstart-drift", batch: "gs://quickstart/collection/2026-01", accuracy: 0.333),
        evaluation("quickstart-drift", batch: "gs://quickstart/collection/2026-02", model: "quickstart-training-00551df329c6-1", accuracy: 0.983),
        evaluation("quickstart-drift", batch: "gs://quickstart/collection/2026-03", model: "quickstart-training-00551df329c6-1", accuracy: 0.95),
    ],
    lastReconcile: .init(id: "r-20261129-023800-5f2c", revision: commitB, outcome: "succeeded",
                         startedAt: "2026-11-29T02:38:00Z", finishedAt: "2026-11-29T02:38:32Z", summary: "4 actions, everything is up to date"),
    recentActions: [
        action("Endpoint/quickstart-serving", "deploy-model", "end", outcome: "failed", detail: "quota exceeded", at: "2026-11-29T02:38:30Z"),
        action("Endpoint/quickstart-serving", "deploy-model", "begin", at: "2026-11-29T02:38:20Z"),
        action("Pipeline/quickstart-training", "run-pipeline", "end", outcome: "started", detail: "quickstart-training-00551df329c6-1"),
        action("Pipeline/quickstart-training", "run-pipeline", "begin", at: "2026-11-29T02:37:59Z"),
    ]
)

/// Everything a manifest or a cloud error could put on the page, with markup in it.
private let hostileName = "x\"><script>alert('name')</script>"
private let hostile = StatusReport(
    resources: [resource("Pipeline/\(hostileName)", "Stalled", "Bad<Reason>", "error: <img src=x onerror=alert(1)> & \"quotes\" 'single'")],
    evaluations: [evaluation("drift\"><b>", batch: "gs://b/collection/<i>batch</i>", model: "m'<u>", accuracy: 0.5)],
    lastReconcile: .init(id: "r<1>", revision: "<rev>", outcome: "fail<ed>", startedAt: "<now>", finishedAt: nil, summary: "</section><h1>x</h1>"),
    recentActions: [action("Pipeline/\(hostileName)", "run-pipeline", "end", outcome: "failed", detail: "<!-- comment --> </td></tr></table>")]
)

// MARK: Reading the renderer's own output

/// The attributes of every `<name …>` start tag, in document order (the renderer always double-quotes values).
private func tags(_ name: String, in html: String) -> [[String: String]] {
    let tag = try! Regex("<\(name)(\\s[^>]*)?/?>")
    let attribute = try! Regex("([a-zA-Z_:][-a-zA-Z0-9_:.]*)=\"([^\"]*)\"")
    return html.matches(of: tag).map { match in
        var attributes: [String: String] = [:]
        for pair in String(html[match.range]).matches(of: attribute) {
            attributes[String(pair.output[1].substring!)] = String(pair.output[2].substring!)
        }
        return attributes
    }
}

private func classes(_ attributes: [String: String]) -> Set<String> {
    Set((attributes["class"] ?? "").split(separator: " ").map(String.init))
}

private func number(_ attributes: [String: String], _ name: String) throws -> Double {
    let text = try #require(attributes[name], "no '\(name)' in \(attributes)")
    return try #require(Double(text), "'\(name)' is '\(text)', not a number")
}

/// The y of `value` on the chart's own axis: the y axis runs from accuracy 1 at its top (`y1`) to 0 at its bottom (`y2`).
private func expectedY(_ value: Double, axis: [String: String]) throws -> Double {
    let top = try number(axis, "y1"), bottom = try number(axis, "y2")
    return bottom - value * (bottom - top)
}

/// The one chart of a page that has exactly one, as its SVG text.
private func onlyChart(_ html: String) throws -> String {
    let charts = html.ranges(of: "<svg class=\"accuracy-chart\"")
    try #require(charts.count == 1, "expected one chart, found \(charts.count)")
    let end = try #require(html.range(of: "</svg>", range: charts[0].upperBound..<html.endIndex))
    return String(html[charts[0].lowerBound..<end.upperBound])
}

// MARK: Tests of the HTML

@Suite("The status page")
struct StatusPageTests {
    @Test("is one complete HTML5 document that loads nothing: inline style, no script, no external reference")
    func selfContained() {
        let html = quickstart.html(now: "2026-11-29T02:40:00Z")
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<style>"))
        for reference in ["<script", "<link", "src=", "http://", "https://", "@import", "url(", "@font-face"] {
            #expect(!html.contains(reference), "the page references '\(reference)'")
        }
        #expect(html.contains("@media (prefers-color-scheme: dark)"))
    }

    @Test("reloads itself every 30 s unless told otherwise", arguments: [(Int?.some(30), true), (15, true), (nil, false), (0, false)])
    func refresh(seconds: Int?, reloads: Bool) {
        let html = StatusPage(report: quickstart, refreshSeconds: seconds).render()
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"\(seconds ?? 0)\">") == reloads)
        #expect(html.contains("http-equiv=\"refresh\"") == reloads)
        #expect(quickstart.html().contains("<meta http-equiv=\"refresh\" content=\"30\">"))
    }

    @Test("escapes every string from manifests, the store and cloud errors")
    func escaping() {
        let html = hostile.html(now: "<now>", source: "<repo>&")
        for raw in ["<script>", "</script>", "<img", "<b>", "<i>", "<u>", "<!--", "</td></tr></table>", "<h1>", "<rev>", "<now>", "<repo>", "Bad<Reason>"] {
            #expect(!html.contains(raw), "'\(raw)' reached the page unescaped")
        }
        #expect(html.contains("data-resource=\"Pipeline/x&quot;&gt;&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;\""))
        #expect(html.contains("error: &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot; &#39;single&#39;"))
        #expect(html.contains("data-evaluation=\"drift&quot;&gt;&lt;b&gt;\""))
        #expect(html.contains("&lt;!-- comment --&gt; &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;"))
        #expect(html.contains("watching <code>&lt;repo&gt;&amp;</code>"))
        // Class names made from values keep to letters, digits and dashes.
        #expect(html.contains("badge outcome-fail-ed-"))
    }

    @Test("escaping maps exactly the five characters that matter in text and in quoted attributes")
    func escapeFunction() {
        #expect(StatusPage.escape(#"a<b>&"c"'d' ≥ é"#) == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; ≥ é")
        #expect(StatusPage.escape("") == "")
    }

    @Test("an empty report still draws one chart with axes, and carries the note instead of points")
    func emptyReport() throws {
        let html = empty.html()
        let chart = try onlyChart(html)
        #expect(!chart.contains("data-evaluation="), "no evaluation is known, so the chart is of none")
        #expect(tags("line", in: chart).filter { classes($0).contains("axis") }.count == 2)
        #expect(chart.contains("accuracy</text>"))
        #expect(chart.contains("class=\"empty-note\""))
        #expect(html.contains("No evaluation yet:</tspan> <tspan"))
        #expect(chart.contains("the chart fills in when the first collection batch is evaluated."))
        #expect(tags("circle", in: chart).isEmpty)
        #expect(tags("polyline", in: chart).isEmpty)
        // No threshold is known: no line is drawn at an invented value, and the legend says why.
        #expect(tags("line", in: chart).allSatisfy { !classes($0).contains("threshold") })
        #expect(html.contains("threshold (unknown until the first evaluation)"))
        #expect(html.contains("No reconcile recorded yet"))
        #expect(html.contains("No resources yet"))
        #expect(html.contains("No actions recorded yet."))
    }

    @Test("a declared Evaluation without records gets its chart with its threshold line and the note",
          arguments: [0.9, 0.5, 0.0, 1.0])
    func declaredWithoutRecords(threshold: Double) throws {
        let report = StatusReport(resources: [resource("Evaluation/drift", "Progressing", "TooFewSamples", "12 of 50 samples")],
                                  evaluations: [], lastReconcile: nil, recentActions: [])
        let html = report.html(thresholds: ["drift": threshold])
        let chart = try onlyChart(html)
        #expect(chart.contains("data-evaluation=\"drift\""))
        let axis = try #require(tags("line", in: chart).first { classes($0).contains("y-axis") })
        let line = try #require(tags("line", in: chart).first { classes($0).contains("threshold") })
        #expect(try abs(number(line, "y1") - expectedY(threshold, axis: axis)) < 0.06)
        #expect(try number(line, "y1") == number(line, "y2"), "the threshold line is horizontal")
        #expect(try number(line, "data-threshold") == threshold)
        let label = try #require(chart.firstMatch(of: try Regex("<text class=\"threshold-label\"[^>]*>([^<]*)</text>")))
        #expect(label.output[1].substring == Substring(String(format: "%.2f", threshold)), "the line's value is written beside it")
        #expect(html.contains(String(format: "<span class=\"key threshold\">threshold %.2f</span>", threshold)))
        #expect(chart.contains("class=\"empty-note\""))
        #expect(tags("circle", in: chart).isEmpty)
    }

    @Test("one evaluation: one point at its accuracy, coloured by its result, and the threshold line at the threshold",
          arguments: [(0.333, 0.9), (0.983, 0.9), (0.5, 0.5), (0.0, 0.75), (1.0, 0.8)])
    func onePoint(accuracy: Double, threshold: Double) throws {
        let record = evaluation("drift", batch: "gs://b/collection/2026-01", samples: 60, accuracy: accuracy, threshold: threshold)
        let report = StatusReport(resources: [], evaluations: [record], lastReconcile: nil, recentActions: [])
        let html = report.html()
        let chart = try onlyChart(html)
        let axis = try #require(tags("line", in: chart).first { classes($0).contains("y-axis") })

        let points = tags("circle", in: chart)
        try #require(points.count == 1)
        #expect(classes(points[0]) == ["point", record.passed ? "pass" : "fail"])
        #expect(try abs(number(points[0], "cy") - expectedY(accuracy, axis: axis)) < 0.06)
        #expect(points[0]["data-batch"] == "gs://b/collection/2026-01")
        #expect(points[0]["data-samples"] == "60")

        let line = try #require(tags("line", in: chart).first { classes($0).contains("threshold") })
        #expect(try abs(number(line, "y1") - expectedY(threshold, axis: axis)) < 0.06)
        // The tooltip names the batch, the model, the samples and the accuracy.
        #expect(chart.contains("<title>batch gs://b/collection/2026-01\nmodel quickstart-training-e1dfddb9a537-1\n60 samples\n"
            + String(format: "accuracy %.3f", accuracy)))
        #expect(chart.contains(record.passed ? ": pass</title>" : ": fail</title>"))
        #expect(!chart.contains("class=\"empty-note\""))
        #expect(!html.contains("No evaluation yet"))
    }

    @Test("several evaluations: one point per record in recorded order, left to right, joined by a polyline")
    func severalPoints() throws {
        let chart = try onlyChart(quickstart.html())
        let axis = try #require(tags("line", in: chart).first { classes($0).contains("y-axis") })
        let points = tags("circle", in: chart)
        try #require(points.count == quickstart.evaluations.count)
        #expect(points.map { $0["data-batch"] } == quickstart.evaluations.map(\.batch))
        #expect(points.map { classes($0).contains("pass") } == [false, true, true])
        #expect(points.map { classes($0).contains("fail") } == [true, false, false])
        let xs = try points.map { try number($0, "cx") }
        #expect(xs == xs.sorted() && Set(xs).count == xs.count, "x grows with the recorded order")
        for (point, record) in zip(points, quickstart.evaluations) {
            #expect(try abs(number(point, "cy") - expectedY(record.accuracy, axis: axis)) < 0.06)
        }
        let polyline = try #require(tags("polyline", in: chart).first)
        let vertices = (polyline["points"] ?? "").split(separator: " ").map { $0.split(separator: ",").compactMap { Double($0) } }
        #expect(try vertices == points.map { [try number($0, "cx"), try number($0, "cy")] })
        // The batch labels are the batch folders' last part.
        #expect(chart.contains(">2026-01</text>") && chart.contains(">2026-03</text>"))
        #expect(tags("line", in: chart).filter { classes($0).contains("threshold") }.count == 1)
    }

    @Test("each evaluation gets its own chart; the manifests' threshold wins over the records' threshold")
    func chartPerEvaluation() throws {
        let report = StatusReport(resources: [resource("Evaluation/canary", "Ready", "EvaluationPassed", "ok")],
                                  evaluations: [evaluation("drift", batch: "b1", accuracy: 0.8, threshold: 0.7),
                                                evaluation("quality", batch: "b1", accuracy: 0.6, threshold: 0.5),
                                                evaluation("drift", batch: "b2", accuracy: 0.9, threshold: 0.75)],
                                  lastReconcile: nil, recentActions: [])
        let html = report.html(thresholds: ["quality": 0.65])
        let charts = tags("svg", in: html).filter { classes($0).contains("accuracy-chart") }
        #expect(charts.map { $0["data-evaluation"] } == ["canary", "drift", "quality"])
        let thresholds = tags("line", in: html).filter { classes($0).contains("threshold") }.map { $0["data-threshold"] }
        // canary: declared only by its resource, no record and no manifest threshold: no line. drift: its newest record's.
        #expect(thresholds == ["0.75", "0.65"])
        #expect(tags("circle", in: html).count == 3)
        // Points keep the result they were recorded with: 'quality' passed at 0.5, before its threshold became 0.65.
        #expect(tags("circle", in: html).map { classes($0).contains("pass") } == [true, true, true])
    }

    @Test("many batches: every point is drawn, and the batch labels are thinned out so that they do not overlap")
    func manyBatches() throws {
        let records = (1...40).map { evaluation("drift", batch: "gs://b/collection/batch-\($0)", accuracy: Double($0 % 10) / 10) }
        let chart = try onlyChart(StatusReport(resources: [], evaluations: records, lastReconcile: nil, recentActions: []).html())
        #expect(tags("circle", in: chart).count == 40)
        let labels = tags("text", in: chart).filter { classes($0).contains("x-tick") }
        #expect(labels.count <= 8 && labels.count >= 5)
    }

    @Test("lists each resource with its condition badge, reason, message and commit (short, full id in title)")
    func resources() throws {
        let html = quickstart.html()
        let rows = tags("tr", in: html).filter { $0["data-resource"] != nil && $0["data-condition"] != nil }
        #expect(rows.map { $0["data-resource"] } == quickstart.resources.map(\.resource))
        #expect(rows.map { $0["data-condition"] } == quickstart.resources.map(\.condition.type))
        for type in ["ready", "progressing", "stalled", "suspended"] {
            #expect(html.contains("<span class=\"badge condition-\(type)\">"))
        }
        #expect(html.contains("<td class=\"reason\" data-label=\"Reason\">RetriesExhausted</td>"
            + "<td class=\"message\" data-label=\"Message\">deploy-model failed 5 times: quota exceeded</td>"))
        #expect(html.contains("<code class=\"commit\" title=\"\(commitA)\">\(commitA.prefix(7))</code>"))
        #expect(html.contains("<code class=\"commit\" title=\"\(commitB)\">\(commitB.prefix(7))</code>"))
        let counts = tags("li", in: html).filter { $0["data-condition"] != nil }
        #expect(counts.map { $0["data-condition"] } == ["Ready", "Progressing", "Stalled", "Suspended"])
        #expect(counts.map { $0["data-count"] } == ["2", "1", "1", "1"])
        #expect(html.contains("<title>1 stalled · Steward</title>"))
    }

    @Test("shows the last reconcile: outcome, short and full commit, summary, times and how long it took")
    func lastReconcile() throws {
        let html = quickstart.html(now: "2026-11-29T02:40:00Z")
        let section = try #require(tags("section", in: html).first { $0["id"] == "last-reconcile" })
        #expect(section["data-outcome"] == "succeeded")
        #expect(section["data-revision"] == commitB)
        #expect(html.contains("<span class=\"badge outcome-succeeded\">succeeded</span>"))
        #expect(html.contains("<code class=\"full-commit\">\(commitB)</code>"))
        #expect(html.contains("4 actions, everything is up to date"))
        #expect(html.contains("r-20261129-023800-5f2c"))
        #expect(html.contains("<time datetime=\"2026-11-29T02:38:32Z\">2026-11-29 02:38:32Z</time> <span class=\"age\">1m 28s ago</span>"))
        #expect(html.contains("(took 32s)"))
    }

    @Test("without now, times carry no age")
    func noAges() {
        let html = quickstart.html()
        #expect(!html.contains("class=\"age\""))
        #expect(!html.contains("rendered <time"))
    }

    @Test("recent actions: the ended ones, newest first, with time, operation, resource, outcome and detail")
    func actions() throws {
        let html = quickstart.html()
        let rows = tags("tr", in: html).filter { $0["data-operation"] != nil }
        #expect(rows.map { $0["data-operation"] } == ["deploy-model", "run-pipeline"])
        #expect(rows.map { $0["data-outcome"] } == ["failed", "started"])
        #expect(rows.map { $0["data-resource"] } == ["Endpoint/quickstart-serving", "Pipeline/quickstart-training"])
        #expect(html.contains("<td class=\"detail\" data-label=\"Detail\">quota exceeded</td>"))
        #expect(html.contains("<span class=\"badge outcome-started\">started</span>"))
    }
}

// MARK: Tests in a browser

@Suite("The status page in headless Chromium")
struct StatusPageBrowserTests {
    static let selectors = [
        "#resources-table tbody tr", "#resources-table tr[data-resource=\"Endpoint/quickstart-serving\"] .badge",
        "#last-reconcile code.commit", "#actions-table tbody tr",
        "svg.accuracy-chart", "svg.accuracy-chart[data-evaluation=\"quickstart-drift\"] circle.point",
        "svg.accuracy-chart circle.point.pass", "svg.accuracy-chart circle.point.fail",
        "svg.accuracy-chart line.threshold", "svg.accuracy-chart line.axis", "svg.accuracy-chart polyline.trend",
        "svg.accuracy-chart text.empty-note", "svg.accuracy-chart circle.point > title", "script",
    ]

    @Test("the browser builds the resources table, the recent actions and the chart with its threshold line and points")
    func quickstartPage() async throws {
        let page = try await Chromium.query(html: quickstart.html(now: "2026-11-29T02:40:00Z"), selectors: Self.selectors)

        #expect(page["#resources-table tbody tr"].map { $0.attributes["data-resource"] } == quickstart.resources.map(\.resource))
        #expect(page["#resources-table tr[data-resource=\"Endpoint/quickstart-serving\"] .badge"].map(\.text) == ["Stalled"])
        #expect(page["#last-reconcile code.commit"].map { $0.attributes["title"] } == [commitB])
        #expect(page["#actions-table tbody tr"].count == 2)

        let chart = try #require(page["svg.accuracy-chart"].first)
        #expect(page["svg.accuracy-chart"].count == 1)
        #expect(chart.attributes["data-evaluation"] == "quickstart-drift")
        #expect(chart.width > 300 && chart.height > 100, "the chart is laid out at a readable size: \(chart.width)×\(chart.height)")
        #expect(page["svg.accuracy-chart[data-evaluation=\"quickstart-drift\"] circle.point"].count == 3)
        #expect(page["svg.accuracy-chart circle.point.pass"].count == 2)
        #expect(page["svg.accuracy-chart circle.point.fail"].count == 1)
        #expect(page["svg.accuracy-chart circle.point > title"].first?.text.hasPrefix("batch gs://quickstart/collection/2026-01\nmodel ") == true)
        #expect(page["svg.accuracy-chart line.axis"].count == 2)
        #expect(page["svg.accuracy-chart polyline.trend"].count == 1)
        #expect(page["svg.accuracy-chart text.empty-note"].isEmpty)
        let threshold = try #require(page["svg.accuracy-chart line.threshold"].first)
        #expect(threshold.attributes["data-threshold"] == "0.9")
        #expect(threshold.width > 200, "the threshold line spans the plot")
        // The page itself has no script: the one found is the probe the test appended.
        #expect(page["script"].count == 1)
    }

    @Test("an empty report renders the chart's axes and a visible note, and no point")
    func emptyPage() async throws {
        let page = try await Chromium.query(html: empty.html(), selectors: Self.selectors)
        #expect(page["svg.accuracy-chart"].count == 1)
        #expect(page["svg.accuracy-chart line.axis"].count == 2)
        let note = try #require(page["svg.accuracy-chart text.empty-note"].first)
        #expect(note.text == "No evaluation yet: the chart fills in when the first collection batch is evaluated.")
        #expect(note.width > 100 && note.height > 10, "the note is visible: \(note.width)×\(note.height)")
        #expect(page["svg.accuracy-chart circle.point"].isEmpty)
        #expect(page["#resources-table tbody tr"].isEmpty)
    }

    @Test("hostile strings arrive in the DOM as the same text, and add no element")
    func hostilePage() async throws {
        let page = try await Chromium.query(html: hostile.html(now: "<now>"), selectors: [
            "tr[data-resource]", "td.message", "td.detail", "svg.accuracy-chart", "circle.point", "script", "img", "h1", "b", "i", "u",
            "#last-reconcile .summary",
        ])
        #expect(page["tr[data-resource]"].map { $0.attributes["data-resource"] } == ["Pipeline/\(hostileName)", "Pipeline/\(hostileName)"])
        #expect(page["td.message"].map(\.text) == [hostile.resources[0].condition.message])
        #expect(page["td.detail"].map(\.text) == [hostile.recentActions[0].detail])
        #expect(page["svg.accuracy-chart"].map { $0.attributes["data-evaluation"] } == ["drift\"><b>"])
        #expect(page["circle.point"].map { $0.attributes["data-batch"] } == ["gs://b/collection/<i>batch</i>"])
        #expect(page["#last-reconcile .summary"].map(\.text) == ["</section><h1>x</h1>"])
        #expect(page["script"].count == 1, "only the probe")
        for tag in ["img", "h1", "b", "i", "u"] { #expect(page[tag].isEmpty, "a '<\(tag)>' element was injected") }
    }

    @Test("on a phone-sized window nothing overflows sideways and the chart fits the screen")
    func narrowWindow() async throws {
        let page = try await Chromium.query(html: quickstart.html(now: "2026-11-29T02:40:00Z"), selectors: Self.selectors,
                                            windowSize: (390, 844))
        #expect(page.viewportWidth == 390)
        #expect(page.documentWidth <= page.viewportWidth, "the page is \(page.documentWidth) px wide in a \(page.viewportWidth) px window")
        let chart = try #require(page["svg.accuracy-chart"].first)
        #expect(chart.width > 250 && chart.width <= 390)
    }
}
